// Model zoo: pinned layer-level structure of the Keras Applications models.
//
// |V| counts the Keras layers of the include_top=False model plus the source
// and sink; for the ten models of the RESPECT paper's Table I they equal the
// table (xception 134, resnet50 177, resnet101 347, resnet152 517,
// densenet121 429, resnet101v2 379, resnet152v2 566, densenet169 597,
// densenet201 709, inception_resnet_v2 782). Parameter totals are Keras's
// published include_top=False counts. |E| and depth are what the Keras layer
// connectivity gives (plus source/sink edges), pinned once.
#include "zoo/zoo.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

namespace respect {
namespace {

struct Expected {
  const char* name;
  int nodes;
  int edges;
  int depth;
  int64_t params;
};

const Expected kExpected[] = {
    {"densenet121", 429, 486, 429, 7037504},
    {"densenet169", 597, 678, 597, 12642880},
    {"densenet201", 709, 806, 709, 18321984},
    {"inception_resnet_v2", 782, 879, 572, 54336736},
    {"inception_v3", 313, 347, 159, 21802784},
    {"mobilenet", 88, 87, 88, 3228864},
    {"mobilenetv2", 156, 165, 156, 2257984},
    {"resnet101", 347, 379, 339, 42658176},
    {"resnet101v2", 379, 411, 372, 42626560},
    {"resnet152", 517, 566, 509, 58370944},
    {"resnet152v2", 566, 615, 559, 58331648},
    {"resnet50", 177, 192, 169, 23587712},
    {"resnet50v2", 192, 207, 185, 23564800},
    {"vgg16", 21, 20, 21, 14714688},
    {"vgg19", 24, 23, 24, 20024384},
    {"xception", 134, 145, 126, 20861480},
};

int FindByName(const Graph& g, const std::string& name) {
  for (int v = 0; v < g.size(); ++v)
    if (g.node(v).name == name) return v;
  return -1;
}

TEST(Zoo, ListIsSortedAndCoversAllModels) {
  std::vector<ZooEntry> list = ListZooModels();
  ASSERT_EQ(list.size(), std::size(kExpected));
  for (size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i].name, kExpected[i].name);
    EXPECT_FALSE(list[i].description.empty());
    if (i > 0) {
      EXPECT_LT(list[i - 1].name, list[i].name);
    }
  }
}

class ZooModel : public ::testing::TestWithParam<Expected> {};

TEST_P(ZooModel, StructureAndParameters) {
  const Expected& e = GetParam();
  StatusOr<Graph> r = BuildZooModel(e.name);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Graph& g = *r;
  EXPECT_EQ(g.name(), e.name);
  EXPECT_EQ(g.size(), e.nodes);
  EXPECT_EQ(g.num_edges(), e.edges);
  EXPECT_EQ(g.depth(), e.depth);
  EXPECT_EQ(g.total_param_bytes() % 4, 0);
  EXPECT_EQ(g.total_param_bytes() / 4, e.params);
  for (const ZooEntry& z : ListZooModels()) {
    if (z.name != e.name) continue;  // the description states the Keras layer count
    EXPECT_NE(z.description.find(std::to_string(e.nodes - 2) + " layers"), std::string::npos)
        << z.description;
  }

  // Exactly one source and one sink: the zero-size "source" and "sink".
  std::vector<int> sources, sinks;
  for (int v = 0; v < g.size(); ++v) {
    if (g.parents(v).empty()) sources.push_back(v);
    if (g.children(v).empty()) sinks.push_back(v);
  }
  ASSERT_EQ(sources.size(), 1u);
  ASSERT_EQ(sinks.size(), 1u);
  const Node& src = g.node(sources[0]);
  const Node& snk = g.node(sinks[0]);
  EXPECT_EQ(src.name, "source");
  EXPECT_EQ(snk.name, "sink");
  EXPECT_EQ(sources[0], 0);
  EXPECT_EQ(sinks[0], g.size() - 1);
  for (const Node* n : {&src, &snk}) {
    EXPECT_EQ(n->param_bytes, 0);
    EXPECT_EQ(n->output_bytes, 0);
    EXPECT_EQ(n->macs, 0);
  }
  // The source feeds only the input layer; the sink takes one output.
  ASSERT_EQ(g.children(0).size(), 1u);
  EXPECT_EQ(g.node(g.children(0)[0]).op, "InputLayer");
  EXPECT_EQ(g.parents(g.size() - 1).size(), 1u);

  // Integer ids 0..|V|-1, unique Keras layer names, every layer has a size.
  std::set<std::string> names;
  for (int v = 0; v < g.size(); ++v) {
    const Node& n = g.node(v);
    EXPECT_TRUE(n.id_is_int);
    EXPECT_EQ(n.id, std::to_string(v));
    EXPECT_TRUE(names.insert(n.name).second) << "duplicate layer name " << n.name;
    if (v != 0 && v != g.size() - 1) {
      EXPECT_GT(n.output_bytes, 0) << n.name;
      EXPECT_EQ(n.output_bytes % 4, 0) << n.name;
      EXPECT_FALSE(n.op.empty()) << n.name;
    }
    if (n.op == "Conv2D" || n.op == "DepthwiseConv2D" || n.op == "SeparableConv2D") {
      EXPECT_GT(n.param_bytes, 0) << n.name;
      EXPECT_GT(n.macs, 0) << n.name;
    }
  }
  EXPECT_EQ(g.topo_order().size(), static_cast<size_t>(g.size()));
}

INSTANTIATE_TEST_SUITE_P(AllModels, ZooModel, ::testing::ValuesIn(kExpected),
                         [](const ::testing::TestParamInfo<Expected>& info) {
                           return std::string(info.param.name);
                         });

TEST(Zoo, ResNet50LayerDetails) {
  StatusOr<Graph> r = BuildZooModel("resnet50");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Graph& g = *r;
  for (const char* name : {"input_1", "conv1_pad", "conv1_conv", "pool1_pool",
                           "conv2_block1_0_conv", "conv2_block1_1_conv", "conv4_block6_out",
                           "conv5_block3_out"})
    EXPECT_GE(FindByName(g, name), 0) << name;

  const int conv1 = FindByName(g, "conv1_conv");
  ASSERT_GE(conv1, 0);
  EXPECT_EQ(g.node(conv1).op, "Conv2D");
  EXPECT_EQ(g.node(conv1).output_bytes, 112 * 112 * 64 * 4);
  EXPECT_EQ(g.node(conv1).param_bytes, (7 * 7 * 3 * 64 + 64) * 4);
  EXPECT_EQ(g.node(conv1).macs, int64_t{112} * 112 * 7 * 7 * 3 * 64);

  const int input = FindByName(g, "input_1");
  EXPECT_EQ(g.node(input).output_bytes, 224 * 224 * 3 * 4);
  EXPECT_EQ(g.node(FindByName(g, "conv1_pad")).output_bytes, 230 * 230 * 3 * 4);
  EXPECT_EQ(g.node(FindByName(g, "pool1_pool")).output_bytes, 56 * 56 * 64 * 4);
  EXPECT_EQ(g.node(FindByName(g, "conv1_bn")).param_bytes, 4 * 64 * 4);

  // The model output feeds the sink.
  const int out = FindByName(g, "conv5_block3_out");
  EXPECT_EQ(g.node(out).output_bytes, 7 * 7 * 2048 * 4);
  ASSERT_EQ(g.children(out).size(), 1u);
  EXPECT_EQ(g.node(g.children(out)[0]).name, "sink");

  // A residual Add consumes the shortcut and the main branch.
  const int add = FindByName(g, "conv2_block1_add");
  ASSERT_GE(add, 0);
  EXPECT_EQ(g.node(add).op, "Add");
  std::set<std::string> add_inputs;
  for (int p : g.parents(add)) add_inputs.insert(g.node(p).name);
  EXPECT_EQ(add_inputs, (std::set<std::string>{"conv2_block1_0_bn", "conv2_block1_3_bn"}));
}

TEST(Zoo, OtherFamiliesOutputSizes) {
  struct Probe {
    const char* model;
    const char* layer;
    const char* op;
    int64_t output_bytes;
  };
  const Probe probes[] = {
      {"vgg16", "block5_pool", "MaxPooling2D", 7 * 7 * 512 * 4},
      {"densenet121", "conv2_block1_concat", "Concatenate", 56 * 56 * 96 * 4},
      {"densenet121", "relu", "Activation", 7 * 7 * 1024 * 4},
      {"xception", "block1_conv1", "Conv2D", 149 * 149 * 32 * 4},
      {"xception", "block14_sepconv2_act", "Activation", 10 * 10 * 2048 * 4},
      {"inception_v3", "mixed10", "Concatenate", 8 * 8 * 2048 * 4},
      {"inception_resnet_v2", "block35_1", "Lambda", 35 * 35 * 320 * 4},
      {"inception_resnet_v2", "conv_7b_ac", "Activation", 8 * 8 * 1536 * 4},
      {"mobilenet", "conv_pw_13_relu", "ReLU", 7 * 7 * 1024 * 4},
      {"mobilenetv2", "out_relu", "ReLU", 7 * 7 * 1280 * 4},
      {"resnet50v2", "post_relu", "Activation", 7 * 7 * 2048 * 4},
  };
  for (const Probe& p : probes) {
    StatusOr<Graph> r = BuildZooModel(p.model);
    ASSERT_TRUE(r.ok()) << r.status().message();
    const int v = FindByName(*r, p.layer);
    ASSERT_GE(v, 0) << p.model << ":" << p.layer;
    EXPECT_EQ(r->node(v).op, p.op) << p.model << ":" << p.layer;
    EXPECT_EQ(r->node(v).output_bytes, p.output_bytes) << p.model << ":" << p.layer;
  }
}

TEST(Zoo, ScaledResidualHasTwoInputs) {
  StatusOr<Graph> r = BuildZooModel("inception_resnet_v2");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const int v = FindByName(*r, "block17_20");
  ASSERT_GE(v, 0);
  std::set<std::string> inputs;
  for (int p : r->parents(v)) inputs.insert(r->node(p).name);
  EXPECT_EQ(inputs, (std::set<std::string>{"block17_19_ac", "block17_20_conv"}));
  // The last block8 has no activation: block8_10 feeds conv_7b directly.
  const int last = FindByName(*r, "block8_10");
  ASSERT_GE(last, 0);
  ASSERT_EQ(r->children(last).size(), 1u);
  EXPECT_EQ(r->node(r->children(last)[0]).name, "conv_7b");
  EXPECT_EQ(FindByName(*r, "block8_10_ac"), -1);
}

TEST(Zoo, UnknownNameListsKnownModels) {
  StatusOr<Graph> r = BuildZooModel("resnet51");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  const std::string& msg = r.status().message();
  EXPECT_NE(msg.find("resnet51"), std::string::npos) << msg;
  for (const ZooEntry& e : ListZooModels())
    EXPECT_NE(msg.find(e.name), std::string::npos) << msg;
}

TEST(Zoo, BuildingEverythingIsFast) {
  const auto start = std::chrono::steady_clock::now();
  for (const ZooEntry& e : ListZooModels()) ASSERT_TRUE(BuildZooModel(e.name).ok()) << e.name;
  const double ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(ms, 500.0);  // milliseconds in Release; generous for debug/sanitizer builds
}

}  // namespace
}  // namespace respect
