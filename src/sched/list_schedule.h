// Order-based baselines: "dp_topo" (the optimal contiguous split of a few
// natural topological orders, best one kept) and "list" (classic list
// scheduling: a priority order filled greedily into stages of about
// total_param / stages bytes).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "core/status.h"
#include "cost/crossing.h"
#include "sched/scheduler.h"

namespace respect {

// Natural topological orders of a graph, each with a name:
//   "topo"  Graph::topo_order() (Kahn, smallest index first),
//   "asap"  by (ASAP level, index),   "alap"  by (ALAP level, index),
//   "dfs"   depth-first: a node is emitted as soon as its last parent is,
//           following chains before siblings (keeps branches together).
struct NamedOrder {
  std::string name;
  std::vector<int> order;
};
std::vector<NamedOrder> NaturalOrders(const Graph& g);

// The list-scheduling priority order: among ready nodes, smallest ALAP level
// first (most urgent), then smallest ASAP level, then index.
std::vector<int> ListPriorityOrder(const Graph& g);

// `order` (a topological order) with the stages - 1 operator sources that
// send the least first, cheapest first, and the stages - 1 operator sinks
// that receive the least last, cheapest last: under the non-empty rule,
// when crossings dominate, the split can give each of them a stage of its
// own (sources have no parents and sinks no children, so it stays
// topological).
std::vector<int> PeeledOrder(const Problem& problem, const CrossingWeights& weights, const std::vector<int>& order);

// Best OptimalSplit over NaturalOrders() (with the non-empty rule, also the
// peeled order; where crossings fall into clusters, also ClusterOrder). Status feasible (bound unknown);
// infeasible if no order has a feasible split (stats.order.order = index of the
// winning order in NaturalOrders()).
class DpTopoScheduler final : public Scheduler {
 public:
  // time_limit_s bounds the splits (BestSplitOfOrders); when it cuts one
  // short, stats.order.split_time_limit and the message says so.
  explicit DpTopoScheduler(double time_limit_s = std::numeric_limits<double>::infinity())
      : time_limit_s_(time_limit_s) {}
  std::string name() const override { return "dp_topo"; }
  StatusOr<ScheduleResult> Run(const Problem& problem) override;
  double time_limit_s() const override { return time_limit_s_; }
  // Under ctx: the splits get what is left of its deadline (time_limit_s is
  // not read); its stop token ends them as the deadline would.
  StatusOr<ScheduleResult> Solve(const Problem& problem, const SolveContext& ctx) override;

 private:
  StatusOr<ScheduleResult> RunFor(const Problem& problem, double time_limit_s, const StopToken& stop) const;
  double time_limit_s_;
};

// Greedy list scheduling along ListPriorityOrder(): a node joins the current
// stage unless the stage already holds nodes and adding it would overshoot
// total_param / stages by more than stopping short does (or the remaining
// nodes are needed one per remaining stage). If that violates
// children_same_stage or max_stage_param_bytes, the order is split by
// OptimalSplit instead (stats.order.fallback_split).
class ListScheduler final : public Scheduler {
 public:
  std::string name() const override { return "list"; }
  StatusOr<ScheduleResult> Run(const Problem& problem) override;
};

}  // namespace respect
