// The cut lower bound (formulations/cut_bound.h): exact on hand-drawn graphs,
// never above brute force's optimum, and a proof exact uses.
#include "formulations/cut_bound.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <random>

#include "cost/crossing.h"
#include "cost/evaluate.h"
#include "sched/brute_force.h"
#include "sched/exact.h"
#include "solver/milp.h"
#include "exact_checks.h"
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
    if (!p.Schedulable()) continue;
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

// The structure (the non-empty rule's least proper cut, the cluster
// chains) never lifts the bound above brute force's optimum, in both
// regimes (crossings 1/20 and 5x the bytes of parameters), with the
// non-empty rule on and off, pins and a stage cap; and it raises the bound
// on a good share of the crossing-dominated cases.
TEST(CutBound, TheCrossingStructureStaysBelowTheOptimumInBothRegimes) {
  std::mt19937_64 rng(20261207);
  int cases[2] = {0, 0}, raised[2] = {0, 0}, closed[2] = {0, 0};
  for (int i = 0; i < 200; ++i) {
    const int n = static_cast<int>(Uni(rng, 4, 9));
    // Parameters and edge bytes of similar size.
    auto g = test_graphs::RandomWithEdgeBytes(rng, n, "pieces" + std::to_string(i), 10, 100, 10, 100);
    Problem p = MakeProblem(g, static_cast<int>(Uni(rng, 2, 4)), ObjectiveKind::kMemoryComm, CommModel::kEdge);
    const int regime = i % 2;  // 1: crossing-dominated
    p.objective.comm_weight = regime ? 5.0 : 0.05;
    p.objective.edge_weight = i % 7 == 3 ? EdgeWeight::kIndicator : EdgeWeight::kTensor;
    p.constraints.nonempty_stages = i % 4 < 2;
    if (i % 5 == 1) p.constraints.pin[std::to_string(n - 1)] = p.stages - 1;
    if (i % 6 == 2) p.constraints.max_stage_param_bytes = g->total_param_bytes() / 2 + 50;
    if (!p.Schedulable()) continue;
    auto best = BruteForceScheduler().Run(p);
    ASSERT_TRUE(best.ok());
    if (best->status != SolveStatus::kOptimal) continue;
    ++cases[regime];
    const double opt = best->objective;
    CutBoundOptions plain;
    plain.structure = false;
    const double without = CutLowerBound(p, kInf, plain).bound;
    for (double incumbent : {kInf, opt}) {
      const CutBoundResult r = CutLowerBound(p, incumbent);
      EXPECT_LE(r.bound, opt * (1 + 1e-12) + 1e-9) << g->name() << " incumbent " << incumbent;
      if (incumbent != kInf) continue;
      EXPECT_GE(r.bound, without - 1e-9) << g->name();
      raised[regime] += r.bound > without + 1e-9;
      closed[regime] += r.bound >= opt * (1 - 1e-12) - 1e-9;
    }
  }
  for (int regime : {0, 1}) EXPECT_GT(cases[regime], 60);
  EXPECT_GT(raised[1], cases[1] / 10) << "the structure adds nothing where crossings dominate";
  std::printf("crossing structure: memory-dominated %d cases, raised %d, closed %d; crossing-dominated %d, raised %d, "
              "closed %d\n",
              cases[0], raised[0], closed[0], cases[1], raised[1], closed[1]);
}

// Brute force's optimum of p (NaN, and a failure, when it proves none).
double BruteForceOptimum(const Problem& p) {
  auto best = BruteForceScheduler().Run(p);
  EXPECT_TRUE(best.ok() && best->status == SolveStatus::kOptimal);
  return best.ok() && best->status == SolveStatus::kOptimal ? best->objective : std::nan("");
}

// The cut bound without the crossings' structure (for comparison).
CutBoundResult PlainBound(const Problem& p) {
  CutBoundOptions plain;
  plain.structure = false;
  return CutLowerBound(p, kInf, plain);
}

// Three 10-byte sources, each linked to each of three 10-byte sinks by a
// 20-byte edge (K3,3), on 2 stages. The down-sets weigh 0..60 and cross
// 0, 60, 120, 180, 120, 60, 0: every split costs at least 50 + 60, so the
// optimum keeps all six together (60). The Lagrangian hull of that curve
// is 0, so the plain bound cannot see it; the spectral floor, lambda_2 =
// 3 x 20 / 10 = 6, prices a band holding x bytes at 6 x (60 - x) / 60,
// which proves the optimum but for a byte.
TEST(CutBound, TheSpectralFloorProvesACompleteBipartiteGraphIsNotSplit) {
  GraphBuilder b("k33");
  for (int v = 0; v < 6; ++v) b.AddNode(test_graphs::N(std::to_string(v), 10));
  for (int u = 0; u < 3; ++u)
    for (int v = 3; v < 6; ++v) b.AddEdgeIdx(u, v, 20);
  auto built = b.Build();
  ASSERT_TRUE(built.ok()) << built.status().message();
  Problem p = MakeProblem(std::make_shared<const Graph>(std::move(*built)), 2, ObjectiveKind::kMemoryComm,
                          CommModel::kEdge);
  p.constraints.nonempty_stages = false;
  EXPECT_DOUBLE_EQ(BruteForceOptimum(p), 60);
  const CutBoundResult with = CutLowerBound(p, kInf), without = PlainBound(p);
  EXPECT_EQ(with.spectral_floors, 1);
  EXPECT_EQ(without.spectral_floors, 0);
  EXPECT_DOUBLE_EQ(without.bound, 40);
  // Within a byte: the finest band that holds a 59-byte down-set also
  // holds the whole graph (60 bytes, no crossing).
  EXPECT_DOUBLE_EQ(with.bound, 59);
}

// A cluster heavier than the peak must be split. The Lagrangian bounds
// cannot see it: on the whole graph light pieces fill a band's weight at no
// cost, and the hull of "least cut against weight" runs at 0 from the
// empty set to the cluster. The cluster's least proper cut can.
TEST(CutBound, AClusterHeavierThanThePeakPaysItsLeastProperCut) {
  // Two chains of four 100-byte nodes linked by 50-byte edges, each with a
  // zero-weight edge into the other's end, so that they form one 800-byte
  // cluster; plus four free 50-byte nodes; 2 stages.
  GraphBuilder b("cluster+free");
  for (int v = 0; v < 12; ++v) {
    Node nd;
    nd.id = std::to_string(v);
    nd.param_bytes = v < 8 ? 100 : 50;
    b.AddNode(nd);
  }
  for (int c = 0; c < 2; ++c)
    for (int v = 0; v + 1 < 4; ++v) b.AddEdgeIdx(4 * c + v, 4 * c + v + 1, 50);
  b.AddEdgeIdx(0, 7, 0);
  b.AddEdgeIdx(4, 3, 0);
  auto built = b.Build();
  ASSERT_TRUE(built.ok()) << built.status().message();
  auto g = std::make_shared<const Graph>(std::move(*built));
  Problem p = MakeProblem(g, 2, ObjectiveKind::kMemoryComm, CommModel::kEdge);
  p.constraints.nonempty_stages = false;
  EXPECT_DOUBLE_EQ(BruteForceOptimum(p), 550);  // 500 | 400 bytes, one 50-byte edge cut
  const CutBoundResult with = CutLowerBound(p, kInf), without = PlainBound(p);
  EXPECT_EQ(with.clusters, 1);
  EXPECT_EQ(without.clusters, 0);
  EXPECT_DOUBLE_EQ(without.bound, 500);  // one 50-byte cut at most, seen above a peak of 450
  // A peak of 450..499 splits the cluster into two pieces of 350..450
  // bytes, which cuts two edges (+100); 500..799 cuts at least one (+50):
  // the cluster's chain proves the optimum.
  EXPECT_DOUBLE_EQ(with.bound, 550);
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
  EXPECT_DOUBLE_EQ(r->stats.cut_bound.bound.value(), 25);
  // Without the cut bound the solver is asked (and its error is returned).
  o.cut_bound = false;
  auto without = ExactScheduler(o, std::make_unique<UnusedSolver>(&calls)).Run(p);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(without.ok());
}

// The least crossing of a down-set weighing a..b, by enumeration (+inf: none).
double BruteBandCrossing(const Problem& p, int64_t a, int64_t b) {
  const Graph& g = p.g();
  const CrossingWeights w(g, p.objective);
  const int n = g.size();
  double best = kInf;
  for (uint32_t set = 0; set < (1u << n); ++set) {
    auto in = [&](int v) { return ((set >> v) & 1u) != 0; };
    bool closed = true;
    int64_t weight = 0, cross = 0;
    for (int u = 0; u < n && closed; ++u) {
      for (int c : g.children(u)) closed = closed && (in(u) || !in(c));
      if (in(u)) {
        weight += g.node(u).param_bytes;
        cross += w.Outgoing(g, u, [&](int c) { return !in(c); });
      }
    }
    if (closed && a <= weight && weight <= b) best = std::min(best, static_cast<double>(cross));
  }
  return best;
}

TEST(CutBound, BandIlpIsTheLeastCrossingOfADownSetInTheBand) {
  std::mt19937_64 rng(11);
  auto solver = MakeCbcSolver(CbcDriver::kDirect);
  int cases = 0, none = 0;
  for (int i = 0; i < 60; ++i) {
    const int n = static_cast<int>(Uni(rng, 3, 11));
    auto g = RandomGraph(rng, n, static_cast<int>(Uni(rng, 1, 3)), "band" + std::to_string(i));
    Problem p = MakeProblem(g, 3, ObjectiveKind::kMemoryComm, i % 2 ? CommModel::kEdge : CommModel::kTensor);
    const int64_t total = g->total_param_bytes();
    for (int t = 0; t < 4; ++t) {
      int64_t a = Uni(rng, 0, total), b = Uni(rng, 0, total);
      if (a > b) std::swap(a, b);
      if (t == 0) b = a;  // one weight only: often no down-set
      bool optimal = false;
      const double ilp = LeastBandCrossing(p, a, b, solver.get(), 10.0, &optimal);
      const double brute = BruteBandCrossing(p, a, b);
      EXPECT_TRUE(optimal) << g->name();
      // Exact but for the margin that covers Cbc's tolerances.
      const double margin = 1e-6 * static_cast<double>(CrossingWeights(*g, p.objective).total()) + 1.0;
      EXPECT_LE(ilp, brute) << g->name() << " band " << a << ".." << b << " " << ToString(p.objective.comm_model);
      if (std::isfinite(brute)) {
        EXPECT_GE(ilp, brute - margin) << g->name() << " band " << a << ".." << b;
      }
      ++cases;
      none += std::isinf(brute);
    }
  }
  EXPECT_GT(none, 5);
  EXPECT_LT(none, cases / 2);
}

TEST(CutBound, BandIlpsRaiseTheBoundAndStayBelowTheOptimum) {
  std::mt19937_64 rng(5);
  auto solver = MakeCbcSolver(CbcDriver::kDirect);
  int cases = 0, raised = 0;
  for (int i = 0; i < 120; ++i) {
    const int n = static_cast<int>(Uni(rng, 8, 11));
    auto g = RandomGraph(rng, n, static_cast<int>(Uni(rng, 1, 3)), "raise" + std::to_string(i));
    Problem p = MakeProblem(g, static_cast<int>(Uni(rng, 3, 4)), ObjectiveKind::kMemoryComm,
                            i % 2 ? CommModel::kEdge : CommModel::kTensor);
    p.constraints.nonempty_stages = false;
    if (!p.Schedulable()) continue;
    auto best = BruteForceScheduler().Run(p);
    ASSERT_TRUE(best.ok());
    if (best->status != SolveStatus::kOptimal) continue;
    ++cases;
    CutBoundOptions with;
    with.time_limit_s = 30;
    with.band_solver = solver.get();
    const CutBoundResult r = CutLowerBound(p, kInf, with);
    const CutBoundResult lagrangian = CutLowerBound(p, kInf);
    ASSERT_TRUE(r.converged && lagrangian.converged) << g->name();
    EXPECT_LE(r.bound, best->objective * (1 + 1e-12) + 1e-9) << g->name();
    EXPECT_GE(r.bound, lagrangian.bound - 1e-9) << g->name();
    raised += r.bound > lagrangian.bound + 1e-9;
  }
  EXPECT_GT(cases, 100);
  EXPECT_GT(raised, 0) << "the band ILPs never raised the Lagrangian bound";
  std::printf("band ILPs raised the cut bound on %d of %d problems\n", raised, cases);
}

// A band solver that answers every model with one status, or fails.
class FixedBandSolver final : public MilpSolver {
 public:
  explicit FixedBandSolver(std::optional<SolveStatus> status) : status_(status) {}
  std::string name() const override { return "fixed"; }
  StatusOr<MilpResult> Solve(const MilpModel&, const MilpOptions&) override {
    ++calls;
    if (!status_) return Status::Internal("no");
    MilpResult r;
    r.status = *status_;
    return r;
  }
  int calls = 0;

 private:
  std::optional<SolveStatus> status_;
};

TEST(CutBound, TheBandSolversProofsCountAndItsFailuresDoNot) {
  // A wide graph (the Lagrangian chain is not exact there), 3 stages.
  std::mt19937_64 rng(3);
  auto g = RandomGraph(rng, 10, 1, "wide");
  Problem p = MakeProblem(g, 3, ObjectiveKind::kMemoryComm, CommModel::kEdge);
  p.constraints.nonempty_stages = false;
  // The whole graph's chain only (clusters have band ILPs of their own,
  // some decided without the solver).
  CutBoundOptions o;
  o.structure = false;
  const double lagrangian = CutLowerBound(p, kInf, o).bound;
  FixedBandSolver failing(std::nullopt);
  o.band_solver = &failing;
  const CutBoundResult r = CutLowerBound(p, kInf, o);
  EXPECT_GT(failing.calls, 0);
  EXPECT_EQ(r.band_ilps, failing.calls);
  EXPECT_DOUBLE_EQ(r.bound, lagrangian);
  EXPECT_TRUE(r.converged);
  // A solver that refutes every band it is asked about (a liar: the seam
  // trusts it) leaves the chain only bands the marks settle alone.
  FixedBandSolver refuting(SolveStatus::kInfeasible);
  o.band_solver = &refuting;
  EXPECT_GT(CutLowerBound(p, kInf, o).bound, lagrangian);
  EXPECT_GT(refuting.calls, 0);
}

TEST(CutBound, ExactRunsItBesideTheStartSearch) {
  // The start search (a fake handing over the optimum) and the cut bound
  // run at once; whichever finishes first, the bound proves the optimum.
  Problem p = MakeProblem(Chain4(true), 2, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  auto best = BruteForceScheduler().Run(p);
  ASSERT_TRUE(best.ok());
  ExactOptions o;
  o.time_limit_s = 10;
  o.engine = ExactEngine::kCbcDirect;
  o.start_search_min_nodes = 0;
  int calls = 0;
  auto r = ExactScheduler(o, nullptr, exact_checks::SearchGives(best->schedule, &calls)).Run(p);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(r->stats.cut_bound.concurrent);
  EXPECT_LE(r->stats.cut_bound.bound.value(), best->objective);  // stopped when Cbc proved it, or converged
  EXPECT_EQ(r->status, SolveStatus::kOptimal) << r->message;
  EXPECT_DOUBLE_EQ(r->objective, best->objective);
  EXPECT_DOUBLE_EQ(r->bound, best->objective);
  EXPECT_TRUE(Evaluate(p, r->schedule).feasible);
}

}  // namespace
}  // namespace respect
