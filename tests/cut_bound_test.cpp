// The cut lower bound (formulations/cut_bound.h): exact on hand-drawn graphs,
// never above brute force's optimum, and a proof exact uses.
#include "formulations/cut_bound.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <random>

#include "cost/evaluate.h"
#include "sched/brute_force.h"
#include "sched/exact.h"
#include "solver/milp.h"
#include "test_graphs.h"

namespace respect {
namespace {

using test_graphs::MakeProblem;
using test_graphs::RandomGraph;
using test_graphs::Uni;

constexpr double kInf = std::numeric_limits<double>::infinity();

// a -> b -> c -> d (plus a -> c with skip), 10 parameter bytes and a 5-byte
// tensor each.
std::shared_ptr<const Graph> Chain4(bool skip = false) {
  GraphBuilder b(skip ? "chain4+" : "chain4");
  for (const char* id : {"a", "b", "c", "d"}) {
    Node nd;
    nd.id = id;
    nd.name = id;
    nd.param_bytes = 10;
    nd.output_bytes = 5;
    b.AddNode(nd);
  }
  for (int v = 0; v + 1 < 4; ++v) b.AddEdgeIdx(v, v + 1);
  if (skip) b.AddEdgeIdx(0, 2);
  auto g = b.Build();
  EXPECT_TRUE(g.ok());
  return std::make_shared<const Graph>(std::move(*g));
}

TEST(CutBound, ClosesTheGapOnAChain) {
  // 2 stages: the optimum is 20 + 5 (two nodes each, one tensor crosses);
  // SimpleLowerBound knows only 20. At peak 20, b must sit in stage 0 and c
  // in stage 1, so 5 bytes cross; every larger peak pays at least 21 and
  // still one tensor (a and d are pinned by the non-empty rule).
  Problem p = MakeProblem(Chain4(), 2, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  EXPECT_DOUBLE_EQ(SimpleLowerBound(p), 20);
  for (double incumbent : {kInf, 25.0, 30.0}) {
    const CutBoundResult r = CutLowerBound(p, incumbent);
    EXPECT_DOUBLE_EQ(r.bound, 25) << incumbent;
    EXPECT_DOUBLE_EQ(r.peak, 20) << incumbent;
    EXPECT_TRUE(r.converged);
    EXPECT_GT(r.max_flows, 0);
  }
}

TEST(CutBound, WeighsEdgesAndTheCommWeight) {
  // The chain plus a -> c, edge model: with the peak at 20 the cut is
  // {a, b} | {c, d}, and both b -> c and a -> c cross.
  Problem p = MakeProblem(Chain4(/*skip=*/true), 2, ObjectiveKind::kMemoryComm, CommModel::kEdge);
  p.objective.comm_weight = 0.5;
  // Peak 20: 20 + 0.5 * 10. Peak 30 ({a,b,c} | {d}): 30 + 0.5 * 5, more.
  const CutBoundResult r = CutLowerBound(p, kInf);
  EXPECT_DOUBLE_EQ(r.bound, 25);
  auto best = BruteForceScheduler().Run(p);
  ASSERT_TRUE(best.ok());
  EXPECT_DOUBLE_EQ(best->objective, 25);
}

TEST(CutBound, HugeSizesStayExact) {
  // Petabyte nodes and tensors: the priced weights and "infinite" arcs must
  // not overflow. Optimum: 2 nodes a stage, one tensor crosses.
  GraphBuilder b("huge");
  for (const char* id : {"a", "b", "c", "d"}) {
    Node nd;
    nd.id = id;
    nd.name = id;
    nd.param_bytes = int64_t{1} << 50;
    nd.output_bytes = int64_t{1} << 49;
    b.AddNode(nd);
  }
  for (int v = 0; v + 1 < 4; ++v) b.AddEdgeIdx(v, v + 1);
  auto g = b.Build();
  ASSERT_TRUE(g.ok());
  Problem p = MakeProblem(std::make_shared<const Graph>(std::move(*g)), 2, ObjectiveKind::kMemoryComm,
                          CommModel::kTensor);
  auto best = BruteForceScheduler().Run(p);
  ASSERT_TRUE(best.ok());
  const double opt = static_cast<double>((int64_t{1} << 51) + (int64_t{1} << 49));
  EXPECT_DOUBLE_EQ(best->objective, opt);
  EXPECT_DOUBLE_EQ(CutLowerBound(p, kInf).bound, opt);
}

TEST(CutBound, NotForLatencyOrOneStage) {
  Problem lat = MakeProblem(Chain4(), 2, ObjectiveKind::kLatency, CommModel::kTensor);
  EXPECT_TRUE(std::isnan(CutLowerBound(lat, kInf).bound));
  Problem one = MakeProblem(Chain4(), 1, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  EXPECT_TRUE(std::isnan(CutLowerBound(one, kInf).bound));
}

TEST(CutBound, AStageCapLimitsThePeaks) {
  // A cap of 20 leaves the single peak 20: its cut gives the optimum.
  Problem p = MakeProblem(Chain4(), 2, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  p.constraints.max_stage_param_bytes = 20;
  EXPECT_DOUBLE_EQ(CutLowerBound(p, 25).bound, 25);
}

// Never above the optimum, on random graphs of every comm model, with and
// without the non-empty rule, a stage cap and an incumbent; above
// SimpleLowerBound on a good share of them.
TEST(CutBound, NeverAboveBruteForce) {
  std::mt19937_64 rng(20261202);
  int cases = 0, above_simple = 0, closed = 0, chain_raised = 0;
  for (int i = 0; i < 240; ++i) {
    const int n = static_cast<int>(Uni(rng, 4, 10));
    auto g = RandomGraph(rng, n, static_cast<int>(Uni(rng, 1, 3)), "cut" + std::to_string(i));
    const CommModel cm = i % 2 ? CommModel::kEdge : CommModel::kTensor;
    Problem p = MakeProblem(g, static_cast<int>(Uni(rng, 2, 4)), ObjectiveKind::kMemoryComm, cm);
    p.objective.comm_weight = (i % 3 == 0) ? 0.25 : (i % 3 == 1 ? 1.0 : 3.0);
    p.constraints.nonempty_stages = i % 5 != 0;
    if (!p.Validate().ok()) continue;
    auto best = BruteForceScheduler().Run(p);
    ASSERT_TRUE(best.ok());
    if (best->status != SolveStatus::kOptimal) continue;
    ++cases;
    const double opt = best->objective;
    const double simple = SimpleLowerBound(p);
    for (double incumbent : {kInf, opt, opt * 1.3}) {
      const CutBoundResult r = CutLowerBound(p, incumbent);
      ASSERT_FALSE(std::isnan(r.bound));
      EXPECT_LE(r.bound, opt * (1 + 1e-12) + 1e-9) << g->name() << " incumbent " << incumbent;
      EXPECT_GE(r.bound, simple) << g->name();
      if (incumbent == kInf) {
        above_simple += r.bound > simple + 1e-9;
        closed += r.bound >= opt * (1 - 1e-12) - 1e-9;
        CutBoundOptions per_boundary_only;
        per_boundary_only.bands = 0;
        const double without = CutLowerBound(p, incumbent, per_boundary_only).bound;
        EXPECT_LE(without, r.bound + 1e-9);
        chain_raised += r.bound > without + 1e-9;
        // Stopped after one or two peaks, the cells still cover every peak.
        for (int peaks : {1, 2}) {
          CutBoundOptions early;
          early.max_peaks = peaks;
          EXPECT_LE(CutLowerBound(p, incumbent, early).bound, opt * (1 + 1e-12) + 1e-9) << g->name() << " " << peaks;
        }
      }
    }
  }
  EXPECT_GT(cases, 150);
  EXPECT_GT(above_simple, cases / 4) << "the cuts add nothing";
  EXPECT_GT(closed, 0);
  EXPECT_GT(chain_raised, cases / 10) << "the chained bands add nothing";
  std::printf("cut bound on %d problems: above SimpleLowerBound %d, equal to the optimum %d, raised by the chain %d\n",
              cases, above_simple, closed, chain_raised);
}

// A solver that must not be needed.
class UnusedSolver final : public MilpSolver {
 public:
  explicit UnusedSolver(int* calls) : calls_(calls) {}
  std::string name() const override { return "unused"; }
  StatusOr<MilpResult> Solve(const MilpModel&, const MilpOptions&) override {
    ++*calls_;
    return Status::Internal("the solver was called");
  }

 private:
  int* calls_;
};

TEST(CutBound, ExactReturnsAStartItProvesWithoutTheSolver) {
  Problem p = MakeProblem(Chain4(), 2, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  ExactOptions o;
  o.time_limit_s = 10;
  o.engine = ExactEngine::kCbcDirect;
  int calls = 0;
  auto r = ExactScheduler(o, std::make_unique<UnusedSolver>(&calls)).Run(p);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(r->status, SolveStatus::kOptimal) << r->message;
  EXPECT_DOUBLE_EQ(r->objective, 25);
  EXPECT_DOUBLE_EQ(r->bound, 25);
  EXPECT_TRUE(Evaluate(p, r->schedule).feasible);
  EXPECT_DOUBLE_EQ(r->stats.at("cut_bound"), 25);
  // Without the cut bound the solver is asked (and its error is returned).
  o.cut_bound = false;
  auto without = ExactScheduler(o, std::make_unique<UnusedSolver>(&calls)).Run(p);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(without.ok());
}

}  // namespace
}  // namespace respect
