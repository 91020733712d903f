// The one clock (core/deadline.h), the table of time shares
// (core/time_shares.h), and the rule built on them: the phases before Cbc
// are sized the same for every limit of 5 s or more, and the cut bound
// stops once its bound stops rising. No test here measures speed (that is
// bench/run_limit_scaling.sh); they check the sizes and the stop's effect.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "core/deadline.h"
#include "core/time_shares.h"
#include "cost/evaluate.h"
#include "formulations/cut_bound.h"
#include "sched/brute_force.h"
#include "sched/exact.h"
#include "test_graphs.h"

namespace respect {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Deadline, BudgetIsWhatIsLeftAndNeverNegative) {
  const Deadline none(kInf);
  EXPECT_FALSE(none.Passed());
  EXPECT_DOUBLE_EQ(none.Budget(5.0), 5.0);
  const Deadline gone(0.0);
  EXPECT_TRUE(gone.Passed());
  EXPECT_DOUBLE_EQ(gone.Budget(5.0), 0.0);
  const Deadline past(-3.0);
  EXPECT_TRUE(past.Passed());
  EXPECT_LE(past.Left(), -3.0);
  const Deadline hour(3600.0);
  EXPECT_LE(hour.Budget(5.0), 5.0);
  EXPECT_GT(hour.Budget(5.0), 4.0);  // far from an hour's end
  EXPECT_LE(hour.Budget(1e9), 3600.0);
}

TEST(Deadline, AStopwatchNeverRunsBackwards) {
  Stopwatch w;
  const double a = w.Seconds();
  const double b = w.Seconds();
  EXPECT_GE(a, 0.0);
  EXPECT_GE(b, a);
  const Deadline d(w, 10.0);
  EXPECT_EQ(d.start(), w.start());
  EXPECT_LE(d.Left(), 10.0);
}

TEST(TimeShares, ShareClampsToItsFloorAndCap) {
  const time_shares::Share s{0.1, 0.5, 2.0};
  EXPECT_DOUBLE_EQ(s.Of(1.0), 0.5);
  EXPECT_DOUBLE_EQ(s.Of(10.0), 1.0);
  EXPECT_DOUBLE_EQ(s.Of(600.0), 2.0);
  EXPECT_DOUBLE_EQ(time_shares::kBandIlp.Of(1.0), 0.05);
  EXPECT_DOUBLE_EQ(time_shares::kBandIlp.Of(100.0), 2.0);
  EXPECT_DOUBLE_EQ(time_shares::kBandIlp.Of(1e6), 10.0);
  EXPECT_DOUBLE_EQ(time_shares::kTwoPhaseStall.Of(30.0), 10.0);
  EXPECT_DOUBLE_EQ(time_shares::kTwoPhaseStall.Of(600.0), 60.0);
}

TEST(TimeShares, PhasesBeforeCbcAreSizedTheSameForEveryLongLimit) {
  // The lattice's share and the cut bound's solo run: what a 5 s limit
  // gives them, every longer limit gives them too; shorter limits less.
  EXPECT_DOUBLE_EQ(AutoLatticeSeconds(600.0), 0.5);
  EXPECT_DOUBLE_EQ(AutoLatticeSeconds(1e6), AutoLatticeSeconds(5.0));
  EXPECT_DOUBLE_EQ(AutoLatticeSeconds(2.0), 0.2);
  const ExactOptions o;
  const CutBoundOptions a = ExactScheduler::SoloCutBoundOptions(o, SolveContext(5.0));
  const CutBoundOptions b = ExactScheduler::SoloCutBoundOptions(o, SolveContext(600.0));
  const CutBoundOptions c = ExactScheduler::SoloCutBoundOptions(o, SolveContext(2.0));
  EXPECT_DOUBLE_EQ(a.time_limit_s, b.time_limit_s);
  EXPECT_DOUBLE_EQ(a.band_ilp_s, b.band_ilp_s);
  EXPECT_DOUBLE_EQ(a.stall_s, b.stall_s);
  EXPECT_DOUBLE_EQ(b.time_limit_s, 0.5);  // was 60 s under the default 600 s limit
  EXPECT_TRUE(std::isfinite(b.stall_s));
  EXPECT_LT(c.time_limit_s, b.time_limit_s);
  EXPECT_LE(c.band_ilp_s, b.band_ilp_s);
}

TEST(TimeShares, ExactOptionsDefaultToTheTable) {
  const ExactOptions o;
  EXPECT_DOUBLE_EQ(o.cut_bound_share, time_shares::kCutBoundSolo.fraction);
  EXPECT_DOUBLE_EQ(o.start_search_share, time_shares::kStartSearch.fraction);
  EXPECT_DOUBLE_EQ(o.large_start_search_share, time_shares::kLargeStartSearch.fraction);
}

TEST(CutBoundStall, AStalledRunStillBoundsAndSaysSo) {
  // stall_s = 0: the run ends at the first step that does not raise the
  // bound. Its bound must still hold (below brute force's optimum, at least
  // SimpleLowerBound), and a run without the stop never reports a stall.
  std::mt19937_64 rng(20261206);
  int stalled_runs = 0;
  for (int seed = 1; seed <= 12; ++seed) {
    auto g = test_graphs::RandomGraph(rng, 9, 2, "stall" + std::to_string(seed));
    const Problem p = test_graphs::MakeProblem(g, 3, ObjectiveKind::kMemoryComm, CommModel::kTensor);
    if (!p.Schedulable()) continue;
    auto best = BruteForceScheduler().Run(p);
    ASSERT_TRUE(best.ok());
    if (best->status != SolveStatus::kOptimal) continue;
    CutBoundOptions quick;
    quick.time_limit_s = 30.0;
    quick.stall_s = 0.0;
    const CutBoundResult r = CutLowerBound(p, kInf, quick);
    EXPECT_LE(r.bound, best->objective + 1e-6) << seed;
    EXPECT_GE(r.bound, SimpleLowerBound(p) - 1e-6) << seed;
    stalled_runs += r.stalled ? 1 : 0;
    CutBoundOptions patient;
    patient.time_limit_s = 30.0;
    const CutBoundResult full = CutLowerBound(p, kInf, patient);
    EXPECT_FALSE(full.stalled) << seed;
    EXPECT_LE(r.peaks_evaluated, full.peaks_evaluated) << seed;
  }
  EXPECT_GT(stalled_runs, 0);  // the stop did end some runs
}

}  // namespace
}  // namespace respect
