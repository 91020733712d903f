// Crossing clusters (formulations/crossing_clusters.h): the partition on
// hand-drawn graphs, the cluster order, and the induced problem.
#include "formulations/crossing_clusters.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cost/evaluate.h"
#include "test_graphs.h"

namespace respect {
namespace {

using test_graphs::Uni;

// Nodes a1 a2 b1 b2 e f (10, 20, 30, 40, 50, 60 parameter bytes); a1 -> a2
// and b1 -> b2 carry 8 bytes; a1 -> b1, b2 -> a2 and e -> f carry none, and
// a2 -> e carries 8.
std::shared_ptr<const Graph> TwoLinkedPairs() {
  GraphBuilder b("pairs");
  int64_t p = 10;
  for (const char* id : {"a1", "a2", "b1", "b2", "e", "f"}) {
    Node nd;
    nd.id = id;
    nd.param_bytes = p;
    p += 10;
    b.AddNode(nd);
  }
  b.AddEdge("a1", "a2", 8);
  b.AddEdge("b1", "b2", 8);
  b.AddEdge("a1", "b1", 0);
  b.AddEdge("b2", "a2", 0);
  b.AddEdge("a2", "e", 8);
  b.AddEdge("e", "f", 0);
  auto g = b.Build();
  EXPECT_TRUE(g.ok()) << g.status().message();
  return std::make_shared<const Graph>(std::move(*g));
}

ObjectiveSpec EdgeObjective(EdgeWeight w) {
  ObjectiveSpec o;
  o.comm_model = CommModel::kEdge;
  o.edge_weight = w;
  return o;
}

std::vector<std::string> Ids(const Graph& g, const std::vector<int>& nodes) {
  std::vector<std::string> out;
  for (int v : nodes) out.push_back(g.node(v).id);
  return out;
}

TEST(CrossingClusters, ComponentsThatReachEachOtherMerge) {
  auto g = TwoLinkedPairs();
  // a1-a2 and b1-b2 are linked components that reach each other (a1 -> b1,
  // b2 -> a2), so they merge; e joins them through a2 -> e; f stands alone.
  auto clusters = CrossingClusters(*g, CrossingWeights(*g, EdgeObjective(EdgeWeight::kTensor)));
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_EQ(Ids(*g, clusters[0].nodes), (std::vector<std::string>{"a1", "a2", "b1", "b2", "e"}));
  EXPECT_EQ(clusters[0].param_bytes, 150);
  EXPECT_EQ(Ids(*g, clusters[1].nodes), (std::vector<std::string>{"f"}));
  // Unit weights link every edge: one cluster, and no cluster order.
  auto unit = CrossingClusters(*g, CrossingWeights(*g, EdgeObjective(EdgeWeight::kUnit)));
  ASSERT_EQ(unit.size(), 1u);
  EXPECT_EQ(unit[0].nodes.size(), 6u);
  EXPECT_TRUE(ClusterOrder(*g, CrossingWeights(*g, EdgeObjective(EdgeWeight::kUnit))).empty());
}

TEST(CrossingClusters, TensorModelLinksAProducerWithEveryConsumer) {
  // n0 (tensor 5) feeds n1 and n2; n1 (tensor 0) feeds n3.
  GraphBuilder b("fan");
  for (int v = 0; v < 4; ++v) {
    Node nd;
    nd.id = std::to_string(v);
    nd.param_bytes = 1;
    nd.output_bytes = v == 0 ? 5 : 0;
    b.AddNode(nd);
  }
  b.AddEdgeIdx(0, 1);
  b.AddEdgeIdx(0, 2);
  b.AddEdgeIdx(1, 3);
  auto g = b.Build();
  ASSERT_TRUE(g.ok());
  ObjectiveSpec o;
  o.comm_model = CommModel::kTensor;
  auto clusters = CrossingClusters(*g, CrossingWeights(*g, o));
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_EQ(clusters[0].nodes, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(clusters[1].nodes, (std::vector<int>{3}));
}

TEST(CrossingClusters, EveryProperDownSetOfAClusterCrossesAndTheOrderKeepsThemTogether) {
  std::mt19937_64 rng(20261207);
  int merged = 0;
  for (int i = 0; i < 60; ++i) {
    auto g = test_graphs::RandomWithEdgeBytes(rng, static_cast<int>(Uni(rng, 4, 12)), "r" + std::to_string(i), 1, 100, 1, 50);
    const CrossingWeights w(*g, EdgeObjective(EdgeWeight::kTensor));
    auto clusters = CrossingClusters(*g, w);
    std::vector<int> cluster_of(g->size(), -1);
    for (size_t c = 0; c < clusters.size(); ++c)
      for (int v : clusters[c].nodes) {
        EXPECT_EQ(cluster_of[v], -1) << "in two clusters";
        cluster_of[v] = static_cast<int>(c);
      }
    for (size_t c = 0; c + 1 < clusters.size(); ++c) EXPECT_GE(clusters[c].param_bytes, clusters[c + 1].param_bytes);
    // Brute force over the subsets of each small cluster: a down-set of its
    // induced subgraph other than empty and whole crosses a positive weight.
    for (const CrossingCluster& c : clusters) {
      const int k = static_cast<int>(c.nodes.size());
      if (k < 2 || k > 12) continue;
      auto sub = InducedProblem(test_graphs::StagesProblem(g, 2), c.nodes);
      ASSERT_TRUE(sub.ok());
      const Graph& h = sub->g();
      const CrossingWeights hw(h, EdgeObjective(EdgeWeight::kTensor));
      merged += k > 2;
      for (int mask = 1; mask + 1 < (1 << k); ++mask) {
        bool down = true;
        int64_t cut = 0;
        for (const Edge& e : h.edges()) {
          const bool in_src = mask >> e.src & 1, in_dst = mask >> e.dst & 1;
          down &= in_src || !in_dst;
          if (in_src && !in_dst) cut += EdgeCrossingWeight(h, e, EdgeWeight::kTensor);
        }
        if (down) EXPECT_GT(cut, 0) << g->name() << " mask " << mask;
      }
    }
    // The order is topological and each cluster a contiguous run.
    const std::vector<int> order = ClusterOrder(*g, w);
    if (clusters.size() < 2) {
      EXPECT_TRUE(order.empty());
      continue;
    }
    ASSERT_TRUE(g->IsTopologicalOrder(order)) << g->name();
    int runs = 1;
    for (size_t i = 1; i < order.size(); ++i) runs += cluster_of[order[i]] != cluster_of[order[i - 1]];
    EXPECT_EQ(runs, static_cast<int>(clusters.size())) << g->name();
  }
  EXPECT_GT(merged, 5);
}

TEST(CrossingClusters, TheInducedProblemKeepsBytesAndDropsConstraints) {
  auto g = TwoLinkedPairs();
  Problem p = test_graphs::StagesProblem(g, 3);
  p.objective = EdgeObjective(EdgeWeight::kTensor);
  p.constraints.max_stage_param_bytes = 100;
  p.constraints.pin["a1"] = 0;
  auto sub = InducedProblem(p, {0, 1, 2, 3});
  ASSERT_TRUE(sub.ok()) << sub.status().message();
  EXPECT_EQ(sub->stages, 3);
  EXPECT_EQ(sub->g().size(), 4);
  EXPECT_EQ(sub->g().num_edges(), 4);
  EXPECT_EQ(sub->g().total_param_bytes(), 100);
  EXPECT_FALSE(sub->constraints.nonempty_stages);
  EXPECT_TRUE(sub->constraints.pin.empty());
  EXPECT_EQ(sub->constraints.max_stage_param_bytes, 0);
  EXPECT_TRUE(sub->Validate().ok());
  // a1 alone in stage 0 pays a1 -> a2 (8 bytes) at one boundary; a1 -> b1
  // carries none.
  Schedule s;
  s.stage = {0, 1, 1, 1};
  EXPECT_DOUBLE_EQ(Evaluate(*sub, s).objective, 90 + 8);
}

}  // namespace
}  // namespace respect
