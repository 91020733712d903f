#include "sched/brute_force.h"

#include <cmath>
#include <limits>

#include "core/deadline.h"

namespace respect {

namespace {

struct Best {
  double objective = std::numeric_limits<double>::infinity();
  Schedule schedule;
  bool found = false;
  int64_t visited = 0;
};

void Consider(const Problem& p, const Schedule& s, Best* best) {
  ++best->visited;
  Evaluation ev = Evaluate(p, s);
  if (ev.feasible && ev.objective < best->objective) {
    best->objective = ev.objective;
    best->schedule = s;
    best->found = true;
  }
}

}  // namespace

StatusOr<ScheduleResult> BruteForceScheduler::Run(const Problem& problem) {
  const Stopwatch clock;
  ScheduleResult r;
  r.method = name();
  RESPECT_RETURN_IF_ERROR(problem.Validate());
  if (std::string why = problem.NoScheduleReason(); !why.empty()) {
    r.status = SolveStatus::kInfeasible;
    r.message = std::move(why);
    r.bound = std::nan("");
    RESPECT_RETURN_IF_ERROR(FinishResult(problem, &r));
    return r;
  }
  const Graph& g = problem.g();
  const int n = g.size();
  if (n > kBruteForceMaxNodes)
    return Status::Invalid("brute_force handles at most " + std::to_string(kBruteForceMaxNodes) +
                           " nodes; graph '" + g.name() + "' has " + std::to_string(n));
  const int S = problem.stages;
  const std::vector<int>& topo = g.topo_order();
  Best best;
  Schedule cur;
  cur.stage.assign(n, 0);
  // Depth-first over the topological order; stage >= every parent's stage.
  std::vector<int> next(n + 1, 0);
  int depth = 0;
  auto lowest = [&](int v) {
    int lo = 0;
    for (int u : g.parents(v)) lo = std::max(lo, cur.stage[u]);
    return lo;
  };
  next[0] = lowest(topo[0]);
  while (depth >= 0) {
    if (depth == n) {
      Consider(problem, cur, &best);
      --depth;
      continue;
    }
    const int v = topo[depth];
    if (next[depth] >= S) {
      --depth;
      continue;
    }
    cur.stage[v] = next[depth]++;
    ++depth;
    if (depth < n) next[depth] = lowest(topo[depth]);
  }
  r.stats.brute_force.assignments = static_cast<double>(best.visited);
  if (!best.found) {
    r.status = SolveStatus::kInfeasible;
    r.message = "no monotone assignment satisfies the constraints";
    r.bound = std::nan("");
  } else {
    r.status = SolveStatus::kOptimal;
    r.schedule = best.schedule;
  }
  r.seconds = clock.Seconds();
  RESPECT_RETURN_IF_ERROR(FinishResult(problem, &r));
  return r;
}

StatusOr<SplitOutcome> BruteForceSplit(const Problem& problem, const std::vector<int>& order) {
  RESPECT_RETURN_IF_ERROR(problem.Validate());
  const Graph& g = problem.g();
  const int n = g.size();
  if (n > 24) return Status::Invalid("BruteForceSplit handles at most 24 nodes");
  if (!g.IsTopologicalOrder(order)) return Status::Invalid("not a topological order");
  const int S = problem.stages;
  Best best;
  Schedule s;
  s.stage.assign(n, 0);
  // Stage of order position i is a non-decreasing sequence starting at 0
  // with steps of 0 or 1 (no empty stage in the middle); with
  // nonempty_stages the last position must reach S-1.
  std::vector<int> st(n, 0);
  const uint32_t combos = n > 1 ? (1u << (n - 1)) : 1u;
  for (uint32_t mask = 0; mask < combos; ++mask) {
    int k = 0;
    bool ok = true;
    for (int i = 0; i < n; ++i) {
      if (i > 0 && (mask >> (i - 1) & 1u)) ++k;
      if (k >= S) { ok = false; break; }
      st[i] = k;
    }
    if (!ok) continue;
    if (problem.constraints.nonempty_stages && k != S - 1) continue;
    for (int i = 0; i < n; ++i) s.stage[order[i]] = st[i];
    Consider(problem, s, &best);
  }
  SplitOutcome out;
  out.found = best.found;
  if (best.found) out.schedule = best.schedule;
  else out.why = "no contiguous split of the order is feasible";
  return out;
}

}  // namespace respect
