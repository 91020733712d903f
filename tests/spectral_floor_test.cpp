// The spectral floor (formulations/spectral_floor.h): exact values on
// hand-drawn graphs, and never above the crossing of any down-set of random
// graphs (edge and tensor models, weightless nodes included).
#include "formulations/spectral_floor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "cost/crossing.h"
#include "test_graphs.h"

namespace respect {
namespace {

using test_graphs::BuildGraph;
using test_graphs::MakeProblem;
using test_graphs::N;
using test_graphs::Uni;

// a -> b with `bytes` on the edge, as given.
std::shared_ptr<const Graph> WithEdgeBytes(const std::vector<Node>& nodes,
                                           const std::vector<std::tuple<int, int, int64_t>>& edges) {
  GraphBuilder b("hand");
  for (const Node& nd : nodes) b.AddNode(nd);
  for (const auto& [u, v, bytes] : edges) b.AddEdgeIdx(u, v, bytes);
  auto g = b.Build();
  EXPECT_TRUE(g.ok()) << g.status().message();
  return std::make_shared<const Graph>(std::move(*g));
}

Problem EdgeProblem(std::shared_ptr<const Graph> g) {
  return MakeProblem(std::move(g), 2, ObjectiveKind::kMemoryComm, CommModel::kEdge);
}

SpectralFloor FloorOf(const Problem& p, int max_nodes = 1000) {
  return ComputeSpectralFloor(p, CrossingWeights(p.g(), p.objective), max_nodes);
}

// Two unit-weight nodes joined by a 6-byte edge: L = [6 -6; -6 6], W = I,
// lambda_2 = 12, and the floor of one node, 12 * 1 * 1 / 2 = 6, is the cut.
TEST(SpectralFloor, TwoNodesGiveTheirCutExactly) {
  const Problem p = EdgeProblem(WithEdgeBytes({N("a", 1), N("b", 1)}, {{0, 1, 6}}));
  const SpectralFloor f = FloorOf(p);
  EXPECT_NEAR(f.lambda(), 12.0, 1e-4);
  EXPECT_EQ(f.pieces.at(0).piece, 2);
  EXPECT_EQ(f.pieces.at(0).rest, 0);
  EXPECT_EQ(f.pieces.at(0).nodes, 2);
  EXPECT_NEAR(f.Floor(1, 1), 6.0, 1e-4);
  // Prefixes 0.5 and 1.5: the quotient is 6 * 1 / (2 * 0.25) = 12 too.
  EXPECT_NEAR(SpectralUpperEstimate(p, CrossingWeights(p.g(), p.objective)), 12.0, 1e-9);
  EXPECT_EQ(f.Floor(0, 0), 0.0);
  EXPECT_EQ(f.Floor(2, 2), 0.0);
}

// a -> z -> b with 3 and 6 bytes, z weightless: eliminating z leaves a link
// of 3 * 6 / 9 = 2 between a and b (2 bytes each): lambda_2 = 2, and the
// floor of one node is 2 * 2 * 2 / 4 = 2, below the least cut (3).
TEST(SpectralFloor, AWeightlessNodeIsEliminated) {
  const Problem p = EdgeProblem(WithEdgeBytes({N("a", 2), N("z", 0), N("b", 2)}, {{0, 1, 3}, {1, 2, 6}}));
  const SpectralFloor f = FloorOf(p);
  EXPECT_NEAR(f.lambda(), 2.0, 1e-4);
  EXPECT_NEAR(f.Floor(2, 2), 2.0, 1e-4);
}

// The heavier of two pieces is the one priced; the other's weight is rest,
// so a band it can fill alone has no floor.
TEST(SpectralFloor, TheHeavierPieceIsPricedAndTheOtherIsRest) {
  const Problem p = EdgeProblem(WithEdgeBytes({N("a", 5), N("b", 5), N("c", 1), N("d", 1)}, {{0, 1, 10}, {2, 3, 10}}));
  const SpectralFloor f = FloorOf(p);
  EXPECT_EQ(f.pieces.at(0).piece, 10);
  EXPECT_EQ(f.pieces.at(0).rest, 2);
  EXPECT_EQ(f.pieces.at(0).nodes, 2);
  EXPECT_NEAR(f.lambda(), 4.0, 1e-4);  // L / 5 = [2 -2; -2 2]
  EXPECT_EQ(f.Floor(0, 2), 0.0);     // c and d alone
  EXPECT_NEAR(f.Floor(5, 5), 4.0 * 3 * 7 / 10, 1e-4);  // 3..5 of the piece: least at 3
}

// A light node hanging on a weak link holds lambda_2 down (its vector sits
// there); peeled off, the heavy core's own floor is far higher at balanced
// weights, and both floors hold.
TEST(SpectralFloor, PeelingAWeaklyLinkedNodeRaisesTheFloor) {
  std::vector<std::tuple<int, int, int64_t>> edges;
  for (int u = 0; u < 4; ++u)
    for (int v = u + 1; v < 4; ++v) edges.emplace_back(u, v, 100);
  edges.emplace_back(3, 4, 1);
  const Problem p = EdgeProblem(WithEdgeBytes({N("a", 10), N("b", 10), N("c", 10), N("d", 10), N("e", 1)}, edges));
  const SpectralFloor once = FloorOf(p);
  const SpectralFloor peeled = ComputeSpectralFloor(p, CrossingWeights(p.g(), p.objective), 1000, 1);
  ASSERT_EQ(once.pieces.size(), 1u);
  ASSERT_EQ(peeled.pieces.size(), 2u);
  EXPECT_EQ(peeled.pieces[1].nodes, 4);
  EXPECT_EQ(peeled.pieces[1].rest, 1);
  EXPECT_NEAR(peeled.pieces[1].lambda, 40.0, 1e-3);  // K4 of 100s: 4 x 100 / 10
  EXPECT_GT(peeled.Floor(20, 20), 10 * once.Floor(20, 20));
  EXPECT_NEAR(peeled.Floor(20, 20), 40.0 * 19 * 21 / 40, 1e-3);  // 19..20 of the core: least at 19
}

TEST(SpectralFloor, NoFloorBeyondMaxNodesOrWithoutLinks) {
  const Problem p = EdgeProblem(WithEdgeBytes({N("a", 1), N("b", 1), N("c", 1)}, {{0, 1, 4}, {1, 2, 4}}));
  const SpectralFloor big = FloorOf(p, 2);
  EXPECT_EQ(big.pieces.at(0).nodes, 3);
  EXPECT_EQ(big.lambda(), 0.0);
  EXPECT_EQ(big.Floor(1, 2), 0.0);
  const Problem silent = EdgeProblem(WithEdgeBytes({N("a", 1), N("b", 1)}, {{0, 1, 0}}));
  const SpectralFloor none = FloorOf(silent);
  EXPECT_TRUE(none.pieces.empty());
  EXPECT_EQ(none.Floor(1, 1), 0.0);
}

// X of the down-set `in` (a bit per node) at one boundary.
double DownSetCrossing(const Graph& g, const CrossingWeights& w, uint32_t in) {
  double x = 0;
  for (int u = 0; u < g.size(); ++u)
    if (in >> u & 1) x += static_cast<double>(w.Outgoing(g, u, [&](int c) { return !(in >> c & 1); }));
  return x;
}

bool IsDownSet(const Graph& g, uint32_t in) {
  for (int v = 0; v < g.size(); ++v)
    if (in >> v & 1)
      for (int u : g.parents(v))
        if (!(in >> u & 1)) return false;
  return true;
}

// Every down-set of 300 random graphs (edge model with edge bytes, tensor
// model with output bytes) crosses at least the floor of its weight; the
// floor is positive on many of them, so the check is not empty. The
// prefix quotient is never below lambda_2.
TEST(SpectralFloor, NeverAboveTheCrossingOfAnyDownSet) {
  std::mt19937_64 rng(20261208);
  int64_t downsets = 0, positive = 0, peeled = 0;
  for (int i = 0; i < 300; ++i) {
    const int n = static_cast<int>(Uni(rng, 3, 11));
    std::shared_ptr<const Graph> g;
    Problem p;
    if (i % 2 == 0) {
      g = test_graphs::RandomWithEdgeBytes(rng, n, "edge" + std::to_string(i), 10, 100, 10, 100);
      p = EdgeProblem(g);
      p.objective.edge_weight = i % 6 == 2 ? EdgeWeight::kUnit : EdgeWeight::kTensor;
    } else {
      g = test_graphs::RandomGraph(rng, n, static_cast<int>(Uni(rng, 1, 3)), "tensor" + std::to_string(i),
                                   test_graphs::ByteSizes(100, 100));
      p = MakeProblem(g, 2, ObjectiveKind::kMemoryComm, CommModel::kTensor);
    }
    const CrossingWeights w(p.g(), p.objective);
    const SpectralFloor f = ComputeSpectralFloor(p, w, 1000, /*peels=*/2);
    EXPECT_GE(SpectralUpperEstimate(p, w) * (1 + 1e-9) + 1e-12, f.lambda()) << g->name();
    peeled += f.pieces.size() > 1;
    for (uint32_t in = 0; in < (1u << n); ++in) {
      if (!IsDownSet(*g, in)) continue;
      int64_t weight = 0;
      for (int v = 0; v < n; ++v)
        if (in >> v & 1) weight += g->node(v).param_bytes;
      const double floor = f.Floor(weight, weight);
      EXPECT_LE(floor, DownSetCrossing(*g, w, in) + 1e-9) << g->name() << " down-set " << in;
      ++downsets;
      positive += floor > 0;
    }
  }
  EXPECT_GT(positive, downsets / 10) << "the floor is 0 almost everywhere";
  EXPECT_GT(peeled, 0) << "no floor was peeled: the peeled pieces are untested";
  std::printf("spectral floor: %lld down-sets, positive on %lld; %lld graphs peeled\n",
              static_cast<long long>(downsets), static_cast<long long>(positive), static_cast<long long>(peeled));
}

}  // namespace
}  // namespace respect
