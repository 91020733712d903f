// TFLite reader: fixtures built in-process (no network) and, when fetched by
// scripts/fetch_models.sh, the real SSD MobileNet V2 models.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>

#include "tflite/model_cache.h"
#include "tflite/tflite_fixtures.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"
#include "tflite/tflite_types.h"
#include "deploy/segmenter.h"
#include "tflite_schema_generated.h"

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
  // 5 operators, then the boundary nodes: start, end, the model input.
  ASSERT_EQ(g->size(), 8);
  EXPECT_EQ(g->name(), "fixture");
  // conv->dw, conv->add, dw->add, add->reshape, reshape->fc; input->conv,
  // input->start, start->conv (the only operator without operator parents),
  // fc->end (the only one without children, and it writes the output).
  EXPECT_EQ(g->num_edges(), 9);
  EXPECT_EQ(g->node(5).op, kPipelineStartOp);
  EXPECT_EQ(g->node(6).op, kPipelineEndOp);
  EXPECT_EQ(g->node(7).op, kModelInputOp);
  EXPECT_EQ(g->node(7).name, "input");
  EXPECT_EQ(g->node(7).output_bytes, info.tensors[info.inputs[0]].bytes);
  EXPECT_EQ(g->node(7).param_bytes, 0);
  EXPECT_EQ(g->children(7), (std::vector<int>{5, 0}));  // insertion order
  EXPECT_EQ(g->parents(6), (std::vector<int>{4}));
  for (int v = 0; v < 5; ++v) EXPECT_FALSE(IsBoundaryNode(g->node(v)));
  for (int v = 5; v < 8; ++v) EXPECT_TRUE(IsBoundaryNode(g->node(v)));
  EXPECT_EQ(g->node(0).id, "0");
  EXPECT_TRUE(g->node(0).id_is_int);
  EXPECT_EQ(g->node(2).op, "ADD");
  EXPECT_EQ(g->parents(2), (std::vector<int>{0, 1}));
  EXPECT_EQ(g->total_param_bytes(), info.total_param_bytes);
  EXPECT_EQ(g->topo_order(), (std::vector<int>{7, 5, 0, 1, 2, 3, 4, 6}));
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
  // dequantize->conv; input->conv, input->start, start->dequantize, conv->end.
  EXPECT_EQ(g->num_edges(), 5);
  // The DEQUANTIZE does not read the input, yet it cannot run before the
  // pipeline start: the input is in stage 0 whatever the schedule.
  EXPECT_EQ(g->parents(0), (std::vector<int>{2}));
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
  EXPECT_EQ(g->size(), 5 + 3);  // operators + start, end, input

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

// A model in the > 2 GB layout (small here): buffer 1 and the custom
// options of operator 1 live after the flatbuffer, found by offset/size.
std::vector<uint8_t> ExternalDataModel(uint64_t offset_shift) {
  namespace fb = flatbuffers;
  const std::vector<float> w{1, 2, 3, 4};
  const std::vector<uint8_t> custom{9, 8, 7, 6, 5};
  auto build = [&](uint64_t data_at) {
    fb::FlatBufferBuilder fbb;
    std::vector<fb::Offset<tfl::Buffer>> buffers{tfl::CreateBuffer(fbb),
                                                 tfl::CreateBuffer(fbb, 0, data_at + offset_shift, 16)};
    auto tensor = [&](const char* name, uint32_t buffer) {
      return tfl::CreateTensor(fbb, fbb.CreateVector(std::vector<int32_t>{4}), tfl::TensorType::FLOAT32, buffer,
                               fbb.CreateString(name));
    };
    std::vector<fb::Offset<tfl::Tensor>> tensors{tensor("x", 0), tensor("w", 1), tensor("y", 0), tensor("z", 0)};
    std::vector<fb::Offset<tfl::OperatorCode>> codes{
        tfl::CreateOperatorCode(fbb, 0, 0, 1, tfl::BuiltinOperator::ADD),
        tfl::CreateOperatorCode(fbb, 32, fbb.CreateString("MyCustomOp"), 1, tfl::BuiltinOperator::CUSTOM)};
    std::vector<fb::Offset<tfl::Operator>> ops{
        tfl::CreateOperator(fbb, 0, fbb.CreateVector(std::vector<int32_t>{0, 1}),
                            fbb.CreateVector(std::vector<int32_t>{2}), tfl::BuiltinOptions::AddOptions,
                            tfl::CreateAddOptions(fbb).Union()),
        tfl::CreateOperator(fbb, 1, fbb.CreateVector(std::vector<int32_t>{2}),
                            fbb.CreateVector(std::vector<int32_t>{3}), tfl::BuiltinOptions::NONE, 0, 0,
                            tfl::CustomOptionsFormat::FLEXBUFFERS, 0, 0, data_at + 16, custom.size())};
    std::vector<fb::Offset<tfl::SubGraph>> sgs{tfl::CreateSubGraph(
        fbb, fbb.CreateVector(tensors), fbb.CreateVector(std::vector<int32_t>{0}),
        fbb.CreateVector(std::vector<int32_t>{3}), fbb.CreateVector(ops))};
    tfl::FinishModelBuffer(fbb, tfl::CreateModel(fbb, 3, fbb.CreateVector(codes), fbb.CreateVector(sgs), 0,
                                                 fbb.CreateVector(buffers)));
    return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  };
  const size_t size = build(1 << 20).size();  // same layout whatever the offset value
  const uint64_t data_at = (size + 15) / 16 * 16;
  std::vector<uint8_t> bytes = build(data_at);
  bytes.resize(data_at, 0);
  const uint8_t* wb = reinterpret_cast<const uint8_t*>(w.data());
  bytes.insert(bytes.end(), wb, wb + 16);
  bytes.insert(bytes.end(), custom.begin(), custom.end());
  return bytes;
}

TEST(TfliteReader, ExternalBuffersAndCustomOptions) {
  auto model = TfliteModel::FromBytes(ExternalDataModel(0), "external.tflite");
  ASSERT_TRUE(model.ok()) << model.status().message();
  const TfliteModelInfo info = DescribeTflite(*model);
  EXPECT_EQ(info.operators[0].param_bytes, 16);
  EXPECT_EQ(info.operators[1].op, "MyCustomOp");
  EXPECT_EQ(info.operators[1].custom_options_bytes, 5);
  const ByteSpan w = model->BufferData(1);
  ASSERT_EQ(w.size, 16u);
  float f[4];
  std::memcpy(f, w.data, 16);
  EXPECT_EQ(f[3], 4.0f);
  // Segments carry the external bytes inline, and say so.
  auto segs = SegmentModel(*model, {0, 1}, 2);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  auto s0 = TfliteModel::FromBytes((*segs)[0].bytes, "s0");
  auto s1 = TfliteModel::FromBytes((*segs)[1].bytes, "s1");
  ASSERT_TRUE(s0.ok() && s1.ok());
  const ByteSpan w0 = s0->BufferData(1);
  EXPECT_EQ(std::vector<uint8_t>(w0.data, w0.data + w0.size), std::vector<uint8_t>(w.data, w.data + w.size));
  const ByteSpan c1 = s1->CustomOptions(0);
  EXPECT_EQ(std::vector<uint8_t>(c1.data, c1.data + c1.size), (std::vector<uint8_t>{9, 8, 7, 6, 5}));
  EXPECT_FALSE((*segs)[0].notes.empty());
  // An offset past the end of the file is refused.
  auto bad = TfliteModel::FromBytes(ExternalDataModel(1 << 20), "bad.tflite");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("outside the file"), std::string::npos) << bad.status().message();
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
  const int nops = static_cast<int>(info->operators.size());
  EXPECT_EQ(g->size(), nops + 3);  // start, end, one model input
  // Execution order is topological: input, start, the operators, end.
  std::vector<int> order{nops + 2, nops};
  for (int i = 0; i < nops; ++i) order.push_back(i);
  order.push_back(nops + 1);
  EXPECT_TRUE(g->IsTopologicalOrder(order));
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
