#include <gtest/gtest.h>

#include <set>

#include "synthetic/synthetic.h"

namespace respect {
namespace {

bool WeaklyConnected(const Graph& g) {
  std::vector<char> seen(g.size(), 0);
  std::vector<int> st{0};
  seen[0] = 1;
  int count = 1;
  while (!st.empty()) {
    int u = st.back();
    st.pop_back();
    auto visit = [&](int w) { if (!seen[w]) { seen[w] = 1; ++count; st.push_back(w); } };
    for (int w : g.children(u)) visit(w);
    for (int w : g.parents(u)) visit(w);
  }
  return count == g.size();
}

TEST(Rng, PinnedSequenceIsPortable) {
  // These values are fixed by the algorithm (xoshiro256** + splitmix64); if
  // they change, every dataset and test seed changes meaning.
  Rng r(42);
  const uint64_t a = r.Next();
  const uint64_t b = r.Next();
  Rng r2(42);
  EXPECT_EQ(r2.Next(), a);
  EXPECT_EQ(r2.Next(), b);
  Rng z(0);
  EXPECT_EQ(z.Next(), 11091344671253066420ULL);
  Rng u(7);
  for (int i = 0; i < 1000; ++i) {
    int64_t x = u.UniformInt(-3, 5);
    ASSERT_GE(x, -3);
    ASSERT_LE(x, 5);
    double d = u.Uniform01();
    ASSERT_GE(d, 0.0);
    ASSERT_LT(d, 1.0);
  }
}

TEST(Synthetic, PropertiesHoldAcrossSeedsAndDegrees) {
  for (int d = 2; d <= 6; ++d) {
    for (uint64_t seed = 1; seed <= 40; ++seed) {
      SyntheticSpec spec{30, 10, 25, d};
      Rng rng(seed * 100 + d);
      auto g = SampleSyntheticGraph(spec, &rng, "s");
      ASSERT_TRUE(g.ok()) << g.status().message();
      EXPECT_EQ(g->size(), 30);
      EXPECT_GE(g->depth(), 10);
      EXPECT_LE(g->depth(), 25);
      EXPECT_LE(g->max_in_degree(), d);
      EXPECT_TRUE(WeaklyConnected(*g));
      int sources = 0, zero = 0;
      for (int v = 0; v < g->size(); ++v) {
        if (g->parents(v).empty()) ++sources;
        if (g->node(v).param_bytes == 0) ++zero;
        // level == ASAP depth: some parent sits exactly one level up.
        if (v > 0) {
          bool one_up = false;
          for (int p : g->parents(v)) one_up |= g->asap()[p] == g->asap()[v] - 1;
          EXPECT_TRUE(one_up);
        }
      }
      EXPECT_EQ(sources, 1);
      EXPECT_GE(zero, 3);  // many zero-size ops
    }
  }
}

TEST(Synthetic, ReproducibleForASeed) {
  SyntheticSpec spec{50, 10, 25, 4};
  Rng a(9), b(9), c(10);
  auto g1 = SampleSyntheticGraph(spec, &a, "x");
  auto g2 = SampleSyntheticGraph(spec, &b, "x");
  auto g3 = SampleSyntheticGraph(spec, &c, "x");
  ASSERT_TRUE(g1.ok() && g2.ok() && g3.ok());
  ASSERT_EQ(g1->num_edges(), g2->num_edges());
  for (int i = 0; i < g1->num_edges(); ++i) {
    EXPECT_EQ(g1->edges()[i].src, g2->edges()[i].src);
    EXPECT_EQ(g1->edges()[i].dst, g2->edges()[i].dst);
  }
  for (int v = 0; v < 50; ++v) EXPECT_EQ(g1->node(v).param_bytes, g2->node(v).param_bytes);
  bool differs = g1->num_edges() != g3->num_edges();
  for (int v = 0; v < 50 && !differs; ++v) differs = g1->node(v).param_bytes != g3->node(v).param_bytes;
  EXPECT_TRUE(differs);
}

TEST(Synthetic, PinnedGraphForSeedOne) {
  // Cross-platform reproducibility: the same seed must give this exact graph
  // with any compiler. Pinned from the first run of this sampler.
  SyntheticSpec spec{30, 10, 25, 4};
  Rng rng(1);
  auto g = SampleSyntheticGraph(spec, &rng, "pin");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->num_edges(), 77);
  EXPECT_EQ(g->depth(), 15);
  EXPECT_EQ(g->total_param_bytes(), 23938816);
}

TEST(Synthetic, LargeGraphsAreFast) {
  SyntheticSpec spec{10000, 50, 200, 4};
  Rng rng(3);
  auto g = SampleSyntheticGraph(spec, &rng, "big");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->size(), 10000);
}

TEST(Synthetic, InvalidSpecs) {
  Rng rng(1);
  EXPECT_FALSE(SampleSyntheticGraph({1, 2, 3, 2}, &rng, "x").ok());
  EXPECT_FALSE(SampleSyntheticGraph({30, 12, 10, 2}, &rng, "x").ok());
  EXPECT_FALSE(SampleSyntheticGraph({30, 40, 50, 2}, &rng, "x").ok());
  EXPECT_FALSE(SampleSyntheticGraph({30, 10, 20, 0}, &rng, "x").ok());
}

}  // namespace
}  // namespace respect
