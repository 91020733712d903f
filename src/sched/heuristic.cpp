#include "sched/heuristic.h"

#include <algorithm>
#include <cmath>

#include "core/deadline.h"

namespace respect {

namespace {

// cut_ok[c]: a cut before position c (1..n-1) keeps every tensor's consumers
// on one side (children_same_stage); all true otherwise.
std::vector<char> AllowedCuts(const Problem& p, const std::vector<int>& order) {
  const Graph& g = p.g();
  const int n = g.size();
  std::vector<char> ok(n + 1, 1);
  if (!p.constraints.children_same_stage) return ok;
  std::vector<int> pos(n);
  for (int i = 0; i < n; ++i) pos[order[i]] = i;
  // A cut at c separates u's children iff min child pos < c <= max child pos.
  std::vector<int> diff(n + 2, 0);
  for (int u = 0; u < n; ++u) {
    if (g.children(u).size() < 2) continue;
    int lo = n, hi = -1;
    for (int w : g.children(u)) { lo = std::min(lo, pos[w]); hi = std::max(hi, pos[w]); }
    if (lo < hi) { diff[lo + 1] += 1; diff[hi + 1] -= 1; }
  }
  int run = 0;
  for (int c = 0; c <= n; ++c) { run += diff[c]; ok[c] = run == 0; }
  return ok;
}

}  // namespace

StatusOr<SplitOutcome> EqualParamSplit(const Problem& p, const std::vector<int>& order) {
  const Graph& g = p.g();
  const int n = g.size();
  const int stages = p.stages;
  if (!g.IsTopologicalOrder(order)) return Status::Invalid("heuristic: the order is not topological");
  std::vector<double> prefix(n + 1, 0.0);
  std::vector<int> ops(n + 1, 0);  // operator nodes in order[0..i-1]
  for (int i = 0; i < n; ++i) {
    prefix[i + 1] = prefix[i] + static_cast<double>(g.node(order[i]).param_bytes);
    ops[i + 1] = ops[i] + (g.is_operator(order[i]) ? 1 : 0);
  }
  const double total = prefix[n];
  const std::vector<char> ok = AllowedCuts(p, order);
  const bool need_nonempty = p.constraints.nonempty_stages;
  // cuts[k] = first position of stage k+1, for k = 0..stages-2.
  std::vector<int> cuts;
  int prev = 0;
  for (int k = 1; k < stages; ++k) {
    const double target = total * k / stages;
    // Room left for the remaining stages when they must each hold an
    // operator: this stage gets one, the rest of the order holds enough.
    const int lo = need_nonempty ? prev + 1 : prev;
    const int hi = need_nonempty ? n - (stages - k) : n;
    int best = -1;
    double best_err = 0;
    for (int c = lo; c <= hi; ++c) {
      if (!ok[c]) continue;
      if (need_nonempty && (ops[c] == ops[prev] || ops[n] - ops[c] < stages - k)) continue;
      // Ties (runs of zero-parameter nodes) go to the earliest cut, as a
      // running-sum partitioner would cut as soon as it reaches the target.
      const double err = std::fabs(prefix[c] - target);
      if (best < 0 || err < best_err) { best = c; best_err = err; }
    }
    if (best < 0) {
      SplitOutcome none;
      none.found = false;
      none.why = "heuristic: no valid cut for stage " + std::to_string(k) +
                 " (children_same_stage or nonempty_stages leaves no room)";
      return none;
    }
    cuts.push_back(best);
    prev = best;
  }
  SplitOutcome out;
  out.schedule.stage.assign(n, 0);
  int k = 0;
  for (int i = 0; i < n; ++i) {
    while (k < static_cast<int>(cuts.size()) && i >= cuts[k]) ++k;
    out.schedule.stage[order[i]] = k;
  }
  return out;
}

StatusOr<ScheduleResult> HeuristicScheduler::Run(const Problem& problem) {
  const Stopwatch clock;
  ScheduleResult r;
  RESPECT_RETURN_IF_ERROR(BeginResult(problem, name(), &r));
  if (r.status == SolveStatus::kInfeasible) return r;
  auto s = EqualParamSplit(problem, problem.g().topo_order());
  if (!s.ok()) return s.status();
  if (!s->found) {
    r.status = SolveStatus::kInvalid;  // the rule found nothing; not a proof of infeasibility
    r.message = s->why;
    return r;
  }
  r.schedule = s->schedule;
  r.status = SolveStatus::kFeasible;
  r.seconds = clock.Seconds();
  Evaluation ev = Evaluate(problem, r.schedule);
  if (!ev.feasible) {
    // e.g. a cap the equal split exceeds: report, do not pretend.
    r.status = SolveStatus::kInvalid;
    r.message = "heuristic schedule violates a constraint: " + ev.violation;
    r.eval = ev;
    return r;
  }
  RESPECT_RETURN_IF_ERROR(FinishResult(problem, &r));
  return r;
}

}  // namespace respect
