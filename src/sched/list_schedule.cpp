#include "sched/list_schedule.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>

#include "core/deadline.h"
#include "cost/crossing.h"
#include "cost/pins.h"
#include "formulations/crossing_clusters.h"
#include "sched/split.h"

namespace respect {

namespace {

std::vector<int> SortedTopo(const Graph& g, const std::vector<int>& key) {
  std::vector<int> order(g.size());
  for (int i = 0; i < g.size(); ++i) order[i] = i;
  // Levels are consistent with edges (parent level < child level), so this
  // is a topological order.
  std::stable_sort(order.begin(), order.end(), [&key](int a, int b) { return key[a] < key[b]; });
  return order;
}

std::vector<int> DfsOrder(const Graph& g) {
  const int n = g.size();
  std::vector<int> indeg(n), order;
  order.reserve(n);
  for (int v = 0; v < n; ++v) indeg[v] = static_cast<int>(g.parents(v).size());
  // A stack of ready nodes: the most recently freed child is taken first.
  std::vector<int> stack;
  for (int v = n - 1; v >= 0; --v)
    if (indeg[v] == 0) stack.push_back(v);
  while (!stack.empty()) {
    const int u = stack.back();
    stack.pop_back();
    order.push_back(u);
    const std::vector<int>& ch = g.children(u);
    for (auto it = ch.rbegin(); it != ch.rend(); ++it)
      if (--indeg[*it] == 0) stack.push_back(*it);
  }
  return order;
}


}  // namespace

std::vector<NamedOrder> NaturalOrders(const Graph& g) {
  std::vector<NamedOrder> out;
  out.push_back({"topo", g.topo_order()});
  out.push_back({"asap", SortedTopo(g, g.asap())});
  out.push_back({"alap", SortedTopo(g, g.alap())});
  out.push_back({"dfs", DfsOrder(g)});
  return out;
}

std::vector<int> ListPriorityOrder(const Graph& g) {
  const int n = g.size();
  const std::vector<int>& asap = g.asap();
  const std::vector<int>& alap = g.alap();
  auto later = [&](int a, int b) {  // priority_queue: "less" = lower priority
    if (alap[a] != alap[b]) return alap[a] > alap[b];
    if (asap[a] != asap[b]) return asap[a] > asap[b];
    return a > b;
  };
  std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
  std::vector<int> indeg(n), order;
  order.reserve(n);
  for (int v = 0; v < n; ++v) {
    indeg[v] = static_cast<int>(g.parents(v).size());
    if (indeg[v] == 0) ready.push(v);
  }
  while (!ready.empty()) {
    const int u = ready.top();
    ready.pop();
    order.push_back(u);
    for (int c : g.children(u))
      if (--indeg[c] == 0) ready.push(c);
  }
  return order;
}

std::vector<int> PeeledOrder(const Problem& problem, const CrossingWeights& weights, const std::vector<int>& order) {
  const Graph& g = problem.g();
  const int k = problem.stages - 1;
  auto incoming = [&](int v) {
    int64_t x = 0;
    for (int p : g.parents(v)) {
      const std::vector<int>& ch = g.children(p);
      if (weights.silent(p)) continue;
      // The tensor model pays p's tensor once, whichever consumer is cut off.
      if (weights.per_tensor()) x += weights.tensor(p);
      else x += weights.edge(p, static_cast<int>(std::find(ch.begin(), ch.end(), v) - ch.begin()));
    }
    return x;
  };
  auto cheapest = [&](bool sources) {
    std::vector<std::pair<int64_t, int>> c;
    for (int v = 0; v < g.size(); ++v)
      if (g.is_operator(v) && (sources ? g.parents(v).empty() : g.children(v).empty()))
        c.emplace_back(sources ? weights.OutgoingAll(g, v) : incoming(v), v);
    std::sort(c.begin(), c.end());
    if (static_cast<int>(c.size()) > k) c.resize(k);
    return c;
  };
  std::vector<char> placed(g.size(), 0);
  std::vector<int> head, tail;
  for (auto [cost, v] : cheapest(true)) head.push_back(v), placed[v] = 1;
  for (auto [cost, v] : cheapest(false))
    if (!placed[v]) tail.push_back(v), placed[v] = 1;
  std::vector<int> out = head;
  for (int v : order)
    if (!placed[v]) out.push_back(v);
  out.insert(out.end(), tail.rbegin(), tail.rend());  // the cheapest sink last
  return out;
}

StatusOr<ScheduleResult> DpTopoScheduler::Run(const Problem& problem) { return RunFor(problem, time_limit_s_, {}); }

StatusOr<ScheduleResult> DpTopoScheduler::Solve(const Problem& problem, const SolveContext& ctx) {
  return RunFor(problem, std::max(0.0, ctx.Left()), ctx.stop());
}

StatusOr<ScheduleResult> DpTopoScheduler::RunFor(const Problem& problem, double time_limit_s,
                                                 const StopToken& stop) const {
  return RunWithResult(problem, name(), [&](ScheduleResult* r) -> Status {
    std::vector<NamedOrder> orders = NaturalOrders(problem.g());
    const CrossingWeights weights(problem.g(), problem.objective);
    // Where zero-weight links leave the crossings in pieces, an order that
    // keeps each piece together lets the split cut only what it must.
    std::vector<int> clustered = ClusterOrder(problem.g(), weights);
    if (problem.constraints.nonempty_stages)
      orders.push_back({"peeled", PeeledOrder(problem, weights, clustered.empty() ? problem.g().topo_order() : clustered)});
    if (!clustered.empty()) orders.push_back({"clusters", std::move(clustered)});
    std::vector<const std::vector<int>*> ptrs;
    for (const NamedOrder& o : orders) ptrs.push_back(&o.order);
    auto split = BestSplitOfOrders(problem, ptrs, time_limit_s, stop);
    if (!split.ok()) return split.status();
    r->bound = std::nan("");
    if (split->best < 0 && stop.Requested()) {  // stopped before any split: no proof of anything
      r->status = SolveStatus::kTimeLimit;
      r->message = "stopped by request before a split was found";
      return Status::Ok();
    }
    if (split->best < 0) {
      r->status = SolveStatus::kInfeasible;
      r->message = "no natural order has a feasible split: " + split->last_infeasible;
      return Status::Ok();
    }
    r->status = SolveStatus::kFeasible;
    r->schedule = std::move(split->schedule);
    r->stats.order.order = static_cast<double>(split->best);
    r->message = "best split of the " + orders[split->best].name + " order";
    if (!split->all_optimal) {
      r->stats.order.split_time_limit = true;
      r->message += stop.Requested() ? " (stopped: some splits are the best known, not proven optimal)"
                                     : " (time limit: some splits are the best known, not proven optimal)";
    }
    return Status::Ok();
  });
}

namespace {

// Fills the priority order into stages of about the average parameter load
// (a stage is closed when the next node would overshoot more than it
// undershoots, or when the operators left are just enough for the stages left).
std::vector<int> GreedyFill(const Problem& problem, const std::vector<int>& order) {
  const Graph& g = problem.g();
  const int n = g.size();
  const int S = problem.stages;
  const double target = static_cast<double>(g.total_param_bytes()) / S;
  std::vector<int> stage(n, 0);
  const bool nonempty = problem.constraints.nonempty_stages;
  // Operator nodes from position i of the order on.
  std::vector<int> ops_from(n + 1, 0);
  for (int i = n - 1; i >= 0; --i) ops_from[i] = ops_from[i + 1] + (g.is_operator(order[i]) ? 1 : 0);
  int k = 0, count = 0;  // count: nodes of stage k (operator nodes with nonempty_stages)
  int64_t pk = 0;
  for (int i = 0; i < n; ++i) {
    const int v = order[i];
    const int64_t p = g.node(v).param_bytes;
    if (k < S - 1 && count > 0) {
      const bool must = nonempty && ops_from[i] <= S - 1 - k;
      const double over = static_cast<double>(pk + p) - target;
      const double under = target - static_cast<double>(pk);
      const bool want = over > 0 && over > under;
      if (must || want) {
        ++k;
        pk = 0;
        count = 0;
      }
    }
    stage[v] = k;
    pk += p;
    if (!nonempty || g.is_operator(v)) ++count;
  }
  return stage;
}

}  // namespace

StatusOr<ScheduleResult> ListScheduler::Run(const Problem& problem) {
  return RunWithResult(problem, name(), [&](ScheduleResult* r) -> Status {
    const std::vector<int> order = PinConsistentOrder(problem, ListPriorityOrder(problem.g()));
    r->schedule.stage = GreedyFill(problem, order);
    r->bound = std::nan("");
    r->status = SolveStatus::kFeasible;
    if (Evaluate(problem, r->schedule).feasible) return Status::Ok();
    auto s = OptimalSplit(problem, order);
    if (!s.ok()) return s.status();
    if (!s->found) {
      r->status = SolveStatus::kInfeasible;
      r->message = "the greedy fill and the optimal split of the priority order are both infeasible: " + s->why;
    } else {
      r->schedule = s->schedule;
      r->stats.order.fallback_split = true;
      r->message = "greedy fill broke a constraint; used the optimal split of the priority order";
    }
    return Status::Ok();
  });
}

}  // namespace respect
