#include "cost/crossing.h"

#include <algorithm>

namespace respect {

int64_t EdgeCrossingWeight(const Graph& g, const Edge& e, EdgeWeight mode) {
  if (mode == EdgeWeight::kUnit) return 1;
  const int64_t bytes = e.has_bytes() ? e.bytes : g.node(e.src).output_bytes;
  if (mode == EdgeWeight::kIndicator) return bytes > 0 ? 1 : 0;
  // tensor: bytes the file gives (even 0) win; a producer without a size weighs 1.
  if (!e.has_bytes() && bytes == 0) return 1;
  return bytes;
}

CrossingWeights::CrossingWeights(const Graph& g, const ObjectiveSpec& objective)
    : per_tensor_(objective.comm_model == CommModel::kTensor) {
  const int n = g.size();
  tensor_.assign(n, 0);
  first_.assign(n + 1, 0);
  silent_.assign(n, 1);
  for (int u = 0; u < n; ++u) first_[u + 1] = first_[u] + static_cast<int>(g.children(u).size());
  edge_.assign(first_[n], 0);
  for (int u = 0; u < n; ++u) {
    if (g.children(u).empty()) continue;
    if (per_tensor_) {
      tensor_[u] = g.node(u).output_bytes;
      total_ += tensor_[u];
      silent_[u] = tensor_[u] == 0;
      continue;
    }
    const std::vector<int>& out = g.out_edges(u);
    for (size_t i = 0; i < out.size(); ++i) {
      const int64_t w = EdgeCrossingWeight(g, g.edges()[out[i]], objective.edge_weight);
      edge_[first_[u] + i] = w;
      total_ += w;
      if (w != 0) silent_[u] = 0;
    }
  }
}

void CrossingWeights::AddToDiff(const Graph& g, const std::vector<int>& place, int shift,
                                std::vector<int64_t>* diff) const {
  std::vector<int64_t>& d = *diff;
  for (int u = 0; u < g.size(); ++u) {
    if (silent(u)) continue;
    const int a = place[u];
    const std::vector<int>& ch = g.children(u);
    if (per_tensor_) {
      int b = a;
      for (int c : ch) b = std::max(b, place[c]);
      if (b > a) { d[a + shift] += tensor_[u]; d[b + shift] -= tensor_[u]; }
      continue;
    }
    for (size_t i = 0; i < ch.size(); ++i) {
      const int b = place[ch[i]];
      const int64_t w = edge(u, static_cast<int>(i));
      if (b > a && w != 0) { d[a + shift] += w; d[b + shift] -= w; }
    }
  }
}

}  // namespace respect
