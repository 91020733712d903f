#include <gtest/gtest.h>

#include "graph/graph.h"

#include "test_graphs.h"

namespace respect {
namespace {

using test_graphs::BuildGraph;
using test_graphs::N;

using Edges = std::vector<std::pair<std::string, std::string>>;

// What building these nodes and edges returns (the tests below expect errors).
Status BuildStatus(const std::string& name, const std::vector<Node>& nodes, const Edges& edges) {
  GraphBuilder b(name);
  for (const Node& n : nodes) b.AddNode(n);
  for (const auto& [src, dst] : edges) b.AddEdge(src, dst);
  return b.Build().status();
}

//   a -> b -> d
//   a -> c -> d
Graph Diamond() {
  return *BuildGraph("diamond", {N("a"), N("b"), N("c"), N("d")}, {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}});
}

TEST(Graph, LevelsOrderAndReachability) {
  Graph g = Diamond();
  EXPECT_EQ(g.size(), 4);
  EXPECT_EQ(g.num_edges(), 4);
  EXPECT_EQ(g.depth(), 3);
  EXPECT_EQ(g.asap(), (std::vector<int>{0, 1, 1, 2}));
  EXPECT_EQ(g.alap(), (std::vector<int>{0, 1, 1, 2}));
  EXPECT_EQ(g.topo_order(), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(g.Descendants(0), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(g.Ancestors(3), (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(g.IsTopologicalOrder({0, 2, 1, 3}));
  EXPECT_FALSE(g.IsTopologicalOrder({1, 0, 2, 3}));
  EXPECT_FALSE(g.IsTopologicalOrder({0, 1, 2}));
  EXPECT_EQ(g.FindId("c"), 2);
  EXPECT_EQ(g.FindId("zz"), -1);
}

TEST(Graph, AlapOfShortBranch) {
  // a -> b -> c -> d, a -> e -> d : e can wait until level 2.
  auto g = BuildGraph("g", {N("a"), N("b"), N("c"), N("d"), N("e")},
                      {{"a", "b"}, {"b", "c"}, {"c", "d"}, {"a", "e"}, {"e", "d"}});
  EXPECT_EQ(g->asap()[4], 1);
  EXPECT_EQ(g->alap()[4], 2);
  EXPECT_EQ(g->depth(), 4);
}

TEST(Graph, DuplicateEdgesMerge) {
  auto g = BuildGraph("g", {N("a"), N("b")}, {{"a", "b"}, {"a", "b"}});
  EXPECT_EQ(g->num_edges(), 1);
}

TEST(GraphValidation, CycleIsNamed) {
  const Status st =
      BuildStatus("cyc", {N("a"), N("b"), N("c"), N("d")}, {{"a", "b"}, {"b", "c"}, {"c", "d"}, {"d", "b"}});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("cycle"), std::string::npos);
  EXPECT_NE(st.message().find("b -> c -> d -> b"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find('\n'), std::string::npos);
}

TEST(GraphValidation, SelfLoop) {
  const Status st = BuildStatus("g", {N("a")}, {{"a", "a"}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("a -> a"), std::string::npos);
}

TEST(GraphValidation, UnknownEndpoint) {
  const Status st = BuildStatus("g", {N("a")}, {{"a", "ghost"}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("unknown target node 'ghost'"), std::string::npos);
}

TEST(GraphValidation, DuplicateId) {
  const Status st = BuildStatus("g", {N("a"), N("a")}, {});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("duplicate node id 'a'"), std::string::npos);
}

TEST(GraphValidation, NegativeSizes) {
  for (int field = 0; field < 3; ++field) {
    Node n = N("x");
    if (field == 0) n.param_bytes = -1;
    if (field == 1) n.output_bytes = -5;
    if (field == 2) n.macs = -2;
    const Status st = BuildStatus("g", {n}, {});
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("negative"), std::string::npos);
    EXPECT_NE(st.message().find("'x'"), std::string::npos);
  }
}

TEST(GraphValidation, Empty) {
  const Status st = BuildStatus("nothing", {}, {});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("empty"), std::string::npos);
}

}  // namespace
}  // namespace respect
