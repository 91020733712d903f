// Slow exact-scheduler checks (ctest label "slow"): latency optima on medium
// random graphs, brute-force agreement on 11-12 node graphs, and the zoo.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <string>

#include "sched/brute_force.h"
#include "sched/exact.h"
#include "sched/heuristic.h"
#include "sched/list_schedule.h"
#include "zoo/zoo.h"

#include "exact_checks.h"
#include "test_graphs.h"

namespace respect {
namespace {

using namespace test_graphs;   // Uni, RandomGraph, MakeProblem
using namespace exact_checks;  // Fast, Rel, Tally, CompareWithBruteForce

TEST(ExactSlowTest, LatencyObjectiveMatchesEvaluateOnMediumGraphs) {
  for (const Problem& p : LatencyProblems(25)) {
    auto r = ExactScheduler(Fast()).Run(p);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->status, SolveStatus::kOptimal);
    // The lattice (kAuto at 25 nodes) and the ILP agree.
    auto ilp = ExactScheduler(Fast(ExactEngine::kCbcDirect)).Run(p);
    ASSERT_TRUE(ilp.ok()) << ilp.status().message();
    EXPECT_EQ(ilp->status, SolveStatus::kOptimal);
    EXPECT_NEAR(r->objective, ilp->objective, 1e-9 * std::max(1.0, ilp->objective));
    ExpectAtMostDpTopo(p, r->objective, 1e-9, p.g().name(), /*dp_feasible=*/true);
  }
}

TEST(ExactSlowTest, AgreesWithBruteForceOnElevenAndTwelveNodes) {
  std::mt19937_64 rng(777);
  Tally tally;
  for (int gi = 0; gi < 12; ++gi) {
    const int n = 11 + gi % 2;
    const int stages = 2 + gi % 2;
    auto g = RandomGraph(rng, n, 2, "r" + std::to_string(gi));
    for (ObjectiveKind kind : {ObjectiveKind::kMemoryComm, ObjectiveKind::kLatency})
      for (CommModel cm : {CommModel::kTensor, CommModel::kEdge}) {
        for (ExactEngine e : {ExactEngine::kCbcMain, ExactEngine::kCbcDirect, ExactEngine::kLattice}) {
          CompareWithBruteForce(MakeProblem(g, stages, kind, cm), g->name(), &tally, e);
          if (::testing::Test::HasFatalFailure()) return;
        }
      }
  }
  EXPECT_EQ(tally.compared, 3 * 48);
}

TEST(ExactSlowTest, ZooModelsSolveToOptimality) {
  for (const char* name : {"xception", "resnet50"}) {
    auto built = BuildZooModel(name);
    ASSERT_TRUE(built.ok()) << built.status().message();
    auto g = std::make_shared<const Graph>(std::move(*built));
    for (int stages : {4, 6}) {
      Problem p;
      p.graph = g;
      p.stages = stages;
      ExactOptions o;
      o.time_limit_s = 300;
      ExactScheduler exact(o);
      auto r = exact.Run(p);
      ASSERT_TRUE(r.ok()) << r.status().message();
      EXPECT_EQ(r->status, SolveStatus::kOptimal) << name << " " << stages;
      // Both Cbc drivers and the lattice DP reach the same proven optimum.
      for (ExactEngine e : {ExactEngine::kCbcMain, ExactEngine::kLattice}) {
        o.engine = e;
        auto other = ExactScheduler(o).Run(p);
        ASSERT_TRUE(other.ok()) << other.status().message();
        EXPECT_EQ(other->status, SolveStatus::kOptimal) << name << " " << stages;
        EXPECT_DOUBLE_EQ(other->objective, r->objective) << name << " " << stages;
      }
      HeuristicScheduler h;
      DpTopoScheduler dp;
      auto rh = h.Run(p);
      auto rd = dp.Run(p);
      ASSERT_TRUE(rh.ok() && rd.ok());
      EXPECT_LE(r->objective, rh->objective);
      EXPECT_LE(r->objective, rd->objective);
      // The auto engine may pick the lattice DP, which reports steps, not B&B nodes.
      const bool bb = r->stats.exact.bb_nodes.has_value();
      std::printf("[ zoo ] %s S=%d exact %.0f (%.1fs, %.0f %s) heuristic %.0f dp_topo %.0f\n", name, stages,
                  r->objective, r->seconds, bb ? r->stats.exact.bb_nodes.value() : r->stats.lattice.steps.value(),
                  bb ? "B&B nodes" : "lattice steps", rh->objective, rd->objective);
    }
  }
}

}  // namespace
}  // namespace respect
