// The optimal contiguous split of a topological order into stages, under the
// cost model of docs/design.md (the step that turns a policy's node order into a
// schedule).
//
// A contiguous split puts order[0..c1-1] in stage 0, order[c1..c2-1] in
// stage 1, and so on. A tensor (or, with comm_model edge, an edge) crosses
// boundary k exactly when its producer is before the cut and its last
// consumer at or after it, so the crossing bytes X(c) of every cut position c
// are precomputed in O(n + E) and the objective of a split depends only on
// its segments and cut positions:
//   memory_comm: DP over (segment end, stages used) keeping the Pareto set of
//                (max P, sum X) labels, pruned by an incumbent bound (the
//                best of a greedy split and O(stages n) min-crossing splits
//                under a ladder of caps on max P) and by the least crossing
//                the remaining cuts must add;
//   latency:     bottleneck DP g[k][j] = min_i max(g[k-1][i], T(i, j)).
// children_same_stage forbids cuts between two consumers of one tensor;
// max_stage_param_bytes forbids heavier segments and max_stage_activation_bytes
// segments whose activation peak passes it (cost/activation.h
// SegmentActivationFits; off the run order the min-crossing incumbents are
// skipped, their window of starts is no longer one); constraints.pin puts each
// cut after every node pinned below its stage and at or before the first
// pinned at its stage or later (cost/pins.h PinCuts); nonempty_stages gives every
// segment an operator node (boundary nodes do not count). With it off,
// fewer segments may be used (empty stages go last, where they cost nothing).
// Thread-safe (pure function).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/stop_token.h"
#include "cost/problem.h"

namespace respect {

struct SplitOptions {
  // Wall-clock budget of the memory_comm DP. When it runs out, the best
  // split found by the O(stages n) capped-crossing passes that seed the DP is
  // returned and SplitOutcome::optimal is false. (The latency DP has no
  // limit.)
  double time_limit_s = std::numeric_limits<double>::infinity();
  // Requested: the DP ends as at its time limit (checked with the clock).
  StopToken stop;
};
// What a split found: a schedule, or (found false) why no contiguous split of
// the order satisfies the constraints (a solve outcome, not an error).
struct SplitOutcome {
  Schedule schedule;    // empty when !found
  bool found = true;
  bool optimal = true;  // false: the time limit stopped the DP (best known split)
  std::string why;      // !found: which constraints no split satisfies (or the time ran out first)
};

// The optimal contiguous split of `order`. Errors: InvalidInput if `order` is
// not a topological order of the graph or the problem is invalid. No split
// (Problem::NoScheduleReason, or none of this order satisfies the
// constraints) is SplitOutcome::found false.
StatusOr<SplitOutcome> OptimalSplit(const Problem& problem, const std::vector<int>& order);
// OptimalSplit under a time limit; the same errors.
StatusOr<SplitOutcome> BestSplit(const Problem& problem, const std::vector<int>& order, const SplitOptions& options);

// The best split over several orders (dp_topo's natural orders, the
// policy's candidates), each given the time left divided by the orders left;
// an order that lists pinned nodes out of stage order is split as
// PinConsistentOrder (cost/pins.h) makes it;
// once the time is up (or `stop` is requested) and some order has split,
// the rest are skipped (all_optimal false).
struct OrdersSplit {
  Schedule schedule;        // of the best feasible split (empty if none)
  int best = -1;            // its index in `orders`, -1 if no order splits feasibly
  double objective = std::numeric_limits<double>::infinity();
  bool all_optimal = true;  // false if the time limit cut some split short
  std::string last_infeasible;  // why the last infeasible order did not split
};
// Errors: InvalidInput as OptimalSplit (an order that is not topological).
StatusOr<OrdersSplit> BestSplitOfOrders(const Problem& problem, const std::vector<const std::vector<int>*>& orders,
                                        double time_limit_s, const StopToken& stop = {});

// Crossing bytes at every cut position of `order`: x[c] for c = 0..n (x[0] =
// x[n] = 0), where cut c separates order[c-1] and order[c]. Exposed for tests
// and for the learned policy's features.
std::vector<int64_t> CutCrossingBytes(const Problem& problem, const std::vector<int>& order);

}  // namespace respect
