#include "formulations/activation_cuts.h"

#include <algorithm>
#include <map>

#include "core/deadline.h"
#include "cost/activation.h"

namespace respect {

namespace {

// Where stage k peaks: the node running then and the producers of the
// tensors live at that step (cost/activation.h's rule on stage k alone).
struct PeakStep {
  int w = -1;
  std::vector<int> live;
};

PeakStep FindPeakStep(const Graph& g, const std::vector<int>& stage, int k) {
  const int n = g.size();
  std::vector<int> step(n, -1), runs;
  for (int v : g.topo_order())
    if (stage[v] == k) { step[v] = static_cast<int>(runs.size()); runs.push_back(v); }
  const int m = static_cast<int>(runs.size());
  std::vector<int> lo(n, 1), hi(n, 0);
  std::vector<int64_t> diff(m + 1, 0);
  for (int u = 0; u < n; ++u) {
    if (g.node(u).output_bytes == 0 || stage[u] > k) continue;
    int last = -1;
    bool leaves = false;
    for (int c : g.children(u)) {
      if (stage[c] == k) last = std::max(last, step[c]);
      leaves = leaves || stage[c] > k;
    }
    if (stage[u] == k) { lo[u] = step[u]; hi[u] = leaves ? m - 1 : std::max(step[u], last); }
    else if (last >= 0) { lo[u] = 0; hi[u] = last; }
    if (lo[u] > hi[u]) continue;
    diff[lo[u]] += g.node(u).output_bytes;
    diff[hi[u] + 1] -= g.node(u).output_bytes;
  }
  PeakStep p;
  int64_t run = 0, best = -1;
  for (int t = 0; t < m; ++t) {
    run += diff[t];
    if (run > best) { best = run; p.w = runs[t]; }
  }
  if (p.w < 0) return p;
  for (int u = 0; u < n; ++u)
    if (lo[u] <= step[p.w] && step[p.w] <= hi[u]) p.live.push_back(u);
  return p;
}

// The literals (node -> 1: in the stage, 0: not) that make the largest
// tensors live at the peak step exceed the cap (see the header).
std::map<int, int> CutLiterals(const Graph& g, const std::vector<int>& stage, int k, int64_t cap) {
  PeakStep p = FindPeakStep(g, stage, k);
  std::map<int, int> lit;
  if (p.w < 0) return lit;
  std::vector<int> pos(g.size());
  for (int i = 0; i < g.size(); ++i) pos[g.topo_order()[i]] = i;
  const int w = p.w;
  lit[w] = 1;
  std::sort(p.live.begin(), p.live.end(),
            [&g](int a, int b) { return g.node(a).output_bytes > g.node(b).output_bytes; });
  int64_t sum = 0;
  for (int u : p.live) {
    if (sum > cap) break;
    sum += g.node(u).output_bytes;
    lit[u] = stage[u] == k ? 1 : 0;
    if (u == w) continue;
    int reader = -1, later = -1;  // a consumer run at or after w; one in a later stage
    for (int c : g.children(u)) {
      if (pos[c] >= pos[w] && (stage[u] == k || stage[c] == k)) reader = c;
      if (stage[c] > k) later = c;
    }
    if (stage[u] != k) lit[reader] = 1;          // read here at or after w
    else if (reader < 0) lit[later] = 0;         // kept for a later stage
  }
  return lit;
}

}  // namespace

int AddActivationCuts(IlpModel* ilp, const Schedule& schedule, bool* impossible) {
  const Problem& p = ilp->problem;
  const int64_t cap = p.constraints.max_stage_activation_bytes;
  if (cap <= 0) return 0;
  const Graph& g = p.g();
  const int S = p.stages;
  const std::vector<int64_t> act = StageActivationBytes(g, schedule.stage, S);
  int added = 0;
  for (int k = 0; k < S; ++k) {
    if (act[k] <= cap) continue;
    const std::map<int, int> lit = CutLiterals(g, schedule.stage, k, cap);
    int ones = 0;
    for (const auto& [v, val] : lit) ones += val;
    for (int kk = 0; kk < S; ++kk) {
      // sum over literals of x (value 1) or -x (value 0) <= ones - 1, with
      // x[v][kk] = z[v][kk] - z[v][kk-1]; fixed z move to the right side.
      std::map<int, double> coef;
      double constant = 0.0;
      auto z = [&](int v, int j, double a) {
        if (j < 0) return;
        const int col = j >= S - 1 ? IlpModel::kFixedOne : ilp->z[v][j];
        if (col == IlpModel::kFixedOne) constant += a;
        else if (col != IlpModel::kFixedZero) coef[col] += a;
      };
      for (const auto& [v, val] : lit) {
        const double a = val == 1 ? 1.0 : -1.0;
        z(v, kk, a);
        z(v, kk - 1, -a);
      }
      const double ub = ones - 1 - constant;
      std::vector<int> idx;
      std::vector<double> val;
      for (const auto& [col, a] : coef)
        if (a != 0.0) { idx.push_back(col); val.push_back(a); }
      if (idx.empty()) {
        if (ub < -0.5) *impossible = true;
        continue;
      }
      ilp->milp.AddRow(std::move(idx), std::move(val), -kMilpInf, ub,
                       "act_cut_" + std::to_string(ilp->milp.num_rows()));
      ++added;
    }
  }
  return added;
}

StatusOr<MilpResult> SolveWithActivationCuts(MilpSolver* solver, IlpModel* ilp, MilpOptions options, int* rounds) {
  *rounds = 0;
  const int64_t cap = ilp->problem.constraints.max_stage_activation_bytes;
  if (cap <= 0) return solver->Solve(ilp->milp, options);
  const Stopwatch clock;
  const double limit = options.time_limit_s;
  const std::string named = "max_stage_activation_bytes " + std::to_string(cap);
  for (;;) {
    auto res = solver->Solve(ilp->milp, options);
    if (!res.ok()) return res;
    const bool solved = res->status == SolveStatus::kOptimal || res->status == SolveStatus::kFeasible;
    if (res->status == SolveStatus::kInfeasible && *rounds > 0)
      res->message = "no schedule keeps " + named + (res->message.empty() ? "" : "; " + res->message);
    if (!solved || static_cast<int>(res->values.size()) != ilp->milp.num_cols()) return res;
    bool impossible = false;
    if (AddActivationCuts(ilp, DecodeSchedule(*ilp, res->values), &impossible) == 0 && !impossible) return res;
    ++*rounds;
    options.time_limit_s = limit - clock.Seconds();
    if (impossible || options.time_limit_s <= 0.0) {
      // The solution breaks the cap: it is not returned. The bound stays
      // valid (the cuts remove only schedules over the cap).
      res->status = impossible ? SolveStatus::kInfeasible : SolveStatus::kTimeLimit;
      res->values.clear();
      res->objective = kMilpInf;
      res->message = impossible ? "no schedule within the windows keeps " + named
                                : "time limit reached while cutting schedules over " + named;
      return res;
    }
  }
}

}  // namespace respect
