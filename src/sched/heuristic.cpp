#include "sched/heuristic.h"

#include <algorithm>
#include <cmath>

#include "core/deadline.h"
#include "cost/activation.h"
#include "cost/pins.h"

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

// What a cut of the equal-parameter rule must respect. Without a stage cap,
// pins or children_same_stage, counting operators decides whether the rest
// of the order can still fill the stages left; with any of them, rest[k][c]
// (the first k segments end at c and order[c..n-1] can be cut into the
// other stages under every rule) is tabulated first, so the rule never cuts
// into a dead end and its schedule keeps every constraint.
struct CutRules {
  int n = 0, stages = 0;
  bool nonempty = false;
  int64_t cap = 0;
  std::vector<int64_t> param;  // prefix sums of param_bytes along the order (n+1)
  std::vector<int> ops;        // prefix counts of operator nodes (n+1)
  std::vector<char> ok;        // AllowedCuts
  PinCuts pins;
  SegmentActivationFits act;            // max_stage_activation_bytes
  std::vector<std::vector<char>> rest;  // empty: the operator count decides

  bool SegmentFits(int a, int b) const {
    return (!nonempty || ops[b] > ops[a]) && (cap <= 0 || param[b] - param[a] <= cap) && act.Fits(a, b);
  }
  // Is some end j in [jmin, jmax] of a segment from c one that fits and that
  // rest[k + 1] allows? good: prefix counts of the allowed ends.
  bool SomeEnd(int c, int jmin, int jmax, const std::vector<int>& good) const {
    jmax = std::min(jmax, act.MaxEnd(c));
    if (act.staircase()) return jmin <= jmax && good[jmax + 1] - good[jmin] > 0;
    for (int j = jmin; j <= jmax; ++j)
      if (good[j + 1] > good[j] && act.Fits(c, j)) return true;
    return false;
  }
  // May cut k (the start of stage k) go to c after cut k-1 at prev?
  bool Allowed(int k, int prev, int c) const {
    if (!ok[c] || !SegmentFits(prev, c) || !pins.EndOk(k, c)) return false;
    if (!rest.empty()) return rest[k][c] != 0;
    return !nonempty || ops[n] - ops[c] >= stages - k;
  }
  void TabulateRests();
};

void CutRules::TabulateRests() {
  const int S = stages;
  rest.assign(S + 1, std::vector<char>(n + 1, 0));
  for (int k = 1; k <= S; ++k) rest[k][n] = pins.EndOk(k, n) && (!nonempty || k == S);
  // next_op[c]: the first operator position at or after c (n if none).
  std::vector<int> next_op(n + 1, n);
  for (int c = n - 1; c >= 0; --c) next_op[c] = ops[c + 1] > ops[c] ? c : next_op[c + 1];
  std::vector<int> good(n + 2, 0);  // prefix counts of the ends segment k+1 may have
  for (int k = S - 1; k >= 0; --k) {
    for (int j = 0; j <= n; ++j)
      good[j + 1] = good[j] + (ok[j] && pins.EndOk(k + 1, j) && rest[k + 1][j] ? 1 : 0);
    for (int c = 0; c < (k == 0 ? 1 : n); ++c) {
      if (k > 0 && (!ok[c] || !pins.EndOk(k, c))) continue;
      const int jmin = nonempty ? next_op[c] + 1 : c;
      int jmax = n;
      if (cap > 0)
        jmax = static_cast<int>(std::upper_bound(param.begin() + c, param.end(), param[c] + cap) - param.begin()) - 1;
      rest[k][c] = SomeEnd(c, jmin, jmax, good);
    }
  }
}

CutRules MakeCutRules(const Problem& p, const std::vector<int>& order) {
  const Graph& g = p.g();
  CutRules r;
  r.n = g.size();
  r.stages = p.stages;
  r.nonempty = p.constraints.nonempty_stages;
  r.cap = p.constraints.max_stage_param_bytes;
  r.param.assign(r.n + 1, 0);
  r.ops.assign(r.n + 1, 0);
  for (int i = 0; i < r.n; ++i) {
    r.param[i + 1] = r.param[i] + g.node(order[i]).param_bytes;
    r.ops[i + 1] = r.ops[i] + (g.is_operator(order[i]) ? 1 : 0);
  }
  r.ok = AllowedCuts(p, order);
  r.pins = ComputePinCuts(p, order);
  r.act = SegmentActivationFits(p, order);
  if (r.cap > 0 || !p.constraints.pin.empty() || p.constraints.children_same_stage || r.act.capped())
    r.TabulateRests();
  return r;
}

SplitOutcome NoCut(int k) {
  SplitOutcome none;
  none.found = false;
  none.why = "heuristic: no valid cut for stage " + std::to_string(k) +
             " (the constraints leave no room in the graph's order)";
  return none;
}

}  // namespace

StatusOr<SplitOutcome> EqualParamSplit(const Problem& p, const std::vector<int>& order) {
  const int n = p.g().size();
  const int stages = p.stages;
  if (!p.g().IsTopologicalOrder(order)) return Status::Invalid("heuristic: the order is not topological");
  const CutRules rules = MakeCutRules(p, order);
  if (!rules.rest.empty() && !rules.rest[0][0]) return NoCut(1);
  const double total = static_cast<double>(rules.param[n]);
  // cuts[k] = first position of stage k+1, for k = 0..stages-2.
  std::vector<int> cuts;
  int prev = 0;
  for (int k = 1; k < stages; ++k) {
    const double target = total * k / stages;
    // Room left for the remaining stages when they must each hold an
    // operator: this stage gets one, the rest of the order holds enough.
    const int lo = rules.nonempty ? prev + 1 : prev;
    const int hi = rules.nonempty ? n - (stages - k) : n;
    int best = -1;
    double best_err = 0;
    for (int c = lo; c <= hi; ++c) {
      if (!rules.Allowed(k, prev, c)) continue;
      // Ties (runs of zero-parameter nodes) go to the earliest cut, as a
      // running-sum partitioner would cut as soon as it reaches the target.
      const double err = std::fabs(static_cast<double>(rules.param[c]) - target);
      if (best < 0 || err < best_err) { best = c; best_err = err; }
    }
    if (best < 0) return NoCut(k);
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
  auto s = EqualParamSplit(problem, PinConsistentOrder(problem, problem.g().topo_order()));
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
