#include "policy/stage_features.h"

#include <algorithm>
#include <cmath>

#include "cost/crossing.h"
#include "cost/evaluate.h"
#include "policy/stage_net.h"

namespace respect {

namespace {

constexpr double kByteScale = 22.180709777918249;  // ln(2^32)

double Ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

// What one boundary crossing of v's output weighs under the objective.
std::vector<double> BoundaryWeights(const Problem& problem) {
  const Graph& g = problem.g();
  const CrossingWeights cw(g, problem.objective);
  std::vector<double> c(g.size(), 0.0);
  for (int u = 0; u < g.size(); ++u) {
    if (cw.silent(u)) continue;
    if (cw.per_tensor()) {
      c[u] = static_cast<double>(cw.tensor(u));
      continue;
    }
    for (size_t i = 0; i < g.children(u).size(); ++i) c[u] += static_cast<double>(cw.edge(u, static_cast<int>(i)));
  }
  return c;
}

// Features 0-10: the node itself, independent of the center.
void NodeColumns(const Problem& problem, const std::vector<double>& c, Eigen::MatrixXd* x) {
  const Graph& g = problem.g();
  const int n = g.size();
  const double levels = std::max(1, g.depth() - 1);
  const double mean_load = std::max(1.0, static_cast<double>(g.total_param_bytes()) / problem.stages);
  const double max_param = static_cast<double>(g.max_param_bytes());
  const double max_c = c.empty() ? 0.0 : *std::max_element(c.begin(), c.end());
  std::vector<int> pos(n);
  for (int i = 0; i < n; ++i) pos[g.topo_order()[i]] = i;
  for (int v = 0; v < n; ++v) {
    const double p = static_cast<double>(g.node(v).param_bytes);
    auto col = x->col(v);
    col(0) = g.asap()[v] / levels;
    col(1) = g.alap()[v] / levels;
    col(2) = (g.alap()[v] - g.asap()[v]) / levels;
    col(3) = Ratio(pos[v], n);
    col(4) = Ratio(p, max_param);
    col(5) = std::min(p / mean_load, 4.0) / 4.0;
    col(6) = std::log1p(p) / kByteScale;
    col(7) = std::min(problem.objective.comm_weight * c[v] / mean_load, 4.0) / 4.0;
    col(8) = max_c > 0 ? std::log1p(c[v]) / std::log1p(max_c) : 0.0;
    col(9) = std::min<double>(g.parents(v).size(), 6) / 6.0;
    col(10) = std::min<double>(g.children(v).size(), 6) / 6.0;
  }
}

// Features 27-29: where a balanced pipeline would put the node.
void BalancedColumns(const Problem& problem, const Schedule& s, Eigen::MatrixXd* x) {
  const Graph& g = problem.g();
  const double k_stages = problem.stages;
  const double levels = std::max(1, g.depth() - 1);
  const double total = static_cast<double>(g.total_param_bytes());
  auto offset = [&](double q, int stage) {
    return std::max(-1.0, std::min(1.0, (q * k_stages - 0.5 - stage) / kMaxOffset));
  };
  double before = 0;
  for (int v : g.topo_order()) {
    auto col = x->col(v);
    col(27) = offset(Ratio(before, total), s.stage[v]);
    col(28) = offset(g.asap()[v] / levels, s.stage[v]);
    col(29) = offset(g.alap()[v] / levels, s.stage[v]);
    before += static_cast<double>(g.node(v).param_bytes);
  }
}

// Features 11-26: where the node sits in the center schedule.
void CenterColumns(const Problem& problem, const Schedule& s, const Windows& hard, Eigen::MatrixXd* x) {
  const Graph& g = problem.g();
  const int k_stages = problem.stages;
  const Evaluation ev = Evaluate(problem, s);
  std::vector<double> load(k_stages, 0.0);
  for (int v = 0; v < g.size(); ++v) load[s.stage[v]] += static_cast<double>(g.node(v).param_bytes);
  const double pmax = std::max(1.0, *std::max_element(load.begin(), load.end()));
  double xsum = 0, xmax = 0;
  for (int64_t b : ev.crossing_bytes) {
    xsum += static_cast<double>(b);
    xmax = std::max(xmax, static_cast<double>(b));
  }
  xmax = std::max(xmax, 1.0);
  const double comm = problem.objective.comm_weight * xsum;
  std::vector<double> before(k_stages, 0.0);  // param of the stage seen so far, in topological order
  for (int v : g.topo_order()) {
    const int k = s.stage[v];
    int last_child = k, first_parent = k;
    for (int w : g.children(v)) last_child = std::max(last_child, s.stage[w]);
    for (int u : g.parents(v)) first_parent = std::min(first_parent, s.stage[u]);
    auto col = x->col(v);
    col(11) = k_stages > 1 ? static_cast<double>(k) / (k_stages - 1) : 0.0;
    col(12) = load[k] / pmax;
    col(13) = k > 0 ? load[k - 1] / pmax : 0.0;
    col(14) = k + 1 < k_stages ? load[k + 1] / pmax : 0.0;
    col(15) = load[k] >= pmax ? 1.0 : 0.0;
    col(16) = first_parent < k ? 1.0 : 0.0;
    col(17) = last_child > k ? 1.0 : 0.0;
    col(18) = static_cast<double>(last_child - k) / k_stages;
    col(19) = static_cast<double>(k - first_parent) / k_stages;
    col(20) = Ratio(before[k], load[k]);
    before[k] += static_cast<double>(g.node(v).param_bytes);
    col(21) = std::max(-1.0, static_cast<double>(hard.lo[v] - k) / kMaxOffset);
    col(22) = std::min(1.0, static_cast<double>(hard.hi[v] - k) / kMaxOffset);
    col(23) = Ratio(comm, pmax + comm);
    col(24) = k_stages / 16.0;
    col(25) = k + 1 < k_stages ? static_cast<double>(ev.crossing_bytes[k]) / xmax : 0.0;
    col(26) = k > 0 ? static_cast<double>(ev.crossing_bytes[k - 1]) / xmax : 0.0;
  }
  BalancedColumns(problem, s, x);
}

}  // namespace

Eigen::MatrixXd StageFeatures(const Problem& problem, const Schedule& center, const Windows& hard) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(kStageFeatureDim, problem.g().size());
  NodeColumns(problem, BoundaryWeights(problem), &x);
  CenterColumns(problem, center, hard, &x);
  return x;
}

}  // namespace respect
