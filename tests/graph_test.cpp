#include <gtest/gtest.h>

#include "graph/graph.h"

namespace respect {
namespace {

Node N(const std::string& id, int64_t p = 0, int64_t out = 0) {
  Node n;
  n.id = id;
  n.param_bytes = p;
  n.output_bytes = out;
  return n;
}

//   a -> b -> d
//   a -> c -> d
Graph Diamond() {
  GraphBuilder b("diamond");
  for (const char* id : {"a", "b", "c", "d"}) b.AddNode(N(id));
  b.AddEdge("a", "b");
  b.AddEdge("a", "c");
  b.AddEdge("b", "d");
  b.AddEdge("c", "d");
  auto g = b.Build();
  EXPECT_TRUE(g.ok()) << g.status().message();
  return *g;
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
  GraphBuilder b("g");
  for (const char* id : {"a", "b", "c", "d", "e"}) b.AddNode(N(id));
  b.AddEdge("a", "b"); b.AddEdge("b", "c"); b.AddEdge("c", "d");
  b.AddEdge("a", "e"); b.AddEdge("e", "d");
  auto g = b.Build();
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->asap()[4], 1);
  EXPECT_EQ(g->alap()[4], 2);
  EXPECT_EQ(g->depth(), 4);
}

TEST(Graph, DuplicateEdgesMerge) {
  GraphBuilder b("g");
  b.AddNode(N("a"));
  b.AddNode(N("b"));
  b.AddEdge("a", "b");
  b.AddEdge("a", "b");
  auto g = b.Build();
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->num_edges(), 1);
}

TEST(GraphValidation, CycleIsNamed) {
  GraphBuilder b("cyc");
  for (const char* id : {"a", "b", "c", "d"}) b.AddNode(N(id));
  b.AddEdge("a", "b");
  b.AddEdge("b", "c");
  b.AddEdge("c", "d");
  b.AddEdge("d", "b");
  auto g = b.Build();
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(g.status().message().find("cycle"), std::string::npos);
  EXPECT_NE(g.status().message().find("b -> c -> d -> b"), std::string::npos) << g.status().message();
  EXPECT_EQ(g.status().message().find('\n'), std::string::npos);
}

TEST(GraphValidation, SelfLoop) {
  GraphBuilder b("g");
  b.AddNode(N("a"));
  b.AddEdge("a", "a");
  auto g = b.Build();
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("a -> a"), std::string::npos);
}

TEST(GraphValidation, UnknownEndpoint) {
  GraphBuilder b("g");
  b.AddNode(N("a"));
  b.AddEdge("a", "ghost");
  auto g = b.Build();
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("unknown target node 'ghost'"), std::string::npos);
}

TEST(GraphValidation, DuplicateId) {
  GraphBuilder b("g");
  b.AddNode(N("a"));
  b.AddNode(N("a"));
  auto g = b.Build();
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("duplicate node id 'a'"), std::string::npos);
}

TEST(GraphValidation, NegativeSizes) {
  for (int field = 0; field < 3; ++field) {
    GraphBuilder b("g");
    Node n = N("x");
    if (field == 0) n.param_bytes = -1;
    if (field == 1) n.output_bytes = -5;
    if (field == 2) n.macs = -2;
    b.AddNode(n);
    auto g = b.Build();
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.status().message().find("negative"), std::string::npos);
    EXPECT_NE(g.status().message().find("'x'"), std::string::npos);
  }
}

TEST(GraphValidation, Empty) {
  GraphBuilder b("nothing");
  auto g = b.Build();
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("empty"), std::string::npos);
}

}  // namespace
}  // namespace respect
