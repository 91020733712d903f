// Activation memory (cost/activation.h): the peak per stage on hand-computed
// graphs and against a direct transcription of the definition, the
// segment tables the splits use, the refusal of a cap below a node's own
// step, and every method keeping constraints.max_stage_activation_bytes
// (checked by evaluate() and by the transcription; exact against brute force).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "config/config.h"
#include "cost/activation.h"
#include "cost/evaluate.h"
#include "exact_checks.h"
#include "sched/brute_force.h"
#include "sched/registry.h"
#include "sched/split.h"
#include "constraint_checks.h"
#include "test_graphs.h"

namespace respect {
namespace {

using test_graphs::BuildGraph;
using test_graphs::N;
using test_graphs::StagesProblem;

// The definition of docs/design.md read literally, step by step, tensor by
// tensor (O(n^2 E)); shares no code with cost/activation.cpp.
std::vector<int64_t> NaivePeaks(const Graph& g, const std::vector<int>& st, int stages) {
  std::vector<int64_t> peak(stages, 0);
  std::vector<int> step(g.size(), -1);
  for (int k = 0; k < stages; ++k) {
    std::vector<int> runs;
    for (int v : g.topo_order())
      if (st[v] == k) { step[v] = static_cast<int>(runs.size()); runs.push_back(v); }
    for (int t = 0; t < static_cast<int>(runs.size()); ++t) {
      int64_t sum = 0;
      for (int u = 0; u < g.size(); ++u) {
        bool read_here_later = false, read_later_stage = false;
        for (int c : g.children(u)) {
          read_here_later = read_here_later || (st[c] == k && step[c] >= t);
          read_later_stage = read_later_stage || st[c] > k;
        }
        const bool own = st[u] == k && step[u] <= t &&
                         (runs[t] == u || read_here_later || read_later_stage);
        const bool incoming = st[u] < k && read_here_later;
        if (own || incoming) sum += g.node(u).output_bytes;
      }
      peak[k] = std::max(peak[k], sum);
    }
  }
  return peak;
}

// a -> b -> d, a -> c -> d, d -> e; outputs 8, 4, 6, 2, 1 bytes.
std::shared_ptr<const Graph> Diamond() {
  return BuildGraph("diamond", {N("a", 4, 8), N("b", 1, 4), N("c", 2, 6), N("d", 4, 2), N("e", 3, 1)},
                    {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}, {"d", "e"}});
}

TEST(Activation, PeaksOfTheDiamondByHand) {
  auto g = Diamond();
  // One stage, run a b c d e: at c, a (read by c), b (read by d) and c: 18.
  EXPECT_EQ(StageActivationBytes(*g, {0, 0, 0, 0, 0}, 1), (std::vector<int64_t>{18}));
  // a b | c d e: a and b leave stage 0 (live to its end: 12); c reads the
  // incoming a and b: 8 + 4 + 6.
  EXPECT_EQ(StageActivationBytes(*g, {0, 0, 1, 1, 1}, 2), (std::vector<int64_t>{12, 18}));
  // a b | c | d e: b only passes through stage 1 (not counted): 8 + 6 there;
  // d reads b and c: 4 + 6 + 2.
  EXPECT_EQ(StageActivationBytes(*g, {0, 0, 1, 2, 2}, 3), (std::vector<int64_t>{12, 14, 12}));
  // An empty stage holds nothing.
  EXPECT_EQ(StageActivationBytes(*g, {0, 0, 0, 0, 0}, 2), (std::vector<int64_t>{18, 0}));
  EXPECT_EQ(RunFloorBytes(*g, 2), 14);  // c with a
  EXPECT_EQ(RunFloorBytes(*g, 3), 12);  // d with b and c
  Problem p = StagesProblem(g, 3);
  const Evaluation ev = Evaluate(p, Schedule{{0, 0, 1, 2, 2}});
  EXPECT_EQ(ev.stage_activation_bytes, (std::vector<int64_t>{12, 14, 12}));
  EXPECT_EQ(ev.max_stage_activation_bytes, 14);
}

TEST(Activation, EvaluateNamesAStageOverTheCap) {
  Problem p = StagesProblem(Diamond(), 3);
  p.constraints.max_stage_activation_bytes = 13;
  const Evaluation ev = Evaluate(p, Schedule{{0, 0, 1, 2, 2}});
  EXPECT_FALSE(ev.feasible);
  EXPECT_EQ(ev.violation, "stage 1 holds 14 activation bytes at its peak, above max_stage_activation_bytes 13");
  EXPECT_GT(ev.objective, 0);  // the figures are still filled
  p.constraints.max_stage_activation_bytes = 14;
  EXPECT_TRUE(Evaluate(p, Schedule{{0, 0, 1, 2, 2}}).feasible);
}

TEST(Activation, CapBelowANodesOwnStepIsRefusedInOneLine) {
  Problem p = StagesProblem(Diamond(), 3);
  p.constraints.max_stage_activation_bytes = 13;  // c with its input a needs 14
  const std::string why = p.NoScheduleReason();
  EXPECT_EQ(why, "max_stage_activation_bytes 13 is below node 'c' with its inputs (14 bytes live while it runs)");
  p.constraints.max_stage_activation_bytes = 14;
  EXPECT_EQ(p.NoScheduleReason(), "");
  p.constraints.max_stage_activation_bytes = 0;
  EXPECT_EQ(p.NoScheduleReason(), "");
}

TEST(Activation, PeaksMatchTheDefinitionOnRandomSchedules) {
  std::mt19937_64 rng(11);
  for (int t = 0; t < 60; ++t) {
    auto g = test_graphs::RandomGraph(rng, 12, 3, "r" + std::to_string(t), test_graphs::ByteSizes(50, 100));
    const int S = 1 + t % 4;
    // A random monotone schedule: stages non-decreasing along a random order.
    const std::vector<int> order = test_graphs::RandomTopoOrder(rng, *g);
    std::vector<int> st(g->size());
    int k = 0;
    for (int v : order) {
      if (k + 1 < S && rng() % 3 == 0) ++k;
      st[v] = k;
    }
    EXPECT_EQ(StageActivationBytes(*g, st, S), NaivePeaks(*g, st, S)) << t;
  }
}

// Every segment of the run order and of random orders, against the
// definition applied to the segment as a stage.
TEST(Activation, SegmentTablesMatchTheDefinition) {
  std::mt19937_64 rng(12);
  int fitting = 0, not_fitting = 0;
  for (int t = 0; t < 30; ++t) {
    auto g = test_graphs::RandomGraph(rng, 11, 3, "s" + std::to_string(t), test_graphs::ByteSizes(50, 100));
    Problem p = StagesProblem(g, 3);
    const bool run_order = t % 2 == 0;
    const std::vector<int> order = run_order ? g->topo_order() : test_graphs::RandomTopoOrder(rng, *g);
    int64_t floor = 0;
    for (int v = 0; v < g->size(); ++v) floor = std::max(floor, RunFloorBytes(*g, v));
    p.constraints.max_stage_activation_bytes = floor + static_cast<int64_t>(rng() % 150);
    const SegmentActivationFits fits(p, order);
    EXPECT_EQ(fits.staircase(), order == g->topo_order()) << t;
    const int n = g->size();
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j <= n; ++j) {
        // The segment as stage 1, what comes before as stage 0, the rest stage 2.
        std::vector<int> st(n);
        for (int q = 0; q < n; ++q) st[order[q]] = q < i ? 0 : (q < j ? 1 : 2);
        const bool fit = NaivePeaks(*g, st, 3)[1] <= p.constraints.max_stage_activation_bytes;
        ASSERT_EQ(fits.Fits(i, j), fit) << t << " [" << i << ", " << j << ")";
        (fit ? fitting : not_fitting)++;
        if (fits.staircase()) {
          EXPECT_EQ(fit, j <= fits.MaxEnd(i)) << t;
          EXPECT_EQ(fit, i >= fits.MinStart(j)) << t;
        }
      }
  }
  EXPECT_GT(fitting, 100);
  EXPECT_GT(not_fitting, 100);
}

// A budget too small for every end: segments beyond it do not fit (never
// wrongly fit).
TEST(Activation, SegmentBudgetOnlyLosesSegments) {
  std::mt19937_64 rng(13);
  auto g = test_graphs::RandomGraph(rng, 11, 3, "b", test_graphs::ByteSizes(50, 100));
  Problem p = StagesProblem(g, 3);
  p.constraints.max_stage_activation_bytes = 1000000;
  const std::vector<int> order = test_graphs::RandomTopoOrder(rng, *g);
  if (order == g->topo_order()) GTEST_SKIP();
  const SegmentActivationFits fits(p, order, 3 * g->size());
  EXPECT_TRUE(fits.Fits(0, 3));
  EXPECT_FALSE(fits.Fits(0, 4));
}

// --- every method keeps the cap.

using constraint_checks::HasSchedule;
using constraint_checks::SmallConfig;
const std::vector<std::string>& kMethods = constraint_checks::AllMethods();

void ExpectCapKept(const Problem& p, const ScheduleResult& r, const std::string& what) {
  const Evaluation ev = Evaluate(p, r.schedule);
  EXPECT_TRUE(ev.feasible) << what << ": " << ev.violation;
  for (int64_t a : NaivePeaks(p.g(), r.schedule.stage, p.stages))
    EXPECT_LE(a, p.constraints.max_stage_activation_bytes) << what;
}

TEST(Activation, EveryMethodKeepsTheCapOnTheDiamond) {
  // Cap 17: c's step holds a and c (14), and b too (18) when b runs before
  // c in its stage or comes in for d there. Every split in two has one of
  // these; three stages can keep b away from c (a b | c | d e).
  Problem p = StagesProblem(Diamond(), 2);
  p.constraints.max_stage_activation_bytes = 17;
  ASSERT_EQ(p.NoScheduleReason(), "");
  auto bf = BruteForceScheduler().Run(p);
  ASSERT_TRUE(bf.ok());
  EXPECT_EQ(bf->status, SolveStatus::kInfeasible);
  for (const std::string& m : kMethods) {
    auto r = ScheduleWithMethod(p, m, SmallConfig());
    ASSERT_TRUE(r.ok()) << m << ": " << r.status().message();
    EXPECT_FALSE(HasSchedule(*r)) << m;
    if (m == "exact" || m == "dp_topo") {
      EXPECT_EQ(r->status, SolveStatus::kInfeasible) << m;
      EXPECT_NE(r->message.find("max_stage_activation_bytes"), std::string::npos) << m << ": " << r->message;
    }
  }
  p.stages = 3;
  bf = BruteForceScheduler().Run(p);
  ASSERT_TRUE(bf.ok());
  ASSERT_EQ(bf->status, SolveStatus::kOptimal);
  for (const std::string& m : kMethods) {
    auto r = ScheduleWithMethod(p, m, SmallConfig());
    ASSERT_TRUE(r.ok()) << m << ": " << r.status().message();
    if (m == "exact" || m == "dp_topo" || m == "two_phase") {
      ASSERT_TRUE(HasSchedule(*r)) << m << ": " << r->message;
    }
    if (!HasSchedule(*r)) continue;
    ExpectCapKept(p, *r, m);
    if (m == "exact") {
      EXPECT_DOUBLE_EQ(r->objective, bf->objective);
    }
  }
}

// Random graphs of 10 nodes on 3 stages, the cap between the largest node
// step and the unconstrained optimum's peak: exact (auto and lattice
// engines) matches brute force, every method's schedule keeps the cap.
TEST(Activation, RandomCapsAgainstBruteForce) {
  std::mt19937_64 rng(2026);
  int feasible = 0, infeasible = 0, binding = 0;
  std::map<std::string, int> found;
  for (int t = 0; t < 16; ++t) {
    auto g = test_graphs::RandomGraph(rng, 10, 3, "act" + std::to_string(t));
    Problem p = StagesProblem(g, 3);
    auto free_run = BruteForceScheduler().Run(p);
    ASSERT_TRUE(free_run.ok());
    ASSERT_EQ(free_run->status, SolveStatus::kOptimal);
    int64_t floor = 0;
    for (int v = 0; v < g->size(); ++v) floor = std::max(floor, RunFloorBytes(*g, v));
    const int64_t free_peak = free_run->eval.max_stage_activation_bytes;
    p.constraints.max_stage_activation_bytes = floor + (free_peak - floor) * static_cast<int64_t>(t % 3) / 3;
    if (p.constraints.max_stage_activation_bytes < free_peak) ++binding;
    const std::string what = "graph " + std::to_string(t);
    auto bf = BruteForceScheduler().Run(p);
    ASSERT_TRUE(bf.ok()) << what;
    const bool ok = bf->status == SolveStatus::kOptimal;
    (ok ? feasible : infeasible)++;
    if (ok) ExpectCapKept(p, *bf, what + " brute force");
    for (const char* engine : {"auto", "lattice"}) {  // both hand the cap to the ILP
      Config c = SmallConfig();
      ASSERT_TRUE(ApplyOverride(&c, "solver.engine", engine).ok());
      auto ex = ScheduleWithMethod(p, "exact", c);
      ASSERT_TRUE(ex.ok()) << what << " " << engine << ": " << ex.status().message();
      if (!ok) {
        EXPECT_EQ(ex->status, SolveStatus::kInfeasible) << what << " " << engine;
        continue;
      }
      ASSERT_EQ(ex->status, SolveStatus::kOptimal) << what << " " << engine << ": " << ex->message;
      EXPECT_NEAR(ex->objective, bf->objective, 1e-6 * bf->objective) << what << " " << engine;
      ExpectCapKept(p, *ex, what + " exact " + engine);
    }
    if (!ok) continue;
    for (const std::string& m : kMethods) {
      auto r = ScheduleWithMethod(p, m, SmallConfig());
      ASSERT_TRUE(r.ok()) << what << " " << m << ": " << r.status().message();
      if (!HasSchedule(*r)) continue;
      ++found[m];
      ExpectCapKept(p, *r, what + " " + m);
      EXPECT_GE(r->objective, bf->objective * (1 - 1e-9)) << what << " " << m;
    }
  }
  EXPECT_GE(binding, 8);
  EXPECT_GE(feasible, 8);
  EXPECT_EQ(found["exact"], feasible);
  for (const char* m : {"dp_topo", "two_phase", "rl"}) EXPECT_GE(found[m], feasible / 2) << m;
}

TEST(Activation, SplitSaysWhichCapNoSplitMeets) {
  Problem p = StagesProblem(Diamond(), 2);
  p.constraints.max_stage_activation_bytes = 17;
  auto s = OptimalSplit(p, p.g().topo_order());
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->found);
  EXPECT_NE(s->why.find("max_stage_activation_bytes 17"), std::string::npos) << s->why;
}


// --- edgetpu.activation_spill: activations beyond what the parameters leave
// of the SRAM are streamed (latency objective).

TEST(ActivationSpill, StageTimesOfTheDiamondByHand) {
  Problem p = StagesProblem(Diamond(), 3);
  p.objective.kind = ObjectiveKind::kLatency;
  p.edgetpu.sram_bytes = 10;
  p.edgetpu.offchip_bytes_per_s = 1;
  p.edgetpu.link_bytes_per_s = 1;
  const Schedule s{{0, 0, 1, 2, 2}};  // P = 5, 2, 7; A = 12, 14, 12; X = 12, 10
  Evaluation ev = Evaluate(p, s);
  EXPECT_EQ(ev.activation_spill_bytes, (std::vector<int64_t>{7, 6, 9}));  // A - (10 - P)
  EXPECT_EQ(ev.stage_time_s, (std::vector<double>{12, 22, 10}));          // the spill is off
  p.edgetpu.activation_spill = true;
  ev = Evaluate(p, s);
  EXPECT_EQ(ev.stage_time_s, (std::vector<double>{19, 28, 19}));
  EXPECT_EQ(ev.objective, 28);
  p.edgetpu.sram_bytes = 6;  // stage 2's parameters leave nothing: A and P - sram both stream
  ev = Evaluate(p, s);
  EXPECT_EQ(ev.activation_spill_bytes, (std::vector<int64_t>{11, 10, 12}));
  EXPECT_EQ(ev.stage_time_s[2], 1 + 12 + 10);
}

std::vector<Problem> SpillProblems(int n) {
  std::vector<Problem> out = exact_checks::LatencyProblems(n);
  for (Problem& p : out) p.edgetpu.activation_spill = true;
  return out;
}

// The split prices every segment's spill: the optimal split of an order
// matches the brute-force split (judged by evaluate()), on the run order
// and on other orders.
TEST(ActivationSpill, SplitMatchesBruteForceSplit) {
  std::mt19937_64 rng(41);
  int spilling = 0;
  for (const Problem& p : SpillProblems(9)) {
    for (int t = 0; t < 2; ++t) {
      const std::vector<int> order = t == 0 ? p.g().topo_order() : test_graphs::RandomTopoOrder(rng, p.g());
      auto s = OptimalSplit(p, order);
      auto b = BruteForceSplit(p, order);
      ASSERT_TRUE(s.ok() && b.ok());
      ASSERT_EQ(s->found, b->found) << p.g().name();
      if (!s->found) continue;
      const Evaluation es = Evaluate(p, s->schedule), eb = Evaluate(p, b->schedule);
      EXPECT_NEAR(es.objective, eb.objective, 1e-12 * eb.objective) << p.g().name() << " order " << t;
      for (int64_t b_k : es.activation_spill_bytes) spilling += b_k > 0;
    }
  }
  EXPECT_GT(spilling, 20);
}

// exact (the lattice steps aside, the ILP with spill rows) finds the
// brute-force optimum of the latency with spill.
TEST(ActivationSpill, ExactMatchesBruteForce) {
  exact_checks::Tally tally;
  for (const Problem& p : SpillProblems(8)) {
    exact_checks::CompareWithBruteForce(p, p.g().name(), &tally, ExactEngine::kCbcDirect);
    exact_checks::CompareWithBruteForce(p, p.g().name(), &tally, ExactEngine::kAuto);
  }
  EXPECT_EQ(tally.compared, 24);
  EXPECT_GE(tally.optimal, 20);
}

}  // namespace
}  // namespace respect
