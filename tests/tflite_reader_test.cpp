// TFLite reader: fixtures built in-process (no network) and, when fetched by
// scripts/fetch_models.sh, the real SSD MobileNet V2 models.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "tflite/model_cache.h"
#include "tflite/tflite_fixtures.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"
#include "tflite/tflite_types.h"

namespace respect {
namespace {

TfliteModelInfo Read(const std::vector<uint8_t>& bytes, const std::string& origin = "fixture.tflite") {
  auto info = ReadTfliteBytes(bytes.data(), bytes.size(), origin);
  EXPECT_TRUE(info.ok()) << info.status().message();
  return info.ok() ? *info : TfliteModelInfo{};
}

std::string RealModel(const char* name) {
  return FindCachedModel(name, {std::string(RESPECT_BINARY_DIR) + "/models"});
}

TEST(TfliteTypes, NamesAndSizes) {
  EXPECT_EQ(BuiltinOpName(0), "ADD");
  EXPECT_EQ(BuiltinOpName(3), "CONV_2D");
  EXPECT_EQ(BuiltinOpName(9), "FULLY_CONNECTED");
  EXPECT_EQ(BuiltinOpName(32), "CUSTOM");
  EXPECT_EQ(BuiltinOpName(124), "DENSIFY");
  EXPECT_EQ(BuiltinOpName(126), "BATCH_MATMUL");
  EXPECT_EQ(BuiltinOpName(150), "GELU");
  EXPECT_EQ(BuiltinOpName(206), "STABLEHLO_COMPOSITE");
  EXPECT_EQ(BuiltinOpName(5000), "BUILTIN_5000");
  EXPECT_EQ(BuiltinOpName(-3), "BUILTIN_-3");
  EXPECT_EQ(ResolveBuiltinCode(3, 0), 3);     // old writer: only the byte
  EXPECT_EQ(ResolveBuiltinCode(127, 150), 150);  // new writer: placeholder + int
  EXPECT_EQ(TensorTypeName(9), "int8");
  EXPECT_EQ(TensorBytes({1, 8, 8, 3}, 9), 192);
  EXPECT_EQ(TensorBytes({2, 3}, 0), 24);
  EXPECT_EQ(TensorBytes({3}, 17), 2);  // int4 packs two per byte
  EXPECT_EQ(TensorBytes({}, 0), 4);    // scalar
  EXPECT_EQ(TensorBytes({-1, 4}, 0), -1);
  EXPECT_EQ(TensorBytes({4}, 5), -1);  // string: no fixed size
  EXPECT_EQ(TensorBytes({1 << 30, 1 << 30, 1 << 30}, 0), INT64_MAX);
}

TEST(TfliteReader, TinyInt8ConvModel) {
  const auto bytes = BuildTinyConvModel(FixtureQuant::kInt8);
  const TfliteModelInfo info = Read(bytes);
  ASSERT_EQ(info.operators.size(), 5u);
  EXPECT_EQ(info.schema_version, 3u);
  EXPECT_EQ(info.name, "fixture");
  EXPECT_FALSE(info.edgetpu_compiled);
  const std::vector<std::string> ops = {"CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "RESHAPE", "FULLY_CONNECTED"};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(info.operators[i].op, ops[i]);
  // Parameter bytes: filters (int8) + biases (int32) + the reshape shape.
  EXPECT_EQ(info.operators[0].param_bytes, 4 * 3 * 3 * 3 + 4 * 4);
  EXPECT_EQ(info.operators[1].param_bytes, 3 * 3 * 4 + 4 * 4);
  EXPECT_EQ(info.operators[2].param_bytes, 0);
  EXPECT_EQ(info.operators[3].param_bytes, 8);
  EXPECT_EQ(info.operators[4].param_bytes, 10 * 256 + 10 * 4);
  EXPECT_EQ(info.total_param_bytes, 108 + 16 + 36 + 16 + 8 + 2560 + 40);
  EXPECT_EQ(info.operators[0].output_bytes, 8 * 8 * 4);
  EXPECT_EQ(info.operators[4].output_bytes, 10);
  EXPECT_EQ(info.operators[0].macs, 8 * 8 * 4 * 27);
  EXPECT_EQ(info.operators[1].macs, 8 * 8 * 4 * 9);
  EXPECT_EQ(info.operators[4].macs, 10 * 256);
  EXPECT_EQ(info.operators[0].name, "conv/out");
  ASSERT_EQ(info.inputs.size(), 1u);
  EXPECT_EQ(info.tensors[info.inputs[0]].name, "input");
  EXPECT_EQ(info.tensors[info.inputs[0]].type_name, "int8");
  EXPECT_TRUE(info.tensors[info.inputs[0]].quantized);
  EXPECT_EQ(info.tensors[info.outputs[0]].name, "logits");

  auto g = TfliteToGraph(info);
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->size(), 5);
  EXPECT_EQ(g->name(), "fixture");
  EXPECT_EQ(g->num_edges(), 5);  // conv->dw, conv->add, dw->add, add->reshape, reshape->fc
  EXPECT_EQ(g->node(0).id, "0");
  EXPECT_TRUE(g->node(0).id_is_int);
  EXPECT_EQ(g->node(2).op, "ADD");
  EXPECT_EQ(g->parents(2), (std::vector<int>{0, 1}));
  EXPECT_EQ(g->total_param_bytes(), info.total_param_bytes);
  std::vector<int> identity = {0, 1, 2, 3, 4};
  EXPECT_EQ(g->topo_order(), identity);
}

TEST(TfliteReader, Uint8Variant) {
  const TfliteModelInfo info = Read(BuildTinyConvModel(FixtureQuant::kUint8));
  ASSERT_EQ(info.operators.size(), 5u);
  EXPECT_EQ(info.tensors[info.inputs[0]].type_name, "uint8");
}

TEST(TfliteReader, Fp16WeightsBehindDequantize) {
  const TfliteModelInfo info = Read(BuildFp16WeightsModel());
  ASSERT_EQ(info.operators.size(), 2u);
  EXPECT_EQ(info.operators[0].op, "DEQUANTIZE");
  EXPECT_EQ(info.operators[0].param_bytes, 8 * 16 * 2);  // float16 stored bytes
  EXPECT_EQ(info.operators[0].output_bytes, 8 * 16 * 4); // float32 expanded
  EXPECT_EQ(info.operators[1].param_bytes, 8 * 4);       // bias only; weights come from DEQUANTIZE
  bool noted = false;
  for (const auto& n : info.notes) noted |= n.find("float16") != std::string::npos;
  EXPECT_TRUE(noted);
  auto g = TfliteToGraph(info);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->num_edges(), 1);
}

TEST(TfliteReader, SparseWeightsBehindDensify) {
  const TfliteModelInfo info = Read(BuildSparseWeightsModel());
  ASSERT_EQ(info.operators.size(), 2u);
  EXPECT_EQ(info.operators[0].op, "DENSIFY");
  EXPECT_EQ(info.operators[0].param_bytes, 6 * 4);       // only the stored non-zeros
  EXPECT_EQ(info.operators[0].output_bytes, 4 * 8 * 4);  // the dense matrix
  int sparse = 0;
  for (const auto& t : info.tensors) sparse += t.sparse;
  EXPECT_EQ(sparse, 1);
}

TEST(TfliteReader, DetectionPostprocessMultiOutput) {
  const TfliteModelInfo info = Read(BuildDetectionPostprocessModel());
  ASSERT_EQ(info.operators.size(), 1u);
  const auto& op = info.operators[0];
  EXPECT_EQ(op.op, "TFLite_Detection_PostProcess");
  EXPECT_EQ(op.builtin_code, 32);
  EXPECT_EQ(op.custom_code, "TFLite_Detection_PostProcess");
  EXPECT_EQ(op.outputs.size(), 4u);
  EXPECT_EQ(op.output_bytes, (12 + 3 + 3 + 1) * 4);
  EXPECT_EQ(op.param_bytes, 6 * 4 * 4);  // anchors
  EXPECT_GT(op.custom_options_bytes, 0);
  EXPECT_EQ(op.name, "TFLite_Detection_PostProcess");
  EXPECT_EQ(info.outputs.size(), 4u);
}

TEST(TfliteReader, EdgeTpuCompiledModelIsFlagged) {
  const TfliteModelInfo info = Read(BuildEdgeTpuCompiledModel());
  EXPECT_TRUE(info.edgetpu_compiled);
  EXPECT_EQ(info.edgetpu_ops, 1);
  EXPECT_NE(info.message.find("already compiled for the Edge TPU"), std::string::npos);
  EXPECT_EQ(info.operators[0].op, "edgetpu-custom-op");
  EXPECT_EQ(info.operators[0].param_bytes, 4096);  // the compiled executable
  EXPECT_NE(SummarizeTflite(info).find("EDGE TPU"), std::string::npos);
}

TEST(TfliteReader, FileRoundTripAndErrors) {
  const std::string path = testing::TempDir() + "/tiny_reader.tflite";
  const auto bytes = BuildTinyConvModel();
  {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  auto info = ReadTfliteFile(path);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->name, "tiny_reader");
  EXPECT_EQ(info->file_bytes, static_cast<int64_t>(bytes.size()));
  auto g = LoadTfliteGraph(path);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->size(), 5);

  auto missing = ReadTfliteFile(path + ".does-not-exist");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  EXPECT_NE(missing.status().message().find("does-not-exist"), std::string::npos);
}

TEST(TfliteReader, LargeModelBuilder) {
  const auto bytes = BuildLargeFcModel(4 << 20, 8);
  const TfliteModelInfo info = Read(bytes);
  EXPECT_EQ(info.operators.size(), 8u);
  EXPECT_NEAR(static_cast<double>(info.total_param_bytes), 4.0 * (1 << 20), 0.05 * (4 << 20));
}

TEST(TfliteReader, RealSsdMobilenetV2Quant) {
  const std::string path = RealModel(kSsdMobilenetV2Quant);
  if (path.empty()) GTEST_SKIP() << "model not fetched; run scripts/fetch_models.sh";
  auto info = ReadTfliteFile(path);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_FALSE(info->edgetpu_compiled);
  EXPECT_GT(info->operators.size(), 50u);
  EXPECT_EQ(info->operators.back().op, "TFLite_Detection_PostProcess");
  EXPECT_EQ(info->outputs.size(), 4u);
  EXPECT_EQ(info->tensors[info->inputs[0]].type_name, "uint8");
  EXPECT_GT(info->total_param_bytes, 4'000'000);
  EXPECT_LE(info->total_param_bytes, info->file_bytes);
  auto g = TfliteToGraph(*info);
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->size(), static_cast<int>(info->operators.size()));
  EXPECT_TRUE(g->IsTopologicalOrder([&] {
    std::vector<int> o(g->size());
    for (int i = 0; i < g->size(); ++i) o[i] = i;
    return o;
  }()));
  std::cout << SummarizeTflite(*info);
}

TEST(TfliteReader, RealSsdMobilenetV2EdgeTpu) {
  const std::string path = RealModel(kSsdMobilenetV2QuantEdgeTpu);
  if (path.empty()) GTEST_SKIP() << "model not fetched; run scripts/fetch_models.sh";
  auto info = ReadTfliteFile(path);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_TRUE(info->edgetpu_compiled);
  EXPECT_GE(info->edgetpu_ops, 1);
  std::cout << SummarizeTflite(*info);
}

}  // namespace
}  // namespace respect
