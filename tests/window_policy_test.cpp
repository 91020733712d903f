// Window assignment under a budget (AllocateWindows, LearnedWindows), the
// window seam of two_phase, and the switches policy.windows / policy.weights.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "config/config.h"
#include "cost/evaluate.h"
#include "sched/list_schedule.h"
#include "sched/registry.h"
#include "refusal.h"
#include "test_graphs.h"
#include "twophase/two_phase.h"
#include "twophase/window_policy.h"

namespace respect {
namespace {

StatusOr<Config> ParseYaml(const char* text) { return ParseConfig(text, "t.yaml"); }

// logp over offsets for n nodes, all from one row of probabilities.
Eigen::MatrixXd LogProbs(int n, std::vector<double> probs) {
  Eigen::MatrixXd l(kOffsetClasses, n);
  for (int v = 0; v < n; ++v)
    for (int c = 0; c < kOffsetClasses; ++c) l(c, v) = std::log(probs[c]);
  return l;
}

TEST(AllocateWindows, SpendsTheBudgetOnTheLikeliestStages) {
  // 3 nodes on stage 2 of 6; node 1 is sure to stay, node 0 leans down,
  // node 2 leans up two stages.
  Windows hard{{0, 0, 0}, {5, 5, 5}};
  Schedule center{{2, 2, 2}};
  Eigen::MatrixXd l = LogProbs(3, {0.01, 0.01, 0.01, 0.94, 0.01, 0.01, 0.01});
  l.col(0) = LogProbs(1, {0.01, 0.02, 0.5, 0.4, 0.05, 0.01, 0.01});
  l.col(2) = LogProbs(1, {0.01, 0.01, 0.01, 0.2, 0.3, 0.46, 0.01});
  const Windows w = AllocateWindows(hard, center, l, 3);
  EXPECT_EQ(FreeBinaries(w), 3);
  EXPECT_EQ(w.lo, (std::vector<int>{1, 2, 2}));  // node 0 opens down (0.5)
  EXPECT_EQ(w.hi, (std::vector<int>{2, 2, 4}));  // node 2 opens up twice (0.3, then 0.46)
  // Every window holds the center, inside the hard windows.
  for (int v = 0; v < 3; ++v) {
    EXPECT_LE(w.lo[v], center.stage[v]);
    EXPECT_GE(w.hi[v], center.stage[v]);
  }
}

TEST(AllocateWindows, StopsAtHardWindowsAndAtZeroBudget) {
  Windows hard{{2, 1}, {2, 3}};
  Schedule center{{2, 2}};
  const Eigen::MatrixXd l = LogProbs(2, {0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2});
  const Windows none = AllocateWindows(hard, center, l, 0);
  EXPECT_EQ(none.lo, center.stage);
  EXPECT_EQ(none.hi, center.stage);
  const Windows all = AllocateWindows(hard, center, l, 100);
  EXPECT_EQ(all.lo, (std::vector<int>{2, 1}));
  EXPECT_EQ(all.hi, (std::vector<int>{2, 3}));
}

TEST(AllocateWindows, GroupCapKeepsConnectedOpenWindowsSmall) {
  // A chain 0 -> 1 -> 2 -> 3 -> 4, all on stage 2 of 5, every node leaning
  // down. Without a cap the budget opens all five; with a cap of 2 the
  // chain's open nodes form groups of at most 2 (0 and 1 open; 2 would join
  // them and stays fixed; 3 and 4 open).
  const Graph g = test_graphs::ChainGraph(5);
  Windows hard{{0, 0, 0, 0, 0}, {4, 4, 4, 4, 4}};
  Schedule center{{2, 2, 2, 2, 2}};
  const Eigen::MatrixXd l = LogProbs(5, {0.01, 0.02, 0.3, 0.6, 0.05, 0.01, 0.01});
  const Windows all = AllocateWindows(hard, center, l, 5);
  EXPECT_EQ(all.lo, (std::vector<int>{1, 1, 1, 1, 1}));
  const Windows capped = AllocateWindows(hard, center, l, 4, &g, 2);
  EXPECT_EQ(capped.lo, (std::vector<int>{1, 1, 2, 1, 1}));
  EXPECT_EQ(capped.hi, center.stage);
  // Further budget goes to nodes already open (no new group members).
  const Windows more = AllocateWindows(hard, center, l, 5, &g, 2);
  EXPECT_EQ(more.lo, (std::vector<int>{1, 1, 2, 1, 1}));
  EXPECT_EQ(more.hi, (std::vector<int>{3, 2, 2, 2, 2}));
}

TEST(RoundHistory, CountsOpenWindows) {
  RoundHistory h;
  h.Record(Windows{{1, 2, 0}, {1, 3, 2}});
  h.Record(Windows{{0, 2, 0}, {1, 2, 2}});
  EXPECT_EQ(h.visits, (std::vector<int>{1, 1, 2}));
}

Problem RandomProblem(uint64_t seed, int n, int stages) {
  std::mt19937_64 rng(seed);
  return test_graphs::MakeProblem(test_graphs::RandomGraph(rng, n, 3, "w" + std::to_string(seed)), stages,
                                  ObjectiveKind::kMemoryComm, CommModel::kEdge);
}

TEST(LearnedWindows, SameFreeBinariesAsUniformAfterPropagation) {
  auto net = LoadWindowNet("random", 4);
  ASSERT_TRUE(net.ok()) << net.status().message();
  LearnedWindows learned(*net);
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    Problem p = RandomProblem(seed, 60, 5);
    auto center = DpTopoScheduler().Run(p);
    ASSERT_TRUE(center.ok());
    const Windows hard = FullWindows(p);
    for (int w : {1, 2}) {
      Windows uniform = WindowsAround(hard, center->schedule, w);
      PropagateWindows(p.g(), &uniform);
      auto win = learned.Open(p, hard, center->schedule, w);
      ASSERT_TRUE(win.ok());
      Windows tight = *win;
      ASSERT_TRUE(PropagateWindows(p.g(), &tight));
      EXPECT_EQ(FreeBinaries(tight), FreeBinaries(*win)) << "returned windows are already consistent";
      EXPECT_LE(FreeBinaries(*win), FreeBinaries(uniform));
      EXPECT_GE(FreeBinaries(*win), FreeBinaries(uniform) * 9 / 10) << "seed " << seed << " w " << w;
      EXPECT_TRUE(WithinWindows(*win, center->schedule));
    }
  }
}

TEST(LearnedWindows, BudgetFractionScalesTheFreeBinaries) {
  auto net = LoadWindowNet("default", 1);
  ASSERT_TRUE(net.ok()) << net.status().message();
  LearnedWindows full(*net), quarter(*net, 0.25);
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    Problem p = RandomProblem(seed, 80, 6);
    auto center = DpTopoScheduler().Run(p);
    ASSERT_TRUE(center.ok());
    const Windows hard = FullWindows(p);
    auto a = full.Open(p, hard, center->schedule, 1);
    auto b = quarter.Open(p, hard, center->schedule, 1);
    ASSERT_TRUE(a.ok() && b.ok());
    Windows uniform = WindowsAround(hard, center->schedule, 1);
    PropagateWindows(p.g(), &uniform);
    const int64_t target = (FreeBinaries(uniform) + 2) / 4;
    EXPECT_LE(FreeBinaries(*b), target) << "seed " << seed;
    EXPECT_GE(FreeBinaries(*b), target * 7 / 10) << "seed " << seed;
    EXPECT_LT(FreeBinaries(*b), FreeBinaries(*a));
    EXPECT_TRUE(WithinWindows(*b, center->schedule));
  }
}

// A fake seam: windows that fix every node but one.
class OneNodeWindows final : public WindowPolicy {
 public:
  using WindowPolicy::Open;
  std::string name() const override { return "fake"; }
  StatusOr<Windows> Open(const Problem&, const Windows& hard, const Schedule& center, int,
                         const RoundHistory&) const override {
    ++calls;
    Windows w = WindowsAround(hard, center, 0);
    w.lo[0] = hard.lo[0];
    w.hi[0] = hard.hi[0];
    return w;
  }
  mutable int calls = 0;
};

TEST(TwoPhaseWindows, TheSeamDecidesWhatCbcMayMove) {
  Problem p = RandomProblem(3, 40, 4);
  auto center = DpTopoScheduler().Run(p);
  ASSERT_TRUE(center.ok());
  TwoPhaseOptions o;
  o.exact.time_limit_s = 20;
  o.strong_start = false;
  TwoPhaseScheduler tp(o);
  auto fake = std::make_shared<OneNodeWindows>();
  tp.set_window_policy(fake);
  auto r = tp.RunFrom(p, center->schedule);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GE(fake->calls, 1);
  const Evaluation e = Evaluate(p, r->schedule);
  ASSERT_TRUE(e.feasible) << e.violation;
  EXPECT_DOUBLE_EQ(r->objective, e.objective);
  for (int v = 1; v < p.g().size(); ++v) EXPECT_EQ(r->schedule.stage[v], center->schedule.stage[v]) << v;
  EXPECT_FALSE(r->stats.two_phase.learned_windows.value());
}

TEST(TwoPhaseWindows, LearnedRandomAndShippedRunAndAreFeasible) {
  Problem p = RandomProblem(6, 40, 4);
  for (const char* weights : {"random", "default"}) {
    TwoPhaseOptions o;
    o.exact.time_limit_s = 3;
    o.windows = WindowMode::kLearned;
    o.window_weights = weights;
    o.rl.weights = "random";
    auto r = TwoPhaseScheduler(o).Run(p);
    ASSERT_TRUE(r.ok()) << weights << ": " << r.status().message();
    const Evaluation e = Evaluate(p, r->schedule);
    ASSERT_TRUE(e.feasible) << e.violation;
    EXPECT_DOUBLE_EQ(r->objective, e.objective);
    EXPECT_TRUE(r->stats.two_phase.learned_windows.value());
  }
}

TEST(WindowSwitches, ConfigKeysReachTwoPhaseAndBadValuesAreRefused) {
  test_refusal::ExpectRefused({"policy: {windows: wide}\n", "policy.windows"}, ParseYaml);
  auto good = ParseConfig("policy: {windows: learned, weights: random, seed: 9}\n", "t.yaml");
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(good->policy.windows, "learned");
  EXPECT_EQ(good->policy.seed, 9);
  Problem p = RandomProblem(2, 30, 3);
  for (const char* method : {"rl", "two_phase"}) {
    auto r = ScheduleWithMethod(p, method, *good);
    ASSERT_TRUE(r.ok()) << method << ": " << r.status().message();
    EXPECT_TRUE(Evaluate(p, r->schedule).feasible);
  }
}

TEST(LearnedWindows, HistoryMovesTheNeighbourhood) {
  // With the same center, a node the last rounds opened yields to nodes they
  // did not: two rounds open different windows.
  auto net = LoadWindowNet("default", 1);
  ASSERT_TRUE(net.ok()) << net.status().message();
  LearnedWindows learned(*net, 0.25);
  Problem p = RandomProblem(5, 120, 6);
  auto center = DpTopoScheduler().Run(p);
  ASSERT_TRUE(center.ok());
  const Windows hard = FullWindows(p);
  RoundHistory h;
  auto first = learned.Open(p, hard, center->schedule, 1, h);
  ASSERT_TRUE(first.ok());
  h.Record(*first);
  auto second = learned.Open(p, hard, center->schedule, 1, h);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(WithinWindows(*second, center->schedule));
  int reopened = 0, open = 0;
  for (int v = 0; v < p.g().size(); ++v) {
    if (second->hi[v] == second->lo[v]) continue;
    ++open;
    reopened += first->hi[v] > first->lo[v] ? 1 : 0;
  }
  ASSERT_GT(open, 0);
  EXPECT_LT(reopened, open) << "the second round opens at least one node the first did not";
  // A larger scale spends more binaries.
  h.scale = 2;
  auto larger = learned.Open(p, hard, center->schedule, 1, h);
  ASSERT_TRUE(larger.ok());
  EXPECT_GT(FreeBinaries(*larger), FreeBinaries(*second));
}

using NextStep = TwoPhaseScheduler::NextStep;

TEST(NextRound, UniformWindowsRecentreOnAGainAndRepeatAStallOnce) {
  TwoPhaseOptions o;  // max_widen 3, no widen_to_limit
  TwoPhaseScheduler::RoundState s;
  s.w = s.w_max = 1;
  EXPECT_EQ(TwoPhaseScheduler::NextRound({true, true, false}, o, false, &s), NextStep::kRecentre);
  EXPECT_EQ(s.closed, 1);
  EXPECT_EQ(TwoPhaseScheduler::NextRound({true, false, true}, o, false, &s), NextStep::kSameCenter);
  EXPECT_TRUE(s.last_chance);
  EXPECT_EQ(TwoPhaseScheduler::NextRound({true, false, true}, o, false, &s), NextStep::kStop);
  TwoPhaseScheduler::RoundState t;
  t.w = t.w_max = 1;
  EXPECT_EQ(TwoPhaseScheduler::NextRound({true, false, false}, o, false, &t), NextStep::kStop);
  EXPECT_EQ(TwoPhaseScheduler::NextRound({false, false, false}, o, false, &t), NextStep::kStop);
  TwoPhaseScheduler::RoundState v;
  v.w = v.w_max = 1;
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(TwoPhaseScheduler::NextRound({true, true, false}, o, false, &v), NextStep::kRecentre) << i;
  EXPECT_EQ(TwoPhaseScheduler::NextRound({true, true, false}, o, false, &v), NextStep::kStop) << "max_widen";
  o.widen_to_limit = true;
  TwoPhaseScheduler::RoundState u;
  u.w = 1;
  u.w_max = 3;
  EXPECT_EQ(TwoPhaseScheduler::NextRound({true, false, false}, o, false, &u), NextStep::kSameCenter);
  EXPECT_EQ(u.w, 2);
}

TEST(NextRound, LearnedLnsGrowsAfterALocalOptimumAndShrinksAfterAStall) {
  TwoPhaseOptions o;
  TwoPhaseScheduler::RoundState s;
  s.w = s.w_max = 1;
  EXPECT_EQ(TwoPhaseScheduler::NextRound({true, false, true}, o, true, &s), NextStep::kSameCenter);
  EXPECT_DOUBLE_EQ(s.scale, 0.5);
  EXPECT_EQ(TwoPhaseScheduler::NextRound({true, true, true}, o, true, &s), NextStep::kRecentre);
  EXPECT_EQ(s.idle, 0);
  EXPECT_DOUBLE_EQ(s.scale, 0.5) << "a gain keeps the size";
  NextStep last = NextStep::kSameCenter;
  int rounds = 0;
  while (last == NextStep::kSameCenter && rounds < 100) {
    last = TwoPhaseScheduler::NextRound({true, false, false}, o, true, &s);
    ++rounds;
  }
  EXPECT_EQ(last, NextStep::kUniform) << "locally optimal at every size: uniform windows take over";
  EXPECT_EQ(rounds, 6);  // 0.5 -> 1 -> 2 -> 4 -> 8 -> 16 -> 32 > kMaxScale
  for (int i = 0; i < 100 && last != NextStep::kStop; ++i)
    last = TwoPhaseScheduler::NextRound({true, false, true}, o, true, &s);
  EXPECT_EQ(last, NextStep::kStop) << "kMaxIdleRounds stalled rounds in a row end the rounds";
  EXPECT_DOUBLE_EQ(s.scale, TwoPhaseScheduler::kMinScale);
}

TEST(WindowSwitches, WindowGroupReachesTwoPhaseAndIsBounded) {
  test_refusal::ExpectRefused({"policy: {window_group: -1}\n", "policy.window_group"}, ParseYaml);
  auto good = ParseConfig("policy: {windows: learned, window_group: 8, window_budget: 0.25}\n", "t.yaml");
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(good->policy.window_group, 8);
  Problem p = RandomProblem(4, 60, 4);
  auto r = ScheduleWithMethod(p, "two_phase", *good);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Evaluation e = Evaluate(p, r->schedule);
  ASSERT_TRUE(e.feasible) << e.violation;
  EXPECT_DOUBLE_EQ(r->objective, e.objective);
  EXPECT_TRUE(r->stats.two_phase.learned_windows.value());
}

}  // namespace
}  // namespace respect
