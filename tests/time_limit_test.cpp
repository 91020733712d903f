// Time limits hold for every exact engine and for two_phase, even when the
// limit falls inside Cbc's root LP (which Cbc's own limit does not bound):
// time used <= limit x 1.05 + 1 s (the rule), a feasible schedule and
// a bound <= its objective. "Time used" is the smaller of wall and process CPU
// time: on a loaded machine the test process waits for a core, and that wait
// is not the solver's (a solver that ignores its deadline burns CPU past the
// limit and fails either way). bench/run_time_limits.sh checks the wall clock
// of whole runs.
// The graphs are chosen so that the limits below stop the solvers early: the
// root LP of the 1,000-node model takes seconds, the lattice of the 50-node
// graph tens of seconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>

#include "core/progress.h"
#include "core/rng.h"
#include "cost/evaluate.h"
#include "formulations/schedule_ilp.h"
#include "sched/exact.h"
#include "sched/list_schedule.h"
#include "solver/cbc_solver.h"
#include "synthetic/synthetic.h"
#include "twophase/two_phase.h"
#include "zoo/zoo.h"

namespace respect {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Wall and CPU time since construction; Used() = the smaller of the two.
struct Stopwatch {
  Clock::time_point wall0 = Clock::now();
  std::clock_t cpu0 = std::clock();
  double Wall() const { return Since(wall0); }
  double Used() const {
    return std::min(Wall(), static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC);
  }
};

Problem Synthetic(int nodes, int levels_min, int levels_max, int degree, uint64_t seed, int stages) {
  Rng rng(seed);
  auto g = SampleSyntheticGraph({nodes, levels_min, levels_max, degree}, &rng, "tl" + std::to_string(nodes));
  EXPECT_TRUE(g.ok());
  Problem p;
  p.graph = std::make_shared<const Graph>(std::move(g).value());
  p.stages = stages;
  p.objective.comm_model = CommModel::kEdge;
  return p;
}

// 1,000 nodes, 10 stages: the ILP's root LP alone takes ~3 s.
Problem Large() { return Synthetic(1000, 50, 100, 4, 1, 10); }

double Allowed(double limit) { return limit * 1.05 + 1.0; }

void ExpectScheduleAndBound(const Problem& p, const ScheduleResult& r) {
  EXPECT_EQ(r.status, SolveStatus::kFeasible) << r.message;
  EXPECT_TRUE(Evaluate(p, r.schedule).feasible);
  ASSERT_TRUE(std::isfinite(r.bound)) << r.message;
  EXPECT_GT(r.bound, 0.0);
  EXPECT_LE(r.bound, r.objective);
}

// Runs exact under options `o`, checks the limit held, returns the result.
ScheduleResult RunTimed(const Problem& p, const ExactOptions& o) {
  ExactScheduler exact(o);
  const Stopwatch watch;
  auto r = exact.Run(p);
  const double wall = watch.Wall();
  EXPECT_TRUE(r.ok()) << r.status().message();
  EXPECT_LE(watch.Used(), Allowed(o.time_limit_s));
  if (!r.ok()) return ScheduleResult{};
  EXPECT_LE(r->seconds, wall);
  return *r;
}

class CbcDeadline : public ::testing::TestWithParam<CbcDriver> {};

// The ILP of Large() and options with dp_topo's split as the MIP start.
struct LargeIlp {
  IlpModel ilp;
  MilpOptions options;
};
LargeIlp MakeLargeIlp(double time_limit_s) {
  const Problem p = Large();
  auto ilp = BuildScheduleIlp(p);
  EXPECT_TRUE(ilp.ok());
  auto start = DpTopoScheduler(0.2).Run(p);
  EXPECT_TRUE(start.ok());
  LargeIlp out{std::move(*ilp), {}};
  out.options.time_limit_s = time_limit_s;
  out.options.mip_start = EncodeStart(out.ilp, start->schedule);
  return out;
}

TEST_P(CbcDeadline, RootLpIsStoppedAtTheLimitAndProvesNothing) {
  LargeIlp large = MakeLargeIlp(0.05);
  const IlpModel* ilp = &large.ilp;
  const MilpOptions& mo = large.options;
  CbcSolver solver(GetParam());
  const Stopwatch watch;
  auto r = solver.Solve(ilp->milp, mo);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_LE(watch.Used(), Allowed(mo.time_limit_s));
  EXPECT_EQ(r->status, SolveStatus::kFeasible) << r->message;
  EXPECT_LE(r->objective, r->start_objective + 1e-9);
  EXPECT_LE(ilp->milp.MaxViolation(r->values), 1e-6);
  if (std::isfinite(r->bound)) {
    EXPECT_LE(r->bound, r->objective);
  }
}

TEST_P(CbcDeadline, WithoutAStartTheResultIsTimeLimit) {
  const Problem p = Large();
  auto ilp = BuildScheduleIlp(p);
  ASSERT_TRUE(ilp.ok());
  MilpOptions mo;
  mo.time_limit_s = 0.05;
  CbcSolver solver(GetParam());
  const Stopwatch watch;
  auto r = solver.Solve(ilp->milp, mo);
  EXPECT_LE(watch.Used(), Allowed(mo.time_limit_s));
  ASSERT_TRUE(r.ok()) << r.status().message();
  // Never "infeasible" from an interrupted LP.
  EXPECT_TRUE(r->status == SolveStatus::kTimeLimit || r->status == SolveStatus::kFeasible) << r->message;
}

INSTANTIATE_TEST_SUITE_P(Drivers, CbcDeadline, ::testing::Values(CbcDriver::kMain, CbcDriver::kDirect));

class ExactDeadline : public ::testing::TestWithParam<ExactEngine> {};

TEST_P(ExactDeadline, LargeGraphReturnsTheBestScheduleAndABoundInTime) {
  const Problem p = Large();
  ExactOptions o;
  o.engine = GetParam();
  o.time_limit_s = 0.5;
  ExpectScheduleAndBound(p, RunTimed(p, o));
}

INSTANTIATE_TEST_SUITE_P(Engines, ExactDeadline,
                         ::testing::Values(ExactEngine::kAuto, ExactEngine::kCbcMain, ExactEngine::kCbcDirect,
                                           ExactEngine::kLattice));

TEST(TwoPhaseDeadline, RoundsAndCertifyShareTheLimit) {
  const Problem p = Large();
  auto coarse = DpTopoScheduler(0.2).Run(p);
  ASSERT_TRUE(coarse.ok());
  TwoPhaseOptions o;
  o.exact.time_limit_s = 0.5;
  o.certify = true;
  TwoPhaseScheduler tp(o);
  const Stopwatch watch;
  auto r = tp.RunFrom(p, coarse->schedule);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_LE(watch.Used(), Allowed(o.exact.time_limit_s));
  ExpectScheduleAndBound(p, *r);
}

// The auto engine gives the lattice a share of the limit and hands a wide
// graph it cannot finish to Cbc (seed 1: the lattice alone ran past 30 s).
TEST(AutoEngine, WideGraphGoesToCbcAfterTheLatticeShare) {
  const Problem p = Synthetic(50, 10, 25, 2, 1, 10);
  ExactOptions o;
  o.time_limit_s = 2.0;
  const ScheduleResult res = RunTimed(p, o);
  const ScheduleResult* r = &res;
  ASSERT_TRUE(r->stats.exact.lattice_seconds.has_value());
  EXPECT_LE(r->stats.exact.lattice_seconds.value(), AutoLatticeSeconds(o.time_limit_s) + 0.5);
  EXPECT_TRUE(r->stats.exact.ilp_cols.has_value());  // Cbc ran
  EXPECT_TRUE(r->status == SolveStatus::kOptimal || r->status == SolveStatus::kFeasible);
  EXPECT_TRUE(Evaluate(p, r->schedule).feasible);
  EXPECT_LE(r->bound, r->objective);
}

// A zoo model's lattice is small: the auto engine proves it there, no ILP.
TEST(AutoEngine, ZooModelIsProvenByTheLattice) {
  auto g = BuildZooModel("resnet50");
  ASSERT_TRUE(g.ok());
  Problem p;
  p.graph = std::make_shared<const Graph>(std::move(g).value());
  p.stages = 6;
  ExactScheduler exact{ExactOptions{}};
  auto r = exact.Run(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_TRUE(r->stats.lattice.ideals.has_value());
  EXPECT_FALSE(r->stats.exact.ilp_cols.has_value());
}

TEST(SolveProgressTest, LineShowsElapsedIncumbentBoundAndGap) {
  const std::string l = SolveProgress::Format("exact", 12.4, 200.0, 150.0, "tree, 7 nodes");
  EXPECT_NE(l.find("exact: 00:12"), std::string::npos) << l;
  EXPECT_NE(l.find("incumbent 200"), std::string::npos) << l;
  EXPECT_NE(l.find("bound 150"), std::string::npos) << l;
  EXPECT_NE(l.find("gap 25.00%"), std::string::npos) << l;
  EXPECT_NE(l.find("tree, 7 nodes"), std::string::npos) << l;
  const std::string none = SolveProgress::Format("exact", 1, kMilpInf, -kMilpInf, "");
  EXPECT_NE(none.find("incumbent -  bound -  gap -"), std::string::npos) << none;
}

TEST(SolveProgressTest, QuietWhileTheSolveIsShort) {
  SolveProgress quiet("exact", /*quiet_s=*/60.0);
  quiet.Update(2.0, 1.0);
  EXPECT_EQ(quiet.lines(), 0);
  SolveProgress loud("exact", /*quiet_s=*/0.0);
  loud.Update(2.0, 1.0);
  EXPECT_EQ(loud.lines(), 1);
  loud.Update(2.0, 1.0);  // throttled
  EXPECT_EQ(loud.lines(), 1);
}

// Cbc reports while it runs: from the root LP on (the Clp handler) and with
// the MIP start as the incumbent from the first report.
TEST(SolveProgressTest, CbcReportsDuringTheRootLp) {
  LargeIlp large = MakeLargeIlp(1.2);
  const IlpModel* ilp = &large.ilp;
  MilpOptions& mo = large.options;
  std::vector<MilpProgress> seen;
  mo.progress = [&seen](const MilpProgress& m) { seen.push_back(m); };
  CbcSolver solver(CbcDriver::kDirect);
  auto r = solver.Solve(ilp->milp, mo);
  ASSERT_TRUE(r.ok());
  ASSERT_GE(seen.size(), 1u);
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_LE(seen[i].seconds, Allowed(mo.time_limit_s));
    EXPECT_LE(seen[i].incumbent, r->start_objective * (1 + 1e-9));  // the start counts from the first
    if (i > 0) {
      EXPECT_GE(seen[i].seconds, seen[i - 1].seconds + 0.4);  // about every half second
    }
  }
}

}  // namespace
}  // namespace respect
