#include "policy/features.h"

#include <algorithm>
#include <cmath>

#include "formulations/reachability.h"

namespace respect {

uint64_t Fnv1a64(const std::string& s) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

bool IsPaperFeature(int i) {
  if (i == 0) return true;
  if (i >= 2 && i <= 17) return true;
  return false;
}

std::string FeatureName(int i) {
  if (i == 0) return "asap";
  if (i == 1) return "alap";
  if (i >= 2 && i <= 7) return "parent_level_" + std::to_string(i - 2);
  if (i >= 8 && i <= 13) return "parent_id_" + std::to_string(i - 8);
  switch (i) {
    case 14: return "op_hash";
    case 15: return "param_rel_max";
    case 16: return "param_log";
    case 17: return "param_share";
    case 18: return "param_cum_share";
    case 19: return "out_rel_max";
    case 20: return "out_log";
    case 21: return "fan_out";
    case 22: return "in_degree";
    case 23: return "position";
    case 24: return "ancestor_param_share";
    case 25: return "descendant_param_share";
    case 26: return "ancestor_count";
    case 27: return "descendant_count";
    default: return "?";
  }
}

NodeFeatures ComputeFeatures(const Graph& g, FeatureSet set) {
  NodeFeatures f;
  ComputeFeaturesInto(g, set, &f);
  return f;
}

void ComputeFeaturesInto(const Graph& g, FeatureSet set, NodeFeatures* out) {
  ComputeFeaturesInto(g, set, out, nullptr);
}

bool ComputeFeaturesInto(const Graph& g, FeatureSet set, NodeFeatures* out, const std::function<bool()>& give_up) {
  NodeFeatures& f = *out;
  const int n = g.size();
  f.order = g.topo_order();
  f.x.setZero(kFeatureDim, n);
  if (n == 0) return true;
  std::vector<int> pos(n, 0);
  for (int j = 0; j < n; ++j) pos[f.order[j]] = j;

  const double L = std::max(1, g.depth() - 1);
  const double inv_n = 1.0 / n;
  const double B = std::log(4294967296.0);
  int64_t max_param = 0, total_param = 0, max_out = 0;
  size_t max_fan = 0;
  for (int v = 0; v < n; ++v) {
    const Node& nd = g.node(v);
    max_param = std::max(max_param, nd.param_bytes);
    total_param += nd.param_bytes;
    max_out = std::max(max_out, nd.output_bytes);
    max_fan = std::max(max_fan, g.children(v).size());
  }

  ClosureSums closure;
  if (!ComputeClosureSums(g, true, give_up, &closure)) return false;
  const double inv_others = n > 1 ? 1.0 / (n - 1) : 0.0;
  double cum = 0.0;
  std::vector<int> par;
  for (int j = 0; j < n; ++j) {
    const int v = f.order[j];
    const Node& nd = g.node(v);
    auto col = f.x.col(j);
    col(0) = g.asap()[v] / L;
    col(1) = g.alap()[v] / L;
    par = g.parents(v);
    std::sort(par.begin(), par.end(), [&](int a, int b) { return pos[a] < pos[b]; });
    if (static_cast<int>(par.size()) > kMaxParents) {
      par.erase(par.begin(), par.end() - kMaxParents);
    }
    for (int k = 0; k < kMaxParents; ++k) {
      if (k < static_cast<int>(par.size())) {
        col(2 + k) = g.asap()[par[k]] / L;
        col(8 + k) = pos[par[k]] * inv_n;
      } else {
        col(2 + k) = -1.0;
        col(8 + k) = -1.0;
      }
    }
    col(14) = static_cast<double>(Fnv1a64(nd.op) % 1021ULL) / 1021.0;
    const double p = static_cast<double>(nd.param_bytes);
    col(15) = max_param > 0 ? p / static_cast<double>(max_param) : 0.0;
    col(16) = std::log1p(p) / B;
    col(17) = total_param > 0 ? p / static_cast<double>(total_param) : 0.0;
    cum += p;
    col(18) = total_param > 0 ? cum / static_cast<double>(total_param) : 0.0;
    const double o = static_cast<double>(nd.output_bytes);
    col(19) = max_out > 0 ? o / static_cast<double>(max_out) : 0.0;
    col(20) = std::log1p(o) / B;
    col(21) = max_fan > 0 ? static_cast<double>(g.children(v).size()) / max_fan : 0.0;
    col(22) = std::min<double>(g.parents(v).size(), kMaxParents) / kMaxParents;
    col(23) = j * inv_n;
    // The shares count the node itself; ComputeClosureSums leaves it out.
    const double own = static_cast<double>(g.node(v).param_bytes);
    col(24) = total_param > 0 ? (closure.ancestor_param_bytes[v] + own) / static_cast<double>(total_param) : 0.0;
    col(25) = total_param > 0 ? (closure.descendant_param_bytes[v] + own) / static_cast<double>(total_param) : 0.0;
    col(26) = closure.num_ancestors[v] * inv_others;
    col(27) = closure.num_descendants[v] * inv_others;
  }
  if (set == FeatureSet::kPaper) {
    for (int i = 0; i < kFeatureDim; ++i) {
      if (!IsPaperFeature(i)) f.x.row(i).setZero();
    }
  }
  return true;
}

}  // namespace respect
