// OptimalSplit against brute force over contiguous splits, crossing
// precomputation, speed at the size of the largest zoo model, and the
// order-based schedulers (dp_topo, list) and the brute-force scheduler.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <string>

#include "cost/evaluate.h"
#include "sched/brute_force.h"
#include "sched/list_schedule.h"
#include "sched/split.h"

#include "test_graphs.h"

namespace respect {
namespace {

using namespace test_graphs;  // Uni, RandomGraph, MakeProblem, N, BuildGraph

// Byte-sized nodes; every node after the first has a parent; window > 0:
// parents among the `window` nodes before.
RandomGraphSpec Sizes(int window = 0) {
  RandomGraphSpec s = ByteSizes(3000000, 800000);
  s.min_parents = 1;
  s.window = window;
  return s;
}

Problem Make(std::shared_ptr<const Graph> g, int stages, ObjectiveKind kind, CommModel cm) {
  return MakeProblem(std::move(g), stages, kind, cm, 4000000);
}

bool IsContiguous(const Schedule& s, const std::vector<int>& order) {
  for (size_t i = 1; i < order.size(); ++i)
    if (s.stage[order[i]] < s.stage[order[i - 1]]) return false;
  return true;
}

TEST(SplitTest, MatchesBruteForceOverContiguousSplits) {
  std::mt19937_64 rng(42);
  int compared = 0, infeasible = 0;
  for (int t = 0; t < 400; ++t) {
    const int n = static_cast<int>(Uni(rng, 1, 14));
    const int S = static_cast<int>(Uni(rng, 1, std::min(n, 5)));
    auto g = RandomGraph(rng, n, static_cast<int>(Uni(rng, 1, 3)), "s" + std::to_string(t), Sizes());
    const std::vector<int> order = RandomTopoOrder(rng, *g);
    for (ObjectiveKind kind : {ObjectiveKind::kMemoryComm, ObjectiveKind::kLatency})
      for (CommModel cm : {CommModel::kTensor, CommModel::kEdge}) {
        Problem p = Make(g, S, kind, cm);
        p.objective.comm_weight = static_cast<double>(Uni(rng, 0, 4)) * 0.5;
        const int64_t variant = Uni(rng, 0, 5);
        if (variant == 0) p.constraints.children_same_stage = true;
        if (variant == 1) p.constraints.nonempty_stages = false;
        if (variant == 2 && g->total_param_bytes() > 0)
          p.constraints.max_stage_param_bytes =
              std::max<int64_t>(g->max_param_bytes(), (g->total_param_bytes() + S - 1) / S + Uni(rng, 0, 1000000));
        if (!p.Schedulable()) continue;
        auto fast = OptimalSplit(p, order);
        auto slow = BruteForceSplit(p, order);
        ++compared;
        ASSERT_TRUE(fast.ok() && slow.ok()) << g->name() << " " << (fast.ok() ? slow : fast).status().message();
        ASSERT_EQ(fast->found, slow->found) << g->name() << " " << fast->why << slow->why;
        if (!fast->found) {  // an outcome, not an error
          EXPECT_FALSE(fast->why.empty());
          EXPECT_TRUE(fast->schedule.stage.empty());
          ++infeasible;
          continue;
        }
        const Evaluation ef = Evaluate(p, fast->schedule), es = Evaluate(p, slow->schedule);
        ASSERT_TRUE(ef.feasible) << ef.violation;
        EXPECT_TRUE(IsContiguous(fast->schedule, order));
        EXPECT_LE(std::fabs(ef.objective - es.objective), 1e-12 * std::max(1.0, es.objective))
            << g->name() << " " << ToString(kind) << "/" << ToString(cm) << " variant " << variant;
      }
  }
  std::printf("[ split ] %d (order, problem) pairs compared, %d infeasible\n", compared, infeasible);
  EXPECT_GT(compared, 1200);
}

// Reference for longer orders: the same (max P, sum X) Pareto DP with no
// incumbent, no bounds and no capped passes, straight from the definition.
double ReferenceSplitObjective(const Problem& p, const std::vector<int>& order) {
  const int n = static_cast<int>(order.size());
  const std::vector<int64_t> x = CutCrossingBytes(p, order);
  std::vector<int64_t> pre(n + 1, 0);
  for (int i = 0; i < n; ++i) pre[i + 1] = pre[i] + p.g().node(order[i]).param_bytes;
  const int S = p.stages;
  const int64_t cap = p.constraints.max_stage_param_bytes;
  // front[k][j]: non-dominated (m, x) of order[0..j-1] in k segments.
  std::vector<std::vector<std::vector<std::pair<int64_t, int64_t>>>> front(
      S + 1, std::vector<std::vector<std::pair<int64_t, int64_t>>>(n + 1));
  front[0][0].push_back({0, 0});
  for (int k = 1; k <= S; ++k)
    for (int j = k; j <= n; ++j) {
      std::vector<std::pair<int64_t, int64_t>> c;
      for (int i = k - 1; i < j; ++i) {
        const int64_t w = pre[j] - pre[i];
        if (cap > 0 && w > cap) continue;
        for (auto [m, xx] : front[k - 1][i]) c.push_back({std::max(m, w), xx + (i > 0 ? x[i] : 0)});
      }
      std::sort(c.begin(), c.end());
      for (auto& l : c)
        if (front[k][j].empty() || l.second < front[k][j].back().second) front[k][j].push_back(l);
    }
  double best = std::numeric_limits<double>::infinity();
  for (int k = p.constraints.nonempty_stages ? S : 1; k <= S; ++k)
    for (auto [m, xx] : front[k][n])
      best = std::min(best, static_cast<double>(m) + p.objective.comm_weight * static_cast<double>(xx));
  return best;
}

TEST(SplitTest, MatchesUnprunedParetoDpOnLongerOrders) {
  // Orders of 20-120 nodes, where the capped passes and the crossing bound
  // prune most of the DP: the objective must still be the optimum.
  std::mt19937_64 rng(7);
  int compared = 0;
  for (int t = 0; t < 120; ++t) {
    const int n = static_cast<int>(Uni(rng, 20, 120));
    const int S = static_cast<int>(Uni(rng, 2, 8));
    auto g = RandomGraph(rng, n, static_cast<int>(Uni(rng, 1, 4)), "m" + std::to_string(t), Sizes(10));
    const std::vector<int> order = RandomTopoOrder(rng, *g);
    for (CommModel cm : {CommModel::kTensor, CommModel::kEdge}) {
      Problem p = Make(g, S, ObjectiveKind::kMemoryComm, cm);
      p.objective.comm_weight = static_cast<double>(Uni(rng, 1, 6)) * 0.5;
      const int64_t variant = Uni(rng, 0, 3);
      if (variant == 1) p.constraints.nonempty_stages = false;
      if (variant == 2 && g->total_param_bytes() > 0)
        p.constraints.max_stage_param_bytes =
            std::max<int64_t>(g->max_param_bytes(), (g->total_param_bytes() + S - 1) / S + Uni(rng, 0, 3000000));
      if (!p.Schedulable()) continue;
      auto fast = OptimalSplit(p, order);
      const double ref = ReferenceSplitObjective(p, order);
      ASSERT_TRUE(fast.ok()) << fast.status().message();
      if (!std::isfinite(ref)) {
        EXPECT_FALSE(fast->found);
        continue;
      }
      ASSERT_TRUE(fast->found) << fast->why;
      const Evaluation ev = Evaluate(p, fast->schedule);
      ASSERT_TRUE(ev.feasible) << ev.violation;
      EXPECT_TRUE(IsContiguous(fast->schedule, order));
      EXPECT_LE(std::fabs(ev.objective - ref), 1e-12 * std::max(1.0, ref))
          << g->name() << " " << ToString(cm) << " variant " << variant;
      ++compared;
    }
  }
  EXPECT_GT(compared, 200);
}

// 250 nodes on 8 stages: a split DP that a zero limit or a stop cuts short.
Problem LongSplitProblem(const std::string& name) {
  std::mt19937_64 rng(11);
  return Make(RandomGraph(rng, 250, 3, name, Sizes(15)), 8, ObjectiveKind::kMemoryComm, CommModel::kEdge);
}

TEST(SplitTest, TimeLimitReturnsTheBestKnownSplit) {
  const Problem p = LongSplitProblem("limit");
  const std::vector<int> order = p.g().topo_order();
  SplitOptions none;
  none.time_limit_s = 0.0;
  auto cut = BestSplit(p, order, none);
  ASSERT_TRUE(cut.ok()) << cut.status().message();
  EXPECT_FALSE(cut->optimal);
  auto full = BestSplit(p, order, SplitOptions{});
  ASSERT_TRUE(full.ok());
  EXPECT_TRUE(full->optimal);
  const Evaluation ec = Evaluate(p, cut->schedule), ef = Evaluate(p, full->schedule);
  ASSERT_TRUE(ec.feasible) << ec.violation;
  EXPECT_TRUE(IsContiguous(cut->schedule, order));
  EXPECT_GE(ec.objective, ef.objective);
  EXPECT_DOUBLE_EQ(ef.objective, ReferenceSplitObjective(p, order));
}

TEST(SplitTest, ARequestedStopEndsTheSplitsLikeTheirTimeLimit) {
  const Problem p = LongSplitProblem("stop");
  const std::vector<int> order = p.g().topo_order();
  SplitOptions stopped;
  stopped.stop = StopToken::Make();
  stopped.stop.Request();
  auto cut = BestSplit(p, order, stopped);
  ASSERT_TRUE(cut.ok()) << cut.status().message();
  EXPECT_FALSE(cut->optimal);
  ASSERT_TRUE(cut->found);
  EXPECT_TRUE(Evaluate(p, cut->schedule).feasible);
  // Over several orders: the first that splits is kept, the rest skipped.
  const std::vector<NamedOrder> orders = NaturalOrders(p.g());
  ASSERT_GT(orders.size(), 1u);
  std::vector<const std::vector<int>*> ptrs;
  for (const NamedOrder& o : orders) ptrs.push_back(&o.order);
  auto all = BestSplitOfOrders(p, ptrs, std::numeric_limits<double>::infinity(), stopped.stop);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->best, 0);
  EXPECT_FALSE(all->all_optimal);
  // dp_topo under a stopped context: feasible, never a claim of infeasibility.
  const StopToken stop = StopToken::Make();
  stop.Request();
  auto dp = DpTopoScheduler().RunUntil(p, stop);
  ASSERT_TRUE(dp.ok());
  EXPECT_EQ(dp->status, SolveStatus::kFeasible) << dp->message;
  EXPECT_TRUE(dp->stats.stopped);
  EXPECT_TRUE(dp->stats.order.split_time_limit);
  EXPECT_NE(dp->message.find("stopped"), std::string::npos) << dp->message;
}

TEST(SplitTest, CutCrossingBytesAgreeWithEvaluate) {
  std::mt19937_64 rng(8);
  for (int t = 0; t < 100; ++t) {
    auto g = RandomGraph(rng, static_cast<int>(Uni(rng, 2, 30)), 3, "x", Sizes());
    const std::vector<int> order = RandomTopoOrder(rng, *g);
    for (CommModel cm : {CommModel::kTensor, CommModel::kEdge}) {
      Problem p = Make(g, 2, ObjectiveKind::kMemoryComm, cm);
      const std::vector<int64_t> x = CutCrossingBytes(p, order);
      ASSERT_EQ(x.size(), order.size() + 1);
      EXPECT_EQ(x.front(), 0);
      EXPECT_EQ(x.back(), 0);
      for (size_t c = 1; c < order.size(); ++c) {
        Schedule s;
        s.stage.assign(order.size(), 0);
        for (size_t i = c; i < order.size(); ++i) s.stage[order[i]] = 1;
        EXPECT_EQ(x[c], CrossingBytes(*g, s.stage, 2, p.objective)[0]);
      }
    }
  }
}

TEST(SplitTest, RejectsNonTopologicalOrder) {
  std::mt19937_64 rng(1);
  auto g = RandomGraph(rng, 6, 2, "bad", Sizes());
  Problem p = Make(g, 2, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  std::vector<int> order = g->topo_order();
  std::reverse(order.begin(), order.end());
  auto s = OptimalSplit(p, order);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidInput);
  EXPECT_FALSE(OptimalSplit(p, {0, 1}).ok());
}

TEST(SplitTest, FastAtZooScale) {
  // 782 nodes (the size of the largest zoo model), mostly local edges like
  // a DNN, 6 stages: both objectives, both comm models.
  std::mt19937_64 rng(2024);
  auto g = RandomGraph(rng, 782, 2, "big", Sizes(12));
  const std::vector<int> order = g->topo_order();
  for (ObjectiveKind kind : {ObjectiveKind::kMemoryComm, ObjectiveKind::kLatency})
    for (CommModel cm : {CommModel::kTensor, CommModel::kEdge}) {
      Problem p = Make(g, 6, kind, cm);
      const auto t0 = std::chrono::steady_clock::now();
      auto s = OptimalSplit(p, order);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      ASSERT_TRUE(s.ok()) << s.status().message();
      EXPECT_TRUE(Evaluate(p, s->schedule).feasible);
      std::printf("[ split ] n=782 S=6 %s/%s: %.2f ms\n", ToString(kind), ToString(cm), ms);
      EXPECT_LT(ms, 250.0);  // a few ms expected; generous for loaded machines and debug builds
    }
}

TEST(OrderSchedulersTest, ProduceFeasibleSchedules) {
  std::mt19937_64 rng(77);
  for (int t = 0; t < 60; ++t) {
    const int n = static_cast<int>(Uni(rng, 1, 40));
    const int S = static_cast<int>(Uni(rng, 1, std::min(n, 6)));
    auto g = RandomGraph(rng, n, 3, "o" + std::to_string(t), Sizes());
    for (const NamedOrder& o : NaturalOrders(*g)) EXPECT_TRUE(g->IsTopologicalOrder(o.order)) << o.name;
    EXPECT_TRUE(g->IsTopologicalOrder(ListPriorityOrder(*g)));
    for (ObjectiveKind kind : {ObjectiveKind::kMemoryComm, ObjectiveKind::kLatency}) {
      Problem p = Make(g, S, kind, CommModel::kTensor);
      DpTopoScheduler dp;
      ListScheduler list;
      auto a = dp.Run(p);
      auto b = list.Run(p);
      ASSERT_TRUE(a.ok()) << a.status().message();
      ASSERT_TRUE(b.ok()) << b.status().message();
      EXPECT_EQ(a->status, SolveStatus::kFeasible);
      EXPECT_EQ(b->status, SolveStatus::kFeasible);
      EXPECT_TRUE(a->eval.feasible);
      EXPECT_TRUE(b->eval.feasible);
      EXPECT_EQ(a->method, "dp_topo");
      EXPECT_EQ(b->method, "list");
      EXPECT_TRUE(std::isnan(a->bound));
      // dp_topo splits the topological order optimally, so it is at least as
      // good as any contiguous split of that order.
      auto s = OptimalSplit(p, g->topo_order());
      ASSERT_TRUE(s.ok());
      EXPECT_LE(a->objective, Evaluate(p, s->schedule).objective);
    }
  }
}

TEST(OrderSchedulersTest, InfeasibleProblemsAreResultsNotErrors) {
  std::mt19937_64 rng(3);
  auto g = RandomGraph(rng, 3, 1, "three", Sizes());
  Problem p = Make(g, 5, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  for (Scheduler* s : std::initializer_list<Scheduler*>{new DpTopoScheduler, new ListScheduler, new BruteForceScheduler}) {
    std::unique_ptr<Scheduler> own(s);
    auto r = s->Run(p);
    ASSERT_TRUE(r.ok()) << s->name();
    EXPECT_EQ(r->status, SolveStatus::kInfeasible) << s->name();
    EXPECT_FALSE(r->message.empty());
  }
}

TEST(OrderSchedulersTest, ListFallsBackToSplitUnderChildrenSameStage) {
  // a -> {b, c}: the greedy fill may separate b and c; the fallback may not.
  Problem p = Make(BuildGraph("fork", {N("a", 1000, 10), N("b", 1000, 10), N("c", 1000, 10), N("d", 1000, 10)},
                              {{"a", "b"}, {"a", "c"}, {"c", "d"}}),
                   2, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  p.constraints.children_same_stage = true;
  ListScheduler list;
  auto r = list.Run(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, SolveStatus::kFeasible);
  EXPECT_TRUE(r->eval.feasible);
  EXPECT_EQ(r->schedule.stage[1], r->schedule.stage[2]);
}

TEST(BruteForceTest, RejectsLargeGraphsAndCountsAssignments) {
  std::mt19937_64 rng(4);
  auto big = RandomGraph(rng, kBruteForceMaxNodes + 1, 2, "big", Sizes());
  BruteForceScheduler bf;
  EXPECT_FALSE(bf.Run(Make(big, 2, ObjectiveKind::kMemoryComm, CommModel::kTensor)).ok());
  // A 3-node chain has C(3+2-1, 2) = 6... monotone maps onto 2 stages: 4 (0|000..).
  auto r = bf.Run(Make(BuildGraph("chain3", {N("a", 1), N("b", 1), N("c", 1)}, {{"a", "b"}, {"b", "c"}}), 2,
                       ObjectiveKind::kMemoryComm, CommModel::kTensor));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_EQ(r->stats.brute_force.assignments.value(), 4);  // 000, 001, 011, 111
  EXPECT_EQ(r->objective, 2);                 // max P = 2 (e.g. {a,b}{c}), no tensor bytes
}

}  // namespace
}  // namespace respect
