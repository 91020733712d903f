// The solve context (core/solve_context.h): child budgets never pass the
// parent's, shares become seconds there, stop tokens reach down, the trace
// keeps improvements only; and the typed statistics keep their JSON keys.
#include "core/solve_context.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <string>

#include "formulations/cut_bound.h"
#include "sched/heuristic.h"
#include "sched/list_schedule.h"
#include "sched/solve_stats.h"
#include "test_graphs.h"

namespace respect {
namespace {

TEST(SolveContext, AChildNeverOutlivesItsParent) {
  const SolveContext root(10.0);
  EXPECT_DOUBLE_EQ(root.Within(4.0).limit_s(), 4.0);
  EXPECT_LE(root.Within(100.0).limit_s(), 10.0);
  EXPECT_GT(root.Within(100.0).limit_s(), 9.0);
  EXPECT_DOUBLE_EQ(SolveContext(0.0).Within(5.0).limit_s(), 0.0);
  const SolveContext none(std::numeric_limits<double>::infinity());
  EXPECT_DOUBLE_EQ(none.Within(3.0).limit_s(), 3.0);
  EXPECT_TRUE(std::isinf(none.Within(std::numeric_limits<double>::infinity()).limit_s()));
}

TEST(SolveContext, SharesBecomeSecondsOfItsLimit) {
  const SolveContext ctx(600.0);
  EXPECT_DOUBLE_EQ(ctx.ShareOf(time_shares::kDpTopoStart), 120.0);
  EXPECT_DOUBLE_EQ(ctx.SizedShareOf(time_shares::kAutoLattice), 0.5);  // the sizing limit: 5 s
  EXPECT_DOUBLE_EQ(SolveContext(2.0).SizedShareOf(time_shares::kAutoLattice), 0.2);
  EXPECT_DOUBLE_EQ(ctx.ShareOf(time_shares::kTwoPhaseStall), 60.0);
  EXPECT_LE(ctx.ShareOfLeft(time_shares::kRlDecode), 300.0);
  EXPECT_DOUBLE_EQ(SolveContext(0.0).ShareOfLeft(time_shares::kRlDecode), 0.0);
}

TEST(StopToken, AParentStopsItsChildrenNotTheOtherWay) {
  const StopToken none;
  none.Request();  // no flag: nothing to request
  EXPECT_FALSE(none.Requested());
  const StopToken parent = StopToken::Make();
  const StopToken child = parent.Child();
  const StopToken sibling = parent.Child();
  child.Request();
  EXPECT_TRUE(child.Requested());
  EXPECT_FALSE(parent.Requested());
  EXPECT_FALSE(sibling.Requested());
  parent.Request();
  EXPECT_TRUE(sibling.Requested());
  // Children share the parent's token with the context they came from.
  const SolveContext ctx(5.0);
  const SolveContext sub = ctx.Within(1.0);
  ctx.stop().Request();
  EXPECT_TRUE(sub.stop().Requested());
  EXPECT_TRUE(sub.Done());
}

TEST(StopToken, ARootContextUnderACallersTokenStopsWithIt) {
  // Scheduler::RunUntil's root: the caller's request reaches the run; the
  // run's own stays in it.
  const StopToken caller = StopToken::Make();
  const SolveContext run(600.0, caller);
  run.stop().Request();
  EXPECT_TRUE(run.Done());
  EXPECT_FALSE(caller.Requested());
  const SolveContext other(600.0, caller);
  EXPECT_FALSE(other.Done());
  caller.Request();
  EXPECT_TRUE(other.Within(10.0).Done());
  EXPECT_GT(other.Left(), 599.0);  // the deadline is untouched: a stop is not a time limit
}

TEST(IncumbentTrace, KeepsImprovementsOnlyFromEveryChild) {
  IncumbentTrace trace;
  const SolveContext ctx = SolveContext(10.0).WithTrace(&trace);
  ctx.OfferIncumbent(50);
  ctx.Within(1.0).OfferIncumbent(60);  // worse: dropped
  ctx.Within(1.0).OfferIncumbent(40);
  ctx.OfferIncumbent(std::nan(""));
  ctx.WithTrace(nullptr).OfferIncumbent(10);  // a child without the trace
  ASSERT_EQ(trace.points().size(), 2u);
  EXPECT_DOUBLE_EQ(trace.points()[0].second, 50);
  EXPECT_DOUBLE_EQ(trace.points()[1].second, 40);
  EXPECT_LE(trace.points()[0].first, trace.points()[1].first);
}

TEST(CutBoundThread, EndsWhenTheRunsStopTokenIsRequested) {
  // A cut bound given a minute on a 300-node graph ends soon after the
  // run's token is requested, as its own Stop would end it.
  std::mt19937_64 rng(3);
  Problem p = test_graphs::MakeProblem(test_graphs::RandomGraph(rng, 300, 4, "stop300"), 4,
                                       ObjectiveKind::kMemoryComm, CommModel::kTensor);
  const SolveContext ctx(60.0);
  CutBoundOptions o = CutBoundOptions::ForRun(60.0, 60.0);
  o.stop = ctx.stop();
  CutBoundThread cut(p, std::numeric_limits<double>::infinity(), o, nullptr);
  ctx.stop().Request();
  const Stopwatch waited;
  const CutBoundResult r = cut.Stop();
  EXPECT_LT(waited.Seconds(), 10.0);
  EXPECT_LT(r.seconds, 30.0);
}

TEST(SchedulerSolve, MethodsWithoutALimitRunAsTheyAreAndDpTopoReadsTheContext) {
  std::mt19937_64 rng(5);
  Problem p = test_graphs::MakeProblem(test_graphs::RandomGraph(rng, 40, 3, "solve40"), 3,
                                       ObjectiveKind::kMemoryComm, CommModel::kTensor);
  HeuristicScheduler heuristic;
  Scheduler& as_phase = heuristic;  // the default Solve is Run
  auto a = as_phase.Solve(p, SolveContext(0.0));
  auto b = heuristic.Run(p);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->schedule.stage, b->schedule.stage);
  // dp_topo under a context splits within its deadline: the same best split
  // as a run with its own (generous) limit.
  DpTopoScheduler dp(0.0);  // its own limit is not read by Solve
  auto c = dp.Solve(p, SolveContext(60.0));
  auto d = DpTopoScheduler(60.0).Run(p);
  ASSERT_TRUE(c.ok() && d.ok());
  EXPECT_EQ(c->schedule.stage, d->schedule.stage);
  EXPECT_FALSE(c->stats.order.split_time_limit);
}

TEST(SolveStats, WritesEveryFigureUnderItsKey) {
  SolveStats s;
  EXPECT_TRUE(s.empty());
  s.exact.bb_nodes = 42;
  s.exact.start_feasible = false;
  s.exact.stalled = true;
  s.lattice.steps = 7;
  s.cut_bound.bound = 25;
  s.cut_bound.concurrent = true;
  s.two_phase.incumbent_from_dp_topo = true;
  s.rl.decode_ms = 1.5;
  s.order.split_time_limit = true;
  s.brute_force.assignments = 4;
  const std::map<std::string, double> want = {
      {"bb_nodes", 42},    {"start_feasible", 0},       {"stalled", 1},
      {"lattice_steps", 7}, {"cut_bound", 25},          {"cut_bound_concurrent", 1},
      {"incumbent_from_dp_topo", 1}, {"decode_ms", 1.5}, {"split_time_limit", 1},
      {"assignments", 4}};
  EXPECT_EQ(s.ToMap(), want);
}

// Records the limit of the context its run is given.
class LimitProbe final : public Scheduler {
 public:
  std::string name() const override { return "probe"; }
  StatusOr<ScheduleResult> Run(const Problem&) override { return ScheduleResult{}; }
  StatusOr<ScheduleResult> Solve(const Problem&, const SolveContext& ctx) override {
    limit_s = ctx.limit_s();
    return ScheduleResult{};
  }
  double time_limit_s() const override { return 100.0; }
  double limit_s = -1.0;
};

TEST(StopToken, RunUntilTakesWhatTheCallerSpentOffTheLimit) {
  // The schedule task's reading of the model counts against the first
  // method's limit (the whole run is judged by the wall clock).
  const Problem p;
  const StopToken stop = StopToken::Make();
  LimitProbe probe;
  ASSERT_TRUE(probe.RunUntil(p, stop).ok());
  EXPECT_EQ(probe.limit_s, 100.0);
  ASSERT_TRUE(probe.RunUntil(p, stop, 30.0).ok());
  EXPECT_EQ(probe.limit_s, 70.0);
  ASSERT_TRUE(probe.RunUntil(p, stop, 150.0).ok());
  EXPECT_EQ(probe.limit_s, 0.0);
}

}  // namespace
}  // namespace respect
