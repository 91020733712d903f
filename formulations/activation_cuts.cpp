#include "formulations/activation_cuts.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/deadline.h"
#include "cost/activation.h"
#include "cost/evaluate.h"

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

// A linear expression over ILP columns plus a constant, built in x[v][k] =
// z[v][k] - z[v][k-1] (fixed z become constants).
struct ZExpr {
  std::map<int, double> coef;
  double constant = 0.0;

  void AddX(const IlpModel& ilp, int v, int k, double a) {
    AddZ(ilp, v, k, a);
    AddZ(ilp, v, k - 1, -a);
  }
  void AddZ(const IlpModel& ilp, int v, int j, double a) {
    if (j < 0) return;
    const int col = j >= ilp.stages() - 1 ? IlpModel::kFixedOne : ilp.z[v][j];
    if (col == IlpModel::kFixedOne) constant += a;
    else if (col != IlpModel::kFixedZero) coef[col] += a;
  }
  // a * (sum of the literals in stage k - their count + 1): 1 when all hold, <= 0 otherwise.
  void AddLiterals(const IlpModel& ilp, const std::map<int, int>& lit, int k, double a) {
    for (const auto& [v, val] : lit) {
      AddX(ilp, v, k, val == 1 ? a : -a);
      if (val == 0) constant += a;
    }
    constant -= a * (static_cast<double>(lit.size()) - 1.0);
  }
  // Adds lb <= expr <= ub as a row; false when it has no column (then
  // *broken says whether the constant breaks it).
  bool AddRow(MilpModel* m, double lb, double ub, const std::string& name, bool* broken) const {
    std::vector<int> idx;
    std::vector<double> val;
    for (const auto& [col, a] : coef)
      if (a != 0.0) { idx.push_back(col); val.push_back(a); }
    if (idx.empty()) {
      *broken = constant < lb - 1e-9 || constant > ub + 1e-9;
      return false;
    }
    m->AddRow(std::move(idx), std::move(val), lb == -kMilpInf ? lb : lb - constant,
              ub == kMilpInf ? ub : ub - constant, name);
    return true;
  }
};

// The row "period_k<k>" (T >= T_k) of a latency model, -1 if none.
int PeriodRow(const IlpModel& ilp, int k) {
  const std::string name = "period_k" + std::to_string(k);
  for (int r = 0; r < ilp.milp.num_rows(); ++r)
    if (ilp.milp.rows[r].name == name) return r;
  return -1;
}

// edgetpu.activation_spill: for each stage k, T >= T_k's row without o_k,
// plus (P_k - sram + B [literals hold]) / offchip. True T_k is at least
// M/macs + X/link + (A_k + P_k - sram)/offchip (equal when the stage
// spills), and A_k >= B where the literals hold; otherwise the row is
// implied by T >= T_k with o_k >= P_k - sram.
int AddSpillRows(IlpModel* ilp, const std::map<int, int>& lit, int64_t live_bytes) {
  const Problem& p = ilp->problem;
  const double per_byte = 1.0 / (p.edgetpu.offchip_bytes_per_s * ilp->objective_scale);
  int added = 0;
  for (int k = 0; k < p.stages; ++k) {
    const int r = PeriodRow(*ilp, k);
    if (r < 0) continue;
    const MilpModel::Row row = ilp->milp.rows[r];
    ZExpr e;
    for (size_t i = 0; i < row.idx.size(); ++i)
      if (row.idx[i] != ilp->offchip_col[k]) e.coef[row.idx[i]] += row.val[i];
    for (int v = 0; v < p.g().size(); ++v)
      if (p.g().node(v).param_bytes > 0)
        e.AddX(*ilp, v, k, -per_byte * static_cast<double>(p.g().node(v).param_bytes));
    e.AddLiterals(*ilp, lit, k, -per_byte * static_cast<double>(live_bytes));
    bool broken = false;
    added += e.AddRow(&ilp->milp, row.lb - per_byte * static_cast<double>(p.edgetpu.sram_bytes), kMilpInf,
                      "spill_cut_" + std::to_string(ilp->milp.num_rows()), &broken);
  }
  return added;
}

bool SpillApplies(const Problem& p) {
  return p.edgetpu.activation_spill && p.objective.kind == ObjectiveKind::kLatency;
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
    for (int kk = 0; kk < S; ++kk) {
      // (sum of the literals - count + 1) <= 0 in every stage kk.
      ZExpr e;
      e.AddLiterals(*ilp, lit, kk, 1.0);
      bool broken = false;
      if (e.AddRow(&ilp->milp, -kMilpInf, 0.0, "act_cut_" + std::to_string(ilp->milp.num_rows()), &broken)) ++added;
      else if (broken) *impossible = true;
    }
  }
  return added;
}

int AddSpillCuts(IlpModel* ilp, const Schedule& schedule, double period) {
  const Problem& p = ilp->problem;
  if (!SpillApplies(p)) return 0;
  const Evaluation ev = Evaluate(p, schedule);
  int added = 0;
  for (int k = 0; k < p.stages; ++k) {
    // Half of the tolerance exact allows between the ILP's objective and
    // evaluate(): what Cbc's feasibility tolerance leaves is not cut again.
    const double tol = 5e-7 * std::fabs(period) + 5e-8 * ilp->objective_scale;
    if (ev.activation_spill_bytes[k] == 0 || ev.stage_time_s[k] <= period + tol) continue;
    const std::map<int, int> lit =
        CutLiterals(p.g(), schedule.stage, k, std::numeric_limits<int64_t>::max());
    added += AddSpillRows(ilp, lit, ev.stage_activation_bytes[k]);
  }
  return added;
}

namespace {

// The last solve's solution broke the cap or was priced below evaluate()
// when the time ran out: a spill underestimate keeps its schedule at its
// true price (kFeasible), a schedule over the cap is dropped (kTimeLimit;
// the bound stays valid: the rows remove only schedules over the cap or
// raise T to at most its true value).
void Settle(const IlpModel& ilp, const Schedule& s, bool impossible, const std::string& named, MilpResult* res) {
  const Evaluation ev = Evaluate(ilp.problem, s);
  if (!impossible && ev.feasible) {
    res->status = SolveStatus::kFeasible;
    res->objective = ev.objective / ilp.objective_scale;
    res->values[ilp.period_col] = res->objective - ilp.milp.obj_offset;
    res->message = "time limit reached while pricing activation spills";
    return;
  }
  res->status = impossible ? SolveStatus::kInfeasible : SolveStatus::kTimeLimit;
  res->values.clear();
  res->objective = kMilpInf;
  res->message = impossible ? "no schedule within the windows keeps " + named
                            : "time limit reached while cutting schedules over " + named;
}

}  // namespace

StatusOr<MilpResult> SolveWithActivationCuts(MilpSolver* solver, IlpModel* ilp, MilpOptions options, int* rounds) {
  *rounds = 0;
  const int64_t cap = ilp->problem.constraints.max_stage_activation_bytes;
  if (cap <= 0 && !SpillApplies(ilp->problem)) return solver->Solve(ilp->milp, options);
  const Stopwatch clock;
  const double limit = options.time_limit_s;
  const std::string named = "max_stage_activation_bytes " + std::to_string(cap);
  for (;;) {
    auto res = solver->Solve(ilp->milp, options);
    if (!res.ok()) return res;
    const bool solved = res->status == SolveStatus::kOptimal || res->status == SolveStatus::kFeasible;
    if (res->status == SolveStatus::kInfeasible && *rounds > 0 && cap > 0)
      res->message = "no schedule keeps " + named + (res->message.empty() ? "" : "; " + res->message);
    if (!solved || static_cast<int>(res->values.size()) != ilp->milp.num_cols()) return res;
    const Schedule s = DecodeSchedule(*ilp, res->values);
    bool impossible = false;
    int added = AddActivationCuts(ilp, s, &impossible);
    if (ilp->period_col >= 0) added += AddSpillCuts(ilp, s, ilp->ToCost(res->values[ilp->period_col]));
    if (added == 0 && !impossible) return res;
    ++*rounds;
    // The start's continuous columns again, at the least value the new rows allow.
    if (!options.mip_start.empty()) options.mip_start = EncodeStart(*ilp, DecodeSchedule(*ilp, options.mip_start));
    options.time_limit_s = limit - clock.Seconds();
    if (impossible || options.time_limit_s <= 0.0 || options.stop.Requested()) {
      Settle(*ilp, s, impossible, named, &*res);
      return res;
    }
  }
}

}  // namespace respect
