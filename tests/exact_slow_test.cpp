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

#include "test_graphs.h"

namespace respect {
namespace {

using namespace test_graphs;  // Uni, RandomGraph, MakeProblem

ExactOptions Fast(ExactEngine engine = ExactEngine::kAuto) {
  ExactOptions o;
  o.engine = engine;
  o.time_limit_s = 120;
  return o;
}

double Rel(double a, double b) { return std::fabs(a - b) / std::max(1.0, std::max(std::fabs(a), std::fabs(b))); }

struct Tally {
  int compared = 0, optimal = 0, infeasible = 0;
};

void CompareWithBruteForce(const Problem& p, const std::string& what, Tally* tally,
                           ExactEngine engine = ExactEngine::kAuto) {
  ExactScheduler exact(Fast(engine));
  BruteForceScheduler brute;
  auto e = exact.Run(p);
  auto b = brute.Run(p);
  ASSERT_TRUE(e.ok()) << what << ": " << e.status().message();
  ASSERT_TRUE(b.ok()) << what << ": " << b.status().message();
  ++tally->compared;
  ASSERT_EQ(e->status == SolveStatus::kInfeasible, b->status == SolveStatus::kInfeasible)
      << what << ": exact " << ToString(e->status) << " (" << e->message << "), brute " << ToString(b->status);
  if (b->status == SolveStatus::kInfeasible) {
    ++tally->infeasible;
    EXPECT_FALSE(e->message.empty()) << what;
    return;
  }
  ASSERT_EQ(e->status, SolveStatus::kOptimal) << what << ": " << e->message;
  ++tally->optimal;
  EXPECT_TRUE(e->eval.feasible) << what;
  EXPECT_LE(Rel(e->objective, b->objective), 1e-9) << what << ": exact " << e->objective << " brute " << b->objective;
  EXPECT_EQ(e->objective, e->bound) << what;
  // The exact optimum is never worse than a heuristic.
  DpTopoScheduler dp;
  auto h = dp.Run(p);
  ASSERT_TRUE(h.ok());
  if (h->status == SolveStatus::kFeasible) {
    EXPECT_LE(e->objective, h->objective * (1 + 1e-12)) << what;
  }
}

TEST(ExactSlowTest, LatencyObjectiveMatchesEvaluateOnMediumGraphs) {
  std::mt19937_64 rng(321);
  for (int t = 0; t < 6; ++t) {
    auto g = RandomGraph(rng, 25, 3, "lat" + std::to_string(t));
    for (CommModel cm : {CommModel::kTensor, CommModel::kEdge}) {
      Problem p = MakeProblem(g, 3 + t % 3, ObjectiveKind::kLatency, cm);
      ExactScheduler exact(Fast());
      auto r = exact.Run(p);
      ASSERT_TRUE(r.ok()) << r.status().message();
      EXPECT_EQ(r->status, SolveStatus::kOptimal);
      // The lattice (kAuto at 25 nodes) and the ILP agree.
      auto ilp = ExactScheduler(Fast(ExactEngine::kCbcDirect)).Run(p);
      ASSERT_TRUE(ilp.ok()) << ilp.status().message();
      EXPECT_EQ(ilp->status, SolveStatus::kOptimal);
      EXPECT_NEAR(r->objective, ilp->objective, 1e-9 * std::max(1.0, ilp->objective));
      DpTopoScheduler dp;
      auto h = dp.Run(p);
      ASSERT_TRUE(h.ok());
      EXPECT_LE(r->objective, h->objective * (1 + 1e-9));
    }
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
      const bool bb = r->stats.count("bb_nodes") > 0;
      std::printf("[ zoo ] %s S=%d exact %.0f (%.1fs, %.0f %s) heuristic %.0f dp_topo %.0f\n", name, stages,
                  r->objective, r->seconds, bb ? r->stats.at("bb_nodes") : r->stats["lattice_steps"],
                  bb ? "B&B nodes" : "lattice steps", rh->objective, rd->objective);
    }
  }
}

}  // namespace
}  // namespace respect
