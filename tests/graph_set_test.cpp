// Synthetic graph sets (the training curriculum and benchmark sets) and the
// DNN-shaped sampler: exact sizes, one source, acyclic and connected,
// reproducible per (seed, size, index), disjoint for different seeds.
#include <set>

#include <gtest/gtest.h>

#include "core/rng.h"
#include "synthetic/graph_set.h"
#include "synthetic/synthetic.h"

namespace respect {
namespace {

int Sources(const Graph& g) {
  int k = 0;
  for (int v = 0; v < g.size(); ++v) k += g.parents(v).empty();
  return k;
}

TEST(DnnSampler, ExactSizeOneSourceRealisticOps) {
  std::set<std::string> ops;
  for (int n : {2, 3, 8, 30, 57, 300, 1000}) {
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      Rng rng(seed);
      auto g = SampleDnnGraph(n, &rng, "d");
      ASSERT_TRUE(g.ok()) << g.status().message();
      EXPECT_EQ(g->size(), n);
      EXPECT_EQ(Sources(*g), 1) << "n=" << n << " seed=" << seed;  // connected through the input
      EXPECT_TRUE(g->IsTopologicalOrder(g->topo_order()));
      EXPECT_GT(g->total_param_bytes(), n >= 8 ? 0 : -1);
      for (const Node& nd : g->nodes()) ops.insert(nd.op);
    }
  }
  for (const char* op : {"Add", "Concatenate", "DepthwiseConv2D", "Conv2D_1x1", "Conv2D_3x3", "Dense"})
    EXPECT_TRUE(ops.count(op)) << op;
  Rng rng(1);
  EXPECT_FALSE(SampleDnnGraph(1, &rng, "d").ok());
}

TEST(DnnSampler, NearChainWithJoins) {
  // DNN graphs are narrow: far fewer levels' worth of width than layered ones,
  // and they join branches (in-degree 2+).
  Rng rng(9);
  auto g = SampleDnnGraph(400, &rng, "d");
  ASSERT_TRUE(g.ok());
  EXPECT_GT(g->depth(), 400 / 4);
  EXPECT_GE(g->max_in_degree(), 2);
}

TEST(GraphSet, ReproducibleDisjointAndInRange) {
  GraphSetSpec spec;
  spec.sizes = {40, 20};
  spec.per_size = 4;
  spec.stages_min = 3;
  spec.stages_max = 6;
  auto a = SampleGraphSet(spec), b = SampleGraphSet(spec);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), 8u);
  for (size_t i = 0; i < a->size(); ++i) {
    const SetGraph& x = (*a)[i];
    EXPECT_EQ(x.graph->size(), i < 4 ? 40 : 20);  // in the order of `sizes`
    EXPECT_EQ(x.family, i % 2 ? "dnn" : "layered");
    EXPECT_GE(x.stages, 3);
    EXPECT_LE(x.stages, 6);
    EXPECT_EQ(x.graph->num_edges(), (*b)[i].graph->num_edges());
    EXPECT_EQ(x.graph->name(), (*b)[i].graph->name());
  }
  // Growing a size's count keeps the earlier graphs.
  spec.per_size = 5;
  auto c = SampleGraphSet(spec);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)[3].graph->num_edges(), (*a)[3].graph->num_edges());
  // Another seed draws other graphs.
  spec.seed = 2;
  auto d = SampleGraphSet(spec);
  ASSERT_TRUE(d.ok());
  int same = 0;
  for (int i = 0; i < 4; ++i) {
    const Graph& x = *(*a)[i].graph;
    const Graph& y = *(*d)[i].graph;
    same += x.num_edges() == y.num_edges() && x.total_param_bytes() == y.total_param_bytes();
  }
  EXPECT_LT(same, 4);
}

TEST(GraphSet, BadSpecsAreOneLineInvalid) {
  GraphSetSpec spec;
  EXPECT_FALSE(SampleGraphSet(spec).ok());  // no sizes
  spec.sizes = {1};
  EXPECT_FALSE(SampleGraphSet(spec).ok());
  spec.sizes = {10};
  spec.family = "resnet";
  auto r = SampleGraphSet(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("resnet"), std::string::npos);
  spec.family = "dnn";
  spec.stages_min = 5;
  spec.stages_max = 4;
  EXPECT_FALSE(SampleGraphSet(spec).ok());
  EXPECT_FALSE(ParseSyntheticFamily("dense").ok());
  EXPECT_EQ(*ParseSyntheticFamily("dnn"), SyntheticFamily::kDnn);
}

}  // namespace
}  // namespace respect
