// rl and two_phase with a randomly initialised policy (the policy is a seam:
// any weights give valid orders). Every schedule is checked with evaluate()
// and against the exact optimum.
#include <gtest/gtest.h>

#include <cstdio>

#include <cmath>
#include <chrono>
#include <memory>

#include "core/rng.h"
#include "sched/exact.h"
#include "sched/heuristic.h"
#include "sched/list_schedule.h"
#include "sched/rl.h"
#include "sched/split.h"
#include "synthetic/synthetic.h"
#include "twophase/two_phase.h"
#include "twophase/two_phase_start.h"
#include "zoo/zoo.h"

#include "stop_checks.h"

namespace respect {
namespace {

std::shared_ptr<const PointerPolicy> SmallPolicy() {
  PolicyHParams hp;
  hp.embed = 8;
  hp.hidden = 8;
  return std::shared_ptr<const PointerPolicy>(PointerPolicy::Random(hp, 5));
}

Problem RandomProblem(uint64_t seed, int nodes, int stages, CommModel m = CommModel::kTensor) {
  Rng rng(seed);
  auto g = SampleSyntheticGraph({nodes, 4, std::min(nodes, 10), 3}, &rng, "tp" + std::to_string(seed));
  EXPECT_TRUE(g.ok());
  Problem p;
  p.graph = std::make_shared<const Graph>(std::move(g).value());
  p.stages = stages;
  p.objective.comm_model = m;
  return p;
}

TEST(Rl, SplitsTheDecodedOrderOptimally) {
  auto policy = SmallPolicy();
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    Problem p = RandomProblem(seed, 16, 3);
    RlScheduler rl({}, policy);
    auto r = rl.Run(p);
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_EQ(r->status, SolveStatus::kFeasible) << r->message;
    Evaluation e = Evaluate(p, r->schedule);
    ASSERT_TRUE(e.feasible) << e.violation;
    EXPECT_DOUBLE_EQ(r->objective, e.objective);
    auto order = policy->Decode(p.g());
    ASSERT_TRUE(order.ok());
    auto split = OptimalSplit(p, *order);
    ASSERT_TRUE(split.ok() && split->found);
    EXPECT_DOUBLE_EQ(Evaluate(p, split->schedule).objective, r->objective);
    EXPECT_GE(r->stats.rl.decode_ms.value(), 0.0);
  }
}

TEST(Rl, BeamAndSamplesAreNeverWorseThanGreedy) {
  auto policy = SmallPolicy();
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    Problem p = RandomProblem(100 + seed, 40, 4);
    RlScheduler greedy({}, policy);
    auto g = greedy.Run(p);
    ASSERT_TRUE(g.ok());
    for (DecodeMode mode : {DecodeMode::kBeam, DecodeMode::kSample}) {
      RlOptions o;
      o.decode.mode = mode;
      o.decode.beam_width = 3;
      o.decode.samples = 3;
      RlScheduler rl(o, policy);
      auto r = rl.Run(p);
      ASSERT_TRUE(r.ok());
      EXPECT_LE(r->objective, g->objective) << ToString(mode) << " seed " << seed;
      EXPECT_TRUE(Evaluate(p, r->schedule).feasible);
      EXPECT_EQ(r->stats.rl.rounds.value(), 1);
    }
  }
}

TEST(Rl, SamplingBudgetRunsRoundsOfFreshSamples) {
  auto policy = SmallPolicy();
  Problem p = RandomProblem(7, 30, 4);
  RlOptions o;
  o.decode.mode = DecodeMode::kSample;
  o.decode.samples = 2;
  o.sample_time_s = 0.05;
  RlScheduler rl(o, policy);
  auto r = rl.Run(p);
  ASSERT_TRUE(r.ok());
  EXPECT_GE(r->seconds, 0.05);
  EXPECT_GE(r->stats.rl.rounds.value(), 2);
  // greedy once, then 2 fresh samples per round
  EXPECT_EQ(r->stats.rl.candidates.value(), 1 + 2 * r->stats.rl.rounds.value());
  RlOptions plain = o;
  plain.sample_time_s = 0;
  auto once = RlScheduler(plain, policy).Run(p);
  ASSERT_TRUE(once.ok());
  EXPECT_LE(r->objective, once->objective);  // the first round is the same draw
}

TEST(Rl, MissingWeightsIsAClearIoError) {
  RlOptions o;
  o.weights = "/nonexistent/policy.rspw";
  RlScheduler rl(o);
  auto r = rl.Run(RandomProblem(1, 10, 2));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("/nonexistent/policy.rspw"), std::string::npos);
}

TEST(TwoPhase, ARequestedStopReturnsTheCoarseScheduleChecked) {
  // Requested before the run: the coarse phase runs once, no window round
  // starts, and the result is the better of the coarse schedule and
  // dp_topo's, evaluate()d, marked stopped.
  Problem p = RandomProblem(7, 200, 6);
  const StopToken stop = StopToken::Make();
  stop.Request();
  TwoPhaseOptions o;
  o.exact.time_limit_s = 600;
  TwoPhaseScheduler tp(o, SmallPolicy());
  auto r = tp.RunUntil(p, stop);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->stats.stopped);
  ASSERT_EQ(r->status, SolveStatus::kFeasible) << r->message;
  const Evaluation e = Evaluate(p, r->schedule);
  ASSERT_TRUE(e.feasible) << e.violation;
  EXPECT_DOUBLE_EQ(r->objective, e.objective);
  EXPECT_LE(r->objective, r->stats.two_phase.coarse_objective.value() + 1e-9);
  EXPECT_TRUE(r->window_rounds.empty());
  EXPECT_LE(r->bound, r->objective);
  EXPECT_LT(r->seconds, 60.0);  // sanity: not the 600 s limit
}

TEST(TwoPhase, AStopDuringTheWindowRoundsEndsThemWithTheBestSchedule) {
  Problem p = RandomProblem(8, 400, 8);
  TwoPhaseOptions o;
  o.exact.time_limit_s = 600;
  o.widen_to_limit = true;  // rounds would go on to the limit
  TwoPhaseScheduler tp(o, SmallPolicy());
  auto r = stop_checks::RunStoppedAfter(tp, p, std::chrono::milliseconds(500));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->stats.stopped);
  const Evaluation e = Evaluate(p, r->schedule);
  ASSERT_TRUE(e.feasible) << e.violation;
  EXPECT_DOUBLE_EQ(r->objective, e.objective);
  // Optimal only with a proof: the bound then meets the objective.
  if (r->status == SolveStatus::kOptimal) EXPECT_DOUBLE_EQ(r->bound, r->objective);
  else EXPECT_EQ(r->status, SolveStatus::kFeasible) << r->message;
  EXPECT_LE(r->bound, r->objective);
  EXPECT_LT(r->seconds, 60.0);  // sanity: not the 600 s limit
}

TEST(TwoPhase, NeverWorseThanCoarseAndCertifiedEqualsExact) {
  auto policy = SmallPolicy();
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const CommModel m = seed % 2 ? CommModel::kTensor : CommModel::kEdge;
    Problem p = RandomProblem(100 + seed, 18, 2 + static_cast<int>(seed % 3), m);
    ExactScheduler exact;
    auto ex = exact.Run(p);
    ASSERT_TRUE(ex.ok()) << ex.status().message();
    ASSERT_EQ(ex->status, SolveStatus::kOptimal);

    TwoPhaseOptions o;
    o.window = 1;
    TwoPhaseScheduler tp(o, policy);
    auto r = tp.Run(p);
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_EQ(r->status, SolveStatus::kFeasible);
    Evaluation e = Evaluate(p, r->schedule);
    ASSERT_TRUE(e.feasible) << e.violation;
    EXPECT_DOUBLE_EQ(r->objective, e.objective);
    EXPECT_LE(r->objective, r->stats.two_phase.coarse_objective.value() + 1e-9);
    EXPECT_GE(r->objective, ex->objective - 1e-6 * ex->objective);
    EXPECT_LE(r->stats.two_phase.vars_kept.value(), r->stats.two_phase.vars_full.value());
    // Where the incumbent came from is always reported.
    ASSERT_TRUE(r->stats.two_phase.incumbent_from_dp_topo.has_value());
    if (r->stats.two_phase.incumbent_from_dp_topo.value() == 0) {
      EXPECT_FALSE(r->stats.two_phase.recentred_on_dp_topo);
    }

    o.certify = true;
    TwoPhaseScheduler certified(o, policy);
    auto c = certified.Run(p);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->status, SolveStatus::kOptimal);
    EXPECT_NEAR(c->objective, ex->objective, 1e-6 * ex->objective);
    EXPECT_NEAR(c->stats.two_phase.certified_gap.value(), 0.0, 1e-9);
  }
}

TEST(TwoPhase, TheBoundThreadReportsAValidBound) {
  // How far the thread gets before the rounds end depends on the machine:
  // whatever it reports must hold, and an optimal status must be true.
  auto policy = SmallPolicy();
  int raised = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    Problem p = RandomProblem(200 + seed, 18, 2 + static_cast<int>(seed % 3), seed % 2 ? CommModel::kTensor : CommModel::kEdge);
    auto ex = ExactScheduler().Run(p);
    ASSERT_TRUE(ex.ok() && ex->status == SolveStatus::kOptimal);
    TwoPhaseOptions o;
    o.bound_thread = true;
    auto r = TwoPhaseScheduler(o, policy).Run(p);
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_TRUE(r->stats.cut_bound.bound.has_value());
    EXPECT_LE(r->bound, ex->objective * (1 + 1e-9));
    EXPECT_GE(r->bound, SimpleLowerBound(p));
    EXPECT_LE(r->bound, r->objective);
    if (r->status == SolveStatus::kOptimal) {
      EXPECT_NEAR(r->objective, ex->objective, 1e-6 * ex->objective);
    }
    raised += r->bound > SimpleLowerBound(p) + 1e-9;
  }
  std::printf("the bound thread raised two_phase's bound above SimpleLowerBound on %d of 8\n", raised);
}

TEST(TwoPhase, WithoutStrongStartTheIncumbentIsThePolicys) {
  auto policy = SmallPolicy();
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    Problem p = RandomProblem(300 + seed, 24, 3);
    TwoPhaseOptions o;
    o.strong_start = false;
    auto r = TwoPhaseScheduler(o, policy).Run(p);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->stats.two_phase.incumbent_from_dp_topo.value());
    RlScheduler rl({}, policy);
    auto coarse = rl.Run(p);
    ASSERT_TRUE(coarse.ok());
    EXPECT_DOUBLE_EQ(r->stats.two_phase.coarse_objective.value(), coarse->objective);  // started from rl's own result
  }
}

TEST(TwoPhase, WideWindowIsTheFullProblem) {
  // With a window as wide as the pipeline, the windowed ILP is the full ILP,
  // so two_phase must find the exact optimum.
  auto policy = SmallPolicy();
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    Problem p = RandomProblem(200 + seed, 14, 3);
    ExactScheduler exact;
    auto ex = exact.Run(p);
    ASSERT_TRUE(ex.ok());
    TwoPhaseOptions o;
    o.window = 3;
    TwoPhaseScheduler tp(o, policy);
    auto r = tp.Run(p);
    ASSERT_TRUE(r.ok());
    EXPECT_NEAR(r->objective, ex->objective, 1e-6 * ex->objective) << "seed " << seed;
  }
}

// From a poor coarse schedule: each improving round re-centres the windows
// on the new incumbent; the result is never worse than the coarse schedule
// or dp_topo, and with one round both window engines give the same value.
TEST(TwoPhase, RecentresOnImprovementAndEnginesAgree) {
  auto policy = SmallPolicy();
  int recentred = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    Problem p = RandomProblem(300 + seed, 24, 3 + static_cast<int>(seed % 3));
    auto coarse = ListScheduler().Run(p);
    ASSERT_TRUE(coarse.ok());
    ASSERT_EQ(coarse->status, SolveStatus::kFeasible);
    auto dp = DpTopoScheduler().Run(p);
    ASSERT_TRUE(dp.ok());
    auto ex = ExactScheduler().Run(p);
    ASSERT_TRUE(ex.ok());
    TwoPhaseOptions o;
    TwoPhaseScheduler tp(o, policy);
    auto r = tp.RunFrom(p, coarse->schedule);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_LE(r->objective, coarse->objective + 1e-9);
    EXPECT_LE(r->objective, dp->objective + 1e-9);
    EXPECT_GE(r->objective, ex->objective * (1 - 1e-9));
    EXPECT_EQ(r->stats.two_phase.rl_seconds.value(), 0.0);
    EXPECT_DOUBLE_EQ(r->stats.two_phase.coarse_objective.value(), coarse->objective);
    recentred += r->stats.two_phase.widen_rounds.value() > 0 ? 1 : 0;
    double one_round[2];
    int i = 0;
    for (ExactEngine e : {ExactEngine::kCbcDirect, ExactEngine::kLattice}) {
      TwoPhaseOptions oe;
      oe.max_widen = 0;
      oe.window_engine = e;
      auto re = TwoPhaseScheduler(oe, policy).RunFrom(p, coarse->schedule);
      ASSERT_TRUE(re.ok()) << re.status().message();
      EXPECT_EQ(re->stats.two_phase.widen_rounds.value(), 0);
      one_round[i++] = re->objective;
    }
    EXPECT_NEAR(one_round[0], one_round[1], 1e-9 * one_round[0]) << "seed " << seed;
  }
  EXPECT_GT(recentred, 0);  // the list schedules are poor enough to move
}

// A Table I model: from the list schedule (2-4% above the optimum) the Cbc
// windows and the lattice windows both reach the exact optimum.
TEST(TwoPhase, ZooModelReachesTheOptimumFromAPoorCoarseSchedule) {
  auto built = BuildZooModel("resnet50");
  ASSERT_TRUE(built.ok());
  Problem p;
  p.graph = std::make_shared<const Graph>(std::move(*built));
  p.stages = 6;
  auto coarse = ListScheduler().Run(p);
  ASSERT_TRUE(coarse.ok());
  ASSERT_GT(coarse->objective, 20797440.0);
  for (ExactEngine e : {ExactEngine::kAuto, ExactEngine::kLattice}) {
    TwoPhaseOptions o;
    o.window_engine = e;
    o.strong_start = false;  // the windows alone must get there
    auto r = TwoPhaseScheduler(o, SmallPolicy()).RunFrom(p, coarse->schedule);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_DOUBLE_EQ(r->objective, 20797440.0);  // bench/results/exact.md
    EXPECT_LT(r->stats.two_phase.vars_kept.value(), r->stats.two_phase.vars_full.value());
  }
}

TEST(TwoPhase, InfeasibleProblem) {
  TwoPhaseScheduler tp({}, SmallPolicy());
  auto r = tp.Run(RandomProblem(1, 5, 9));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, SolveStatus::kInfeasible);
  EXPECT_NE(r->message.find("fewer than the 9"), std::string::npos);
}

// --- two_phase as exact's start provider (twophase/two_phase_start.h) --------

TwoPhaseOptions RandomPolicyOptions() {
  TwoPhaseOptions t;
  t.rl.weights = "random";  // the shipped shape, seeded: no weights file needed
  return t;
}

TEST(TwoPhaseStart, GivesAFeasibleScheduleWithinItsContext) {
  Problem p = RandomProblem(7, 18, 3);
  TwoPhaseStart start(RandomPolicyOptions());
  auto s = start.Start(p, SolveContext(10.0));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(Evaluate(p, *s).feasible);
  // Options that failed to build are reported by every call (exact ignores it).
  TwoPhaseStart broken(StatusOr<TwoPhaseOptions>(Status::Invalid("bad options")));
  EXPECT_FALSE(broken.Start(p, SolveContext(10.0)).ok());
}

TEST(TwoPhaseStart, ExactAsksItOnceAndStillProvesTheOptimum) {
  // What solver.start two_phase plugs in: exact asks the window search for
  // its start (Cbc only, so no lattice share settles the graph first).
  Problem p = RandomProblem(8, 18, 3);
  ExactOptions o;
  o.time_limit_s = 60;
  o.engine = ExactEngine::kCbcDirect;
  o.start_search_min_nodes = 0;
  ExactStarts starts;
  starts.search = std::make_shared<TwoPhaseStart>(RandomPolicyOptions());
  auto r = ExactScheduler(o, nullptr, starts).Run(p);
  auto plain = ExactScheduler(o).Run(p);
  ASSERT_TRUE(r.ok() && plain.ok()) << r.status().message();
  EXPECT_TRUE(r->stats.exact.start_search_seconds.has_value());
  EXPECT_TRUE(r->stats.exact.start_search_improved.has_value());
  EXPECT_FALSE(plain->stats.exact.start_search_seconds.has_value());
  ASSERT_EQ(r->status, SolveStatus::kOptimal) << r->message;
  EXPECT_TRUE(Evaluate(p, r->schedule).feasible);
  EXPECT_NEAR(r->objective, plain->objective, 1e-9 * plain->objective);
}

}  // namespace
}  // namespace respect
