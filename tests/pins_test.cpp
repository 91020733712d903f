// constraints.pin (cost/pins.h): resolution and refusals, the conflicts seen
// without solving, evaluate()'s check, the pin-consistent order and cut
// ranges, and every method honouring the pins (exact against brute force).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "config/config.h"
#include "cost/evaluate.h"
#include "cost/pins.h"
#include "formulations/schedule_ilp.h"
#include "sched/brute_force.h"
#include "sched/heuristic.h"
#include "sched/registry.h"
#include "sched/split.h"
#include "constraint_checks.h"
#include "test_graphs.h"

namespace respect {
namespace {

using test_graphs::BuildGraph;
using test_graphs::N;
using test_graphs::StagesProblem;

// a(4) -> b(1) -> d(4), a -> c(2) -> d, d -> e(3): a diamond and a tail.
std::shared_ptr<const Graph> Diamond() {
  return BuildGraph("diamond", {N("a", 4, 2), N("b", 1, 1), N("c", 2, 3), N("d", 4, 1), N("e", 3, 1)},
                    {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}, {"d", "e"}});
}

Problem Pinned(std::shared_ptr<const Graph> g, int stages, std::map<std::string, int> pins) {
  Problem p = StagesProblem(std::move(g), stages);
  p.constraints.pin = std::move(pins);
  return p;
}

// The independent check: every pinned name's node (by name) sits in its stage.
void ExpectPinsKept(const Problem& p, const Schedule& s, const std::string& what) {
  ASSERT_EQ(static_cast<int>(s.stage.size()), p.g().size()) << what;
  for (const auto& [name, stage] : p.constraints.pin) {
    int v = -1;
    for (int u = 0; u < p.g().size(); ++u)
      if (p.g().node(u).name == name) v = u;
    ASSERT_GE(v, 0) << what << ": " << name;
    EXPECT_EQ(s.stage[v], stage) << what << ": pin " << name;
  }
}

bool OneLine(const std::string& s) { return !s.empty() && s.find('\n') == std::string::npos; }

TEST(Pins, ResolveByNameThenId) {
  auto g = BuildGraph("g", {N("x"), N("y")}, {{"x", "y"}});
  Problem p = Pinned(g, 2, {{"y", 1}});
  auto r = ResolvePins(p);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, (std::vector<int>{-1, 1}));
  EXPECT_TRUE(PinnedStages(StagesProblem(g, 2)).empty());
}

TEST(Pins, BadPinsAreOneLineErrorsNamingThePin) {
  auto g = Diamond();
  auto unknown = Pinned(g, 3, {{"dd", 1}}).Validate();
  EXPECT_FALSE(unknown.ok());
  EXPECT_TRUE(OneLine(unknown.message()));
  EXPECT_NE(unknown.message().find("constraints.pin: 'dd'"), std::string::npos) << unknown.message();
  EXPECT_NE(unknown.message().find("did you mean 'd'"), std::string::npos) << unknown.message();
  auto range = Pinned(g, 3, {{"b", 3}}).Validate();
  EXPECT_FALSE(range.ok());
  EXPECT_NE(range.message().find("'b': stage 3 is outside 0..2"), std::string::npos) << range.message();
  EXPECT_TRUE(OneLine(range.message()));
  auto negative = Pinned(g, 3, {{"b", -1}}).Validate();
  EXPECT_FALSE(negative.ok());
  // Two nodes of one name: the pin must use an id.
  std::vector<Node> nodes = {N("p"), N("q")};
  nodes[0].name = nodes[1].name = "same";
  auto same = Pinned(BuildGraph("twins", nodes, {}), 2, {{"same", 0}}).Validate();
  EXPECT_FALSE(same.ok());
  EXPECT_NE(same.message().find("several nodes"), std::string::npos) << same.message();
  EXPECT_TRUE(Pinned(BuildGraph("twins", nodes, {}), 2, {{"q", 1}}).Validate().ok());
}

TEST(Pins, ConflictsWithPrecedenceAndNonEmptyStagesNameThePins) {
  auto g = Diamond();
  // a is an ancestor of e: a at 2, e at 1 cannot be.
  Problem back = Pinned(g, 3, {{"a", 2}, {"e", 1}});
  ASSERT_TRUE(back.Validate().ok());
  const std::string why = back.NoScheduleReason();
  EXPECT_TRUE(OneLine(why)) << why;
  EXPECT_NE(why.find("node 'a' (stage 2) is an ancestor of node 'e' (stage 1)"), std::string::npos) << why;
  // Through an unpinned middle: b at 2 and d at 1 (b -> d).
  EXPECT_NE(Pinned(g, 3, {{"b", 2}, {"d", 1}}).NoScheduleReason().find("ancestor"), std::string::npos);
  // d at 0 puts a, b, c, d in stage 0: stages 1..3 have only e.
  Problem crowd = Pinned(g, 4, {{"d", 0}});
  const std::string empty = crowd.NoScheduleReason();
  EXPECT_TRUE(OneLine(empty)) << empty;
  EXPECT_NE(empty.find("stages 1..2 need 2 operator nodes, but only 1"), std::string::npos) << empty;
  EXPECT_NE(empty.find("node 'd' (stage 0)"), std::string::npos) << empty;
  // Without the non-empty rule the same pin is fine.
  crowd.constraints.nonempty_stages = false;
  EXPECT_EQ(crowd.NoScheduleReason(), "");
  // Satisfiable pins say nothing.
  EXPECT_EQ(Pinned(g, 3, {{"a", 0}, {"e", 2}}).NoScheduleReason(), "");
}

TEST(Pins, EvaluateNamesTheFirstBrokenPin) {
  Problem p = Pinned(Diamond(), 3, {{"c", 1}});
  Schedule s{{0, 1, 1, 1, 2}};  // a b c d e
  EXPECT_TRUE(Evaluate(p, s).feasible);
  s.stage = {0, 0, 0, 1, 2};
  const Evaluation ev = Evaluate(p, s);
  EXPECT_FALSE(ev.feasible);
  EXPECT_EQ(ev.violation, "node 'c' is pinned to stage 1 but is in stage 0 (constraints.pin)");
  EXPECT_GT(ev.objective, 0);  // the figures are still filled
}

TEST(Pins, ConsistentOrderIsTopologicalAndSortsThePins) {
  // b and c are independent: the order a b c d e lists c (stage 0) after b (stage 1).
  Problem p = Pinned(Diamond(), 3, {{"b", 1}, {"c", 0}});
  const std::vector<int> order = p.g().topo_order();
  const std::vector<int> fixed = PinConsistentOrder(p, order);
  EXPECT_TRUE(p.g().IsTopologicalOrder(fixed));
  std::vector<int> pos(fixed.size());
  for (size_t i = 0; i < fixed.size(); ++i) pos[fixed[i]] = static_cast<int>(i);
  EXPECT_LT(pos[2], pos[1]);  // c before b
  // An order that already lists them by stage is kept as it is.
  EXPECT_EQ(PinConsistentOrder(Pinned(Diamond(), 3, {{"c", 1}}), order), order);
  const PinCuts cuts = ComputePinCuts(p, fixed);
  EXPECT_EQ(cuts.max_pin, 1);
  EXPECT_TRUE(cuts.EndOk(1, pos[1]));       // stage 1 may start at b
  EXPECT_FALSE(cuts.EndOk(1, pos[2]));      // not before c
  EXPECT_FALSE(cuts.EndOk(1, pos[1] + 1));  // nor after b
  EXPECT_FALSE(cuts.EndOk(1, 5));           // one segment cannot hold both
}

TEST(Pins, WindowsFixPinnedNodesAndBoundTheirRelatives) {
  Problem p = Pinned(Diamond(), 4, {{"c", 2}});
  p.constraints.nonempty_stages = false;
  const Windows w = FullWindows(p);
  EXPECT_EQ(w.lo[2], 2);
  EXPECT_EQ(w.hi[2], 2);
  EXPECT_EQ(w.hi[0], 2);  // a, its ancestor, by 2
  EXPECT_EQ(w.lo[3], 2);  // d, its descendant, from 2
  EXPECT_EQ(w.lo[4], 2);
  EXPECT_EQ(w.lo[1], 0);  // b, unrelated
  EXPECT_EQ(w.hi[1], 3);
}

// --- every method keeps its pins.

using constraint_checks::HasSchedule;
using constraint_checks::SmallConfig;
const std::vector<std::string>& kMethods = constraint_checks::AllMethods();

TEST(Pins, EveryMethodKeepsThePinsOnTheDiamond) {
  // The unpinned optimum puts b and c together; pin them apart, and d late.
  const Problem p = Pinned(Diamond(), 3, {{"b", 0}, {"c", 1}, {"e", 2}});
  auto bf = BruteForceScheduler().Run(p);
  ASSERT_TRUE(bf.ok());
  ASSERT_EQ(bf->status, SolveStatus::kOptimal);
  for (const std::string& m : kMethods) {
    auto r = ScheduleWithMethod(p, m, SmallConfig());
    ASSERT_TRUE(r.ok()) << m << ": " << r.status().message();
    ASSERT_TRUE(HasSchedule(*r)) << m << ": " << r->message;
    EXPECT_TRUE(Evaluate(p, r->schedule).feasible) << m;
    ExpectPinsKept(p, r->schedule, m);
    EXPECT_GE(r->objective, bf->objective - 1e-9) << m;
    if (m == "exact") {
      EXPECT_DOUBLE_EQ(r->objective, bf->objective);
    }
  }
}

// Random graphs of 9 nodes on 3 stages with 1..3 random pins: exact (both
// engines) matches brute force, feasible or not; every method's schedule
// keeps the pins; the split methods find a schedule on most feasible ones.
TEST(Pins, RandomPinsAgainstBruteForce) {
  std::mt19937_64 rng(2024);
  int feasible = 0, infeasible = 0;
  std::map<std::string, int> found;
  for (int t = 0; t < 40; ++t) {
    auto g = test_graphs::RandomGraph(rng, 9, 2, "pins" + std::to_string(t));
    Problem p = StagesProblem(g, 3);
    p.constraints.nonempty_stages = t % 4 != 3;
    const int pins = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < pins; ++i)
      p.constraints.pin["n" + std::to_string(rng() % 9)] = static_cast<int>(rng() % 3);
    const std::string what = "graph " + std::to_string(t);
    auto bf = BruteForceScheduler().Run(p);
    ASSERT_TRUE(bf.ok()) << what;
    if (bf->status != SolveStatus::kOptimal) {
      ++infeasible;
      EXPECT_EQ(bf->status, SolveStatus::kInfeasible) << what;
    } else {
      ++feasible;
      ExpectPinsKept(p, bf->schedule, what + " brute force");
    }
    for (const char* engine : {"auto", "lattice", "cbc_direct"}) {
      Config c = SmallConfig();
      ASSERT_TRUE(ApplyOverride(&c, "solver.engine", engine).ok());
      auto ex = ScheduleWithMethod(p, "exact", c);
      ASSERT_TRUE(ex.ok()) << what << " " << engine << ": " << ex.status().message();
      if (bf->status != SolveStatus::kOptimal) {
        EXPECT_EQ(ex->status, SolveStatus::kInfeasible) << what << " " << engine;
        continue;
      }
      ASSERT_EQ(ex->status, SolveStatus::kOptimal) << what << " " << engine << ": " << ex->message;
      EXPECT_NEAR(ex->objective, bf->objective, 1e-6 * bf->objective) << what << " " << engine;
      ExpectPinsKept(p, ex->schedule, what + " exact " + engine);
    }
    if (bf->status != SolveStatus::kOptimal) continue;
    for (const std::string& m : kMethods) {
      auto r = ScheduleWithMethod(p, m, SmallConfig());
      ASSERT_TRUE(r.ok()) << what << " " << m << ": " << r.status().message();
      if (!HasSchedule(*r)) continue;
      ++found[m];
      EXPECT_TRUE(Evaluate(p, r->schedule).feasible) << what << " " << m;
      ExpectPinsKept(p, r->schedule, what + " " + m);
      EXPECT_GE(r->objective, bf->objective * (1 - 1e-9)) << what << " " << m;
    }
  }
  EXPECT_GE(feasible, 15);
  EXPECT_GE(infeasible, 3);
  for (const std::string& m : kMethods) EXPECT_GE(found[m], feasible * 3 / 4) << m << " of " << feasible;
}

// Pinning nodes where the unpinned optimum has them changes nothing.
TEST(Pins, PinsTheOptimumAlreadyKeepsLeaveTheObjective) {
  std::mt19937_64 rng(77);
  for (int t = 0; t < 8; ++t) {
    auto g = test_graphs::RandomGraph(rng, 10, 3, "keep" + std::to_string(t));
    Problem p = StagesProblem(g, 3);
    auto free_run = ScheduleWithMethod(p, "exact", SmallConfig());
    ASSERT_TRUE(free_run.ok());
    ASSERT_EQ(free_run->status, SolveStatus::kOptimal);
    for (int v = t % 3; v < g->size(); v += 3) p.constraints.pin[g->node(v).name] = free_run->schedule.stage[v];
    auto pinned = ScheduleWithMethod(p, "exact", SmallConfig());
    ASSERT_TRUE(pinned.ok());
    ASSERT_EQ(pinned->status, SolveStatus::kOptimal);
    EXPECT_DOUBLE_EQ(pinned->objective, free_run->objective) << t;
    ExpectPinsKept(p, pinned->schedule, "keep " + std::to_string(t));
  }
}

// The cap on a stage's parameters holds for every method too.
TEST(Pins, EveryMethodKeepsTheStageCap) {
  std::mt19937_64 rng(5);
  int heuristic_found = 0;
  for (int t = 0; t < 10; ++t) {
    auto g = test_graphs::RandomGraph(rng, 10, 2, "cap" + std::to_string(t));
    Problem p = StagesProblem(g, 3);
    auto free_run = BruteForceScheduler().Run(p);
    ASSERT_TRUE(free_run.ok());
    ASSERT_EQ(free_run->status, SolveStatus::kOptimal);
    // Below the unconstrained equal split's heaviest stage (so it must cut
    // elsewhere), not below the optimum's.
    auto equal = ScheduleWithMethod(p, "heuristic", SmallConfig());
    ASSERT_TRUE(equal.ok());
    ASSERT_TRUE(HasSchedule(*equal));
    const int64_t opt_peak = free_run->eval.max_stage_param_bytes;
    p.constraints.max_stage_param_bytes = std::max(opt_peak, equal->eval.max_stage_param_bytes - 1024);
    for (const std::string& m : kMethods) {
      auto r = ScheduleWithMethod(p, m, SmallConfig());
      ASSERT_TRUE(r.ok()) << m << ": " << r.status().message();
      if (m == "exact") {
        ASSERT_TRUE(HasSchedule(*r)) << t << " " << m << ": " << r->message;
      }
      if (!HasSchedule(*r)) continue;
      if (m == "heuristic" && p.constraints.max_stage_param_bytes < equal->eval.max_stage_param_bytes)
        ++heuristic_found;
      for (int64_t bytes : r->eval.stage_param_bytes) EXPECT_LE(bytes, p.constraints.max_stage_param_bytes) << m;
    }
  }
  EXPECT_GE(heuristic_found, 2);  // it cuts under a cap its plain rule breaks
}

TEST(Pins, HeuristicCutsAroundThePins) {
  // A chain of equal nodes: the equal split of 6 on 3 stages is 2 | 2 | 2;
  // pinning the fourth node to stage 2 moves the second cut before it.
  auto g = BuildGraph("chain", {N("0", 1), N("1", 1), N("2", 1), N("3", 1), N("4", 1), N("5", 1)},
                      {{"0", "1"}, {"1", "2"}, {"2", "3"}, {"3", "4"}, {"4", "5"}});
  Problem p = Pinned(g, 3, {{"3", 2}});
  auto s = EqualParamSplit(p, g->topo_order());
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->found) << s->why;
  EXPECT_EQ(s->schedule.stage, (std::vector<int>{0, 0, 1, 2, 2, 2}));
  // A cap of 2 with the pin leaves no room: 0 1 | 2 | 3 4 5 is too heavy.
  p.constraints.max_stage_param_bytes = 2;
  s = EqualParamSplit(p, g->topo_order());
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->found);
}

TEST(Pins, SplitHonoursPinsOrSaysWhy) {
  Problem p = Pinned(Diamond(), 3, {{"b", 1}, {"c", 0}});
  const std::vector<int> order = p.g().topo_order();  // a b c d e: b before c
  auto bad = OptimalSplit(p, order);
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->found);
  EXPECT_NE(bad->why.find("constraints.pin"), std::string::npos) << bad->why;
  auto good = OptimalSplit(p, PinConsistentOrder(p, order));
  ASSERT_TRUE(good.ok());
  ASSERT_TRUE(good->found) << good->why;
  ExpectPinsKept(p, good->schedule, "split");
  auto brute = BruteForceSplit(p, PinConsistentOrder(p, order));
  ASSERT_TRUE(brute.ok());
  ASSERT_TRUE(brute->found);
  EXPECT_DOUBLE_EQ(Evaluate(p, good->schedule).objective, Evaluate(p, brute->schedule).objective);
}

}  // namespace
}  // namespace respect
