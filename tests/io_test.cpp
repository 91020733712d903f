// Graph JSON / GML readers and the DOT writer, including malformed input.
#include <gtest/gtest.h>

#include "io/graph_io.h"
#include "io/output_guard.h"

#include "refusal.h"

namespace respect {
namespace {

TEST(GraphJson, ReadsDesignExampleAndDefaults) {
  const char* text = R"({"name": "tiny",
    "nodes": [{"id": 0, "name": "input_1", "op": "InputLayer", "param_bytes": 0, "output_bytes": 602112, "macs": 0},
              {"id": "conv", "param_bytes": 1.2e3},
              {"id": 7, "param_bytes": 4, "extra_key": [1, 2]}],
    "edges": [{"src": 0, "dst": "conv"}, {"src": "conv", "dst": 7}]})";
  auto g = ParseGraphJson(text, "t.json");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->name(), "tiny");
  EXPECT_EQ(g->size(), 3);
  EXPECT_EQ(g->num_edges(), 2);
  EXPECT_EQ(g->node(0).output_bytes, 602112);
  EXPECT_EQ(g->node(1).param_bytes, 1200);
  EXPECT_EQ(g->node(1).name, "conv");  // defaults to the id
  EXPECT_EQ(g->node(1).op, "");
  EXPECT_EQ(g->node(1).output_bytes, 0);
  EXPECT_TRUE(g->node(2).id_is_int);
}

TEST(GraphJson, RoundTrip) {
  const char* text = R"({"name": "rt", "nodes": [{"id": 1, "name": "a", "op": "Conv", "param_bytes": 10,
    "output_bytes": 3, "macs": 9}, {"id": "b", "param_bytes": 0}], "edges": [{"src": 1, "dst": "b"}]})";
  auto g = ParseGraphJson(text, "rt");
  ASSERT_TRUE(g.ok());
  auto g2 = ParseGraphJson(GraphToJson(*g), "rt2");
  ASSERT_TRUE(g2.ok()) << g2.status().message();
  EXPECT_EQ(GraphToJson(*g), GraphToJson(*g2));
  EXPECT_EQ(g2->node(0).macs, 9);
  EXPECT_TRUE(g2->node(0).id_is_int);
  EXPECT_FALSE(g2->node(1).id_is_int);
}

using test_refusal::Refusal;

void ExpectJsonError(const Refusal& r) {
  test_refusal::ExpectRefused(r, [](const char* text) { return ParseGraphJson(text, "bad.json"); }, "bad.json");
}

TEST(GraphJson, MalformedInputsGiveOneLineErrors) {
  const Refusal cases[] = {
      {"{\"nodes\": [", "invalid JSON at byte"},
      {"[1,2]", "top level must be an object"},
      {"{\"edges\": []}", "'nodes' must be an array"},
      {"{\"nodes\": []}", "empty"},
      {"{\"nodes\": [{\"param_bytes\": 1}]}", "nodes[0] has no 'id'"},
      {"{\"nodes\": [{\"id\": 1}]}", "nodes[0] has no 'param_bytes'"},
      {"{\"nodes\": [{\"id\": 1, \"param_bytes\": \"big\"}]}", "'param_bytes' must be a number"},
      {"{\"nodes\": [{\"id\": 1, \"param_bytes\": 1.5}]}", "must be a whole number"},
      {"{\"nodes\": [{\"id\": [1], \"param_bytes\": 1}]}", "must be an integer or a string"},
      {"{\"nodes\": [{\"id\": 1, \"param_bytes\": -3}]}", "negative param_bytes"},
      {"{\"nodes\": [{\"id\": 1, \"param_bytes\": 0}, {\"id\": 1, \"param_bytes\": 0}]}", "duplicate node id '1'"},
      {"{\"nodes\": [{\"id\": 1, \"param_bytes\": 0}], \"edges\": [{\"src\": 1, \"dst\": 2}]}",
       "unknown target node '2'"},
      {"{\"nodes\": [{\"id\": 1, \"param_bytes\": 0}], \"edges\": [{\"src\": 1}]}", "'src' and 'dst'"},
      {"{\"nodes\": [{\"id\": 1, \"param_bytes\": 0}, {\"id\": 2, \"param_bytes\": 0}], \"edges\": "
       "[{\"src\": 1, \"dst\": 2}, {\"src\": 2, \"dst\": 1}]}",
       "cycle"},
  };
  for (const Refusal& r : cases) ExpectJsonError(r);
}

// Numbers a JSON writer can produce but int64 cannot hold: never a crash,
// never a wrapped (negative) size.
TEST(GraphJson, OutOfRangeNumbersAreRefused) {
  const Refusal cases[] = {
      {"{\"nodes\": [{\"id\": 1, \"param_bytes\": 1e999}]}", "number overflow"},
      {"{\"nodes\": [{\"id\": 1, \"param_bytes\": 18446744073709551615}]}", "'param_bytes' is too large"},
      {"{\"nodes\": [{\"id\": 1, \"param_bytes\": 9223372036854775808}]}", "'param_bytes' is too large"},
      {"{\"nodes\": [{\"id\": 1, \"param_bytes\": 1e300}]}", "'param_bytes' is out of range"},
      {"{\"nodes\": [{\"id\": 1, \"param_bytes\": 0, \"macs\": -1e19}]}", "'macs' is out of range"},
  };
  for (const Refusal& r : cases) ExpectJsonError(r);
}

TEST(GraphJson, MissingFileIsIoError) {
  auto g = ReadGraphJson("/nonexistent/dir/x.json");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kIoError);
  EXPECT_NE(g.status().message().find("/nonexistent/dir/x.json"), std::string::npos);
}

// As networkx.write_gml writes a DiGraph with a node attribute `parameter`.
const char* kNetworkxGml = R"(graph [
  directed 1
  node [
    id 0
    label "0"
    parameter 0
  ]
  node [
    id 1
    label "conv&amp;bn"
    parameter 4096
    output_bytes 100
  ]
  node [
    id 2
    label "2"
    parameter 1.5E3
  ]
  edge [
    source 0
    target 1
    parameter 7
  ]
  edge [
    source 1
    target 2
  ]
]
)";

TEST(GraphGml, ReadsNetworkxOutput) {
  auto g = ParseGraphGml(kNetworkxGml, "dir/bench_graph.gml");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->name(), "bench_graph");
  EXPECT_EQ(g->size(), 3);
  EXPECT_EQ(g->num_edges(), 2);
  EXPECT_EQ(g->node(1).name, "conv&bn");
  EXPECT_EQ(g->node(1).param_bytes, 4096);
  EXPECT_EQ(g->node(1).output_bytes, 100);
  EXPECT_EQ(g->node(2).param_bytes, 1500);
  EXPECT_EQ(g->edges()[0].bytes, 7);
  EXPECT_FALSE(g->edges()[1].has_bytes());
  EXPECT_TRUE(g->node(0).id_is_int);
}

TEST(GraphGml, Malformed) {
  const Refusal cases[] = {
      {"graph [ node [ id 0 ", "missing ']'"},
      {"graph [ node [ id 0 parameter abc ] ]", "is not a number"},
      {"graph [ node [ label \"x\" ] ]", "has no id"},
      {"graph [ node [ id 0 ] edge [ source 0 ] ]", "'source' and 'target'"},
      {"graph [ node [ id 0 ] edge [ source 0 target 5 ] ]", "unknown target node '5'"},
      {"nodes [ ]", "no 'graph [ ... ]' block"},
      {"graph [ node [ id 0 label \"unterminated ] ]", "unterminated string"},
      {"graph [ ]", "empty"},
      {"graph [ node [ id 0 parameter -4 ] ]", "negative"},
      {"graph [ directed 0 node [ id 0 ] ]", "bad.gml: the graph is undirected ('directed 0')"},
      // A line break inside a name stays escaped: the error is one line.
      {"graph [ directed 1 node [ id \"a\nb\" ] node [ id \"a\nb\" ] ]", "duplicate node id 'a\\nb'"},
      {"graph [ directed 1 node [ id 0 parameter 1e300 ] ]", "'parameter' is out of range"},
  };
  for (const Refusal& r : cases)
    test_refusal::ExpectRefused(r, [](const char* text) { return ParseGraphGml(text, "bad.gml"); });
}

TEST(GraphGml, HugeOrFractionalIdsKeepTheirText) {
  auto g = ParseGraphGml("graph [ directed 1 node [ id 1e300 ] node [ id 1.5 ] edge [ source 1.5 target 1e300 ] ]",
                         "ids.gml");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->node(0).id, "1e300");
  EXPECT_FALSE(g->node(0).id_is_int);
  EXPECT_EQ(g->num_edges(), 1);
  EXPECT_FALSE(GraphToJson(*g).empty());  // writing ids back must not throw
}

TEST(FileUtil, DirectoriesAreNotFiles) {
  const std::string dir = ::testing::TempDir();
  auto t = ReadTextFile(dir);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(t.status().message().find("is a directory, not a file"), std::string::npos);
  EXPECT_FALSE(ReadGraphJson(dir).ok());
}

TEST(FileUtil, SafeFileStemStaysInTheDirectory) {
  EXPECT_EQ(SafeFileStem("resnet50"), "resnet50");
  EXPECT_EQ(SafeFileStem("../../x"), "___.._x");
  EXPECT_EQ(SafeFileStem(".."), "__");
  EXPECT_EQ(SafeFileStem("/etc/passwd"), "_etc_passwd");
  EXPECT_EQ(SafeFileStem(""), "_");
  EXPECT_EQ(SafeFileStem("a b\\c"), "a_b_c");
  EXPECT_EQ(SafeFileStem(std::string(500, 'a')).size(), 200u);
}

TEST(GraphDot, ColoursByStageAndMarksCrossingEdges) {
  auto g = ParseGraphGml(kNetworkxGml, "g.gml");
  ASSERT_TRUE(g.ok());
  std::vector<int> stage{0, 0, 1};
  std::string dot = GraphToDot(*g, &stage, 2);
  EXPECT_NE(dot.find("subgraph cluster_stage0"), std::string::npos);
  EXPECT_NE(dot.find("subgraph cluster_stage1"), std::string::npos);
  EXPECT_NE(dot.find("n1 -> n2 [constraint=false, color=red"), std::string::npos);
  EXPECT_NE(dot.find("n0 -> n1 [constraint=false];"), std::string::npos);
  EXPECT_NE(dot.find("conv&bn"), std::string::npos);
  EXPECT_NE(dot.find("rankdir=LR"), std::string::npos);
  EXPECT_EQ(GraphToDot(*g).find("cluster"), std::string::npos);
}

// Lines of a label are joined by DOT's own \n escape (one backslash in the
// file); a backslash or quote inside a name is escaped once.
TEST(GraphDot, LabelLineBreaksAreNotEscapedTwice) {
  GraphBuilder b("esc");
  b.AddNode({"a", false, "in\\put \"x\"", "Conv2D", 2 * 1048576, 0, 0});
  b.AddNode({"b", false, "out", "", 0, 0, 0});
  b.AddEdge("a", "b");
  auto g = b.Build();
  ASSERT_TRUE(g.ok());
  const std::string dot = GraphToDot(*g);
  EXPECT_NE(dot.find("[label=\"in\\\\put \\\"x\\\"\\nConv2D\\n2.00 MiB\"]"), std::string::npos) << dot;
  EXPECT_EQ(dot.find("\\\\n"), std::string::npos) << dot;  // no escaped backslash before an n
}

// A deep chain is cut into columns, each a rank of its own, ordered left to
// right by invisible edges: the picture is not one rank per level.
TEST(GraphDot, DeepGraphIsDrawnInColumns) {
  GraphBuilder b("chain");
  for (int v = 0; v < 200; ++v) {
    b.AddNode({std::to_string(v), true, "v" + std::to_string(v), "", 0, 0, 0});
    if (v > 0) b.AddEdge(std::to_string(v - 1), std::to_string(v));
  }
  auto g = b.Build();
  ASSERT_TRUE(g.ok());
  std::vector<int> stage(200, 0);
  for (int v = 100; v < 200; ++v) stage[v] = 1;
  const std::string dot = GraphToDot(*g, &stage, 2);
  size_t columns = 0;
  for (size_t at = dot.find("rank=same"); at != std::string::npos; at = dot.find("rank=same", at + 1)) ++columns;
  EXPECT_EQ(columns, 10u);  // ceil(sqrt(400)) = 20 nodes per column, 100 per stage
  EXPECT_NE(dot.find("n0 -> n20 [style=invis"), std::string::npos);
  EXPECT_NE(dot.find("n80 -> n100 [style=invis"), std::string::npos);
  EXPECT_NE(dot.find("n99 -> n100 [constraint=false, color=red"), std::string::npos);
}

TEST(FileUtil, ProtectedInputIsNeverOverwritten) {
  const std::string path = ::testing::TempDir() + "/respect_protected.json";
  ASSERT_TRUE(WriteTextFile(path, "original").ok());
  ProtectInputPath(path);
  Status s = WriteTextFile(path, "clobbered");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("refusing to overwrite input"), std::string::npos);
  EXPECT_EQ(*ReadTextFile(path), "original");
}

// An input registered inside a scope is protected until the scope ends, then
// writable again; one registered outside stays protected.
TEST(FileUtil, ScopedInputIsProtectedOnlyInsideItsScope) {
  const std::string dir = ::testing::TempDir();
  const std::string scoped = dir + "/respect_scoped_in.json", lasting = dir + "/respect_lasting_in.json";
  ASSERT_TRUE(WriteTextFile(scoped, "a").ok());
  ASSERT_TRUE(WriteTextFile(lasting, "b").ok());
  {
    ProtectedInputScope outer;
    ProtectInputPath(scoped);
    {
      ProtectedInputScope inner;
      ProtectInputPath(lasting);
    }
    EXPECT_TRUE(CheckWritable(lasting).ok());  // the inner scope's input is forgotten
    EXPECT_FALSE(CheckWritable(scoped).ok());
    ProtectInputPath(lasting);  // the outer scope again
  }
  EXPECT_TRUE(CheckWritable(scoped).ok());
  EXPECT_TRUE(CheckWritable(lasting).ok());
  ProtectInputPath(lasting);  // no scope: for the rest of the process
  { ProtectedInputScope other; }
  EXPECT_FALSE(CheckWritable(lasting).ok());
  ClearProtectedInputs();
}

}  // namespace
}  // namespace respect
