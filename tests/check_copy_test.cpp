// Check-only copies (src/deploy/check_copy.h): constant float16 DEQUANTIZE
// folded into float32 constants and int32 biases Arm NN 20.08 refuses
// requantized, in the whole model and in every segment, and the CPU
// reference check then running where Arm NN could not parse the originals.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "deploy/check_copy.h"
#include "deploy/reference_runner.h"
#include "deploy/segmenter.h"
#include "tflite/tflite_fixtures.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"
#include "tflite_schema_generated.h"

namespace respect {
namespace {

TfliteModel Load(std::vector<uint8_t> bytes, const std::string& origin = "fixture") {
  auto m = TfliteModel::FromBytes(std::move(bytes), origin);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return std::move(m).value();
}

int CountOps(const TfliteModelInfo& info, const std::string& op) {
  int n = 0;
  for (const TfliteOperatorInfo& o : info.operators) n += o.op == op;
  return n;
}

int TensorNamed(const TfliteModelInfo& info, const std::string& name) {
  for (const TfliteTensorInfo& t : info.tensors)
    if (t.name == name) return t.index;
  return -1;
}

std::vector<float> FloatsOf(const TfliteModel& m, const TfliteTensorInfo& t) {
  const ByteSpan d = m.BufferData(t.buffer);
  std::vector<float> v(d.size / 4);
  if (!v.empty()) std::memcpy(v.data(), d.data, v.size() * 4);
  return v;
}

std::vector<uint16_t> HalvesOf(const TfliteModel& m, const TfliteTensorInfo& t) {
  const ByteSpan d = m.BufferData(t.buffer);
  std::vector<uint16_t> v(d.size / 2);
  if (!v.empty()) std::memcpy(v.data(), d.data, v.size() * 2);
  return v;
}

uint32_t Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

TEST(CheckCopy, HalfToFloat) {
  EXPECT_EQ(HalfToFloat(0x3C00), 1.0f);
  EXPECT_EQ(HalfToFloat(0xC000), -2.0f);
  EXPECT_EQ(HalfToFloat(0x3555), 0.333251953125f);
  EXPECT_EQ(HalfToFloat(0x7BFF), 65504.0f);               // largest half
  EXPECT_EQ(HalfToFloat(0x0400), std::ldexp(1.0f, -14));  // smallest normal
  EXPECT_EQ(HalfToFloat(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_EQ(HalfToFloat(0x03FF), std::ldexp(1023.0f, -24));
  EXPECT_EQ(HalfToFloat(0x8001), -std::ldexp(1.0f, -24));
  EXPECT_EQ(Bits(HalfToFloat(0x0000)), 0u);
  EXPECT_EQ(Bits(HalfToFloat(0x8000)), 0x80000000u);      // -0
  EXPECT_EQ(HalfToFloat(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(HalfToFloat(0xFC00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7E00)));
  // Every finite half: the float has the same value (exact widening).
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const uint32_t e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e == 0x1f) continue;
    const double mag = e == 0 ? std::ldexp(static_cast<double>(m), -24)
                              : std::ldexp(1.0 + static_cast<double>(m) / 1024.0, static_cast<int>(e) - 15);
    const double want = (h & 0x8000) ? -mag : mag;
    ASSERT_EQ(static_cast<double>(HalfToFloat(static_cast<uint16_t>(h))), want) << std::hex << h;
  }
}

TEST(CheckCopy, FoldsTheWholeModel) {
  const TfliteModel model = Load(BuildFp16TwoLayerModel());
  const TfliteModelInfo info = DescribeTflite(model);
  ASSERT_EQ(CountOps(info, "DEQUANTIZE"), 2);
  auto segs = SegmentModel(model, {0, 0, 0, 0}, 1);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  auto c = FoldConstantOperators(model, *segs);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->folded_operators, 2);
  EXPECT_NE(c->note.find("2 constant float16 DEQUANTIZE"), std::string::npos) << c->note;
  for (const std::vector<uint8_t>* bytes : {&c->model, &c->segments[0].bytes}) {
    const TfliteModel folded = Load(*bytes, "folded");
    const TfliteModelInfo fi = DescribeTflite(folded);
    EXPECT_EQ(CountOps(fi, "DEQUANTIZE"), 0);
    EXPECT_EQ(CountOps(fi, "FULLY_CONNECTED"), 2);
    EXPECT_EQ(fi.inputs.size(), 1u);
    EXPECT_EQ(fi.outputs.size(), 1u);
    for (const std::string layer : {"fc1", "fc2"}) {
      const int t16 = TensorNamed(info, layer + "/weights_fp16");
      const int t32 = TensorNamed(fi, layer + "/weights");
      ASSERT_GE(t16, 0);
      ASSERT_GE(t32, 0) << layer;
      EXPECT_EQ(fi.tensors[t32].type_name, "float32");
      EXPECT_GT(fi.tensors[t32].constant_bytes, 0) << layer << " weights are not a constant";
      EXPECT_LT(TensorNamed(fi, layer + "/weights_fp16"), 0) << "the unused float16 tensor stays behind";
      const std::vector<uint16_t> h = HalvesOf(model, info.tensors[t16]);
      const std::vector<float> f = FloatsOf(folded, fi.tensors[t32]);
      ASSERT_EQ(f.size(), h.size());
      ASSERT_FALSE(h.empty());
      for (size_t i = 0; i < h.size(); ++i) EXPECT_EQ(Bits(f[i]), Bits(HalfToFloat(h[i]))) << layer << " " << i;
    }
  }
}

// Cut after the first layer with both DEQUANTIZE in stage 0: the fc2
// weights cross the boundary in the deployed segments, and are a constant of
// segment 1 (not a boundary tensor) in the check copies.
TEST(CheckCopy, FoldedTensorsLeaveTheSegmentBoundary) {
  const TfliteModel model = Load(BuildFp16TwoLayerModel());
  const TfliteModelInfo info = DescribeTflite(model);
  auto segs = SegmentModel(model, {0, 0, 0, 1}, 2);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  const int w2 = TensorNamed(info, "fc2/weights");
  const auto& out0 = (*segs)[0].plan.outputs;
  ASSERT_NE(std::find(out0.begin(), out0.end(), w2), out0.end()) << "the fixture no longer crosses fc2/weights";
  const std::vector<uint8_t> seg0 = (*segs)[0].bytes, seg1 = (*segs)[1].bytes;
  auto c = FoldConstantOperators(model, *segs);
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->segments.size(), 2u);
  // The deployed segments are untouched.
  EXPECT_EQ((*segs)[0].bytes, seg0);
  EXPECT_EQ((*segs)[1].bytes, seg1);
  const TfliteModelInfo f0 = DescribeTflite(Load(c->segments[0].bytes));
  const TfliteModelInfo f1 = DescribeTflite(Load(c->segments[1].bytes));
  EXPECT_EQ(CountOps(f0, "DEQUANTIZE") + CountOps(f1, "DEQUANTIZE"), 0);
  ASSERT_EQ(f0.outputs.size(), 1u);
  EXPECT_EQ(f0.tensors[f0.outputs[0]].name, "h");
  ASSERT_EQ(f1.inputs.size(), 1u);
  EXPECT_EQ(f1.tensors[f1.inputs[0]].name, "h");
  const int w2c = TensorNamed(f1, "fc2/weights");
  ASSERT_GE(w2c, 0);
  EXPECT_GT(f1.tensors[w2c].constant_bytes, 0);
  // Operator indices of the folded whole model (the runner's labels).
  EXPECT_EQ(c->segments[0].plan.operators, std::vector<int>{0});
  EXPECT_EQ(c->segments[1].plan.operators, std::vector<int>{1});
}

// A segment of DEQUANTIZE only (what the exact optimum of the MediaPipe
// models does) forwards the model input and nothing else once folded: the
// copies leave it out, and say so.
TEST(CheckCopy, SegmentOfDequantizeOnlyIsAPassThrough) {
  const TfliteModel model = Load(BuildFp16TwoLayerModel());
  auto segs = SegmentModel(model, {0, 1, 2, 2}, 3);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  auto c = FoldConstantOperators(model, *segs);
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->segments.size(), 1u);
  EXPECT_EQ(c->segments[0].plan.stage, 2);
  EXPECT_NE(c->note.find("segment(s) 0 1 held only those"), std::string::npos) << c->note;
  const TfliteModelInfo f = DescribeTflite(Load(c->segments[0].bytes));
  ASSERT_EQ(f.inputs.size(), 1u);
  EXPECT_EQ(f.tensors[f.inputs[0]].name, "x");
  if (!ReferenceRunnerAvailable()) return;
  auto r = RunReferenceCheck(Load(c->model, "folded"), c->segments);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->identical) << FormatReferenceReport(*r);
}

// DENSIFY of a constant CSR matrix becomes the dense constant it computes.
TEST(CheckCopy, FoldsConstantDensify) {
  const TfliteModel model = Load(BuildSparseWeightsModel());
  auto segs = SegmentModel(model, {0, 1}, 2);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  auto c = FoldConstantOperators(model, *segs);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->folded_operators, 1);
  EXPECT_NE(c->note.find("1 constant DENSIFY"), std::string::npos) << c->note;
  ASSERT_EQ(c->segments.size(), 1u);  // segment 0 held only the DENSIFY
  for (const std::vector<uint8_t>* bytes : {&c->model, &c->segments[0].bytes}) {
    const TfliteModel folded = Load(*bytes, "folded");
    const TfliteModelInfo fi = DescribeTflite(folded);
    EXPECT_EQ(CountOps(fi, "DENSIFY"), 0);
    const int w = TensorNamed(fi, "dense/weights");
    ASSERT_GE(w, 0);
    EXPECT_FALSE(fi.tensors[w].sparse);
    const std::vector<float> f = FloatsOf(folded, fi.tensors[w]);
    ASSERT_EQ(f.size(), 32u);
    // The fixture's CSR rows: row_ptr {0,2,3,5,6}, cols {1,6,0,3,7,4}.
    std::vector<float> want(32, 0.0f);
    const int rows[] = {0, 0, 1, 2, 2, 3}, cols[] = {1, 6, 0, 3, 7, 4};
    const float vals[] = {0.5f, -1.25f, 2.0f, 0.75f, -0.5f, 1.5f};
    for (int i = 0; i < 6; ++i) want[rows[i] * 8 + cols[i]] = vals[i];
    EXPECT_EQ(f, want);
  }
  if (!ReferenceRunnerAvailable()) return;
  auto r = RunReferenceCheck(Load(c->model, "folded"), c->segments);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->identical) << FormatReferenceReport(*r);
}

TEST(CheckCopy, ModelsWithoutFloat16DequantizeAreLeftAlone) {
  const TfliteModel model = Load(BuildTinyConvModel(FixtureQuant::kInt8));
  auto segs = SegmentModel(model, {0, 0, 1, 1, 1}, 2);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  auto c = FoldConstantOperators(model, *segs);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->folded_operators, 0);
  EXPECT_TRUE(c->note.empty());
  EXPECT_EQ(c->model, model.bytes());
  ASSERT_EQ(c->segments.size(), 2u);
  EXPECT_EQ(c->segments[1].bytes, (*segs)[1].bytes);
}

// With Arm NN: the check runs on the folded copies (the originals' weights
// come from DEQUANTIZE, which Arm NN 20.08 cannot parse) and passes.
TEST(CheckCopy, ReferenceCheckRunsOnTheCopies) {
  if (!ReferenceRunnerAvailable()) GTEST_SKIP() << "built without Arm NN";
  const TfliteModel model = Load(BuildFp16TwoLayerModel());
  for (const std::vector<int>& stages : {std::vector<int>{0, 0, 0, 1}, std::vector<int>{0, 1, 0, 1}}) {
    auto segs = SegmentModel(model, stages, 2);
    ASSERT_TRUE(segs.ok()) << segs.status().message();
    auto c = FoldConstantOperators(model, *segs);
    ASSERT_TRUE(c.ok()) << c.status().message();
    const TfliteModel folded = Load(c->model, "folded");
    RunnerOptions o;
    o.runs = 2;
    auto r = RunReferenceCheck(folded, c->segments, o);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_TRUE(r->identical) << FormatReferenceReport(*r);
    EXPECT_EQ(r->output_names, std::vector<std::string>{"y"});
  }
}

// The quantization and int32 values of the tensor `name` of a model.
FixtureBias BiasIn(const std::vector<uint8_t>& bytes, const std::string& name) {
  const TfliteModel m = Load(bytes, "bias reader");
  const TfliteModelInfo info = DescribeTflite(m);
  FixtureBias b;
  const int t = TensorNamed(info, name);
  EXPECT_GE(t, 0) << name;
  if (t < 0) return b;
  const tfl::QuantizationParameters* q = m.main_subgraph().tensors()->Get(t)->quantization();
  if (q && q->scale()) b.scale.assign(q->scale()->begin(), q->scale()->end());
  if (q && q->zero_point()) b.zero_point.assign(q->zero_point()->begin(), q->zero_point()->end());
  const ByteSpan d = m.BufferData(info.tensors[t].buffer);
  b.values.resize(d.size / 4);
  if (!b.values.empty()) std::memcpy(b.values.data(), d.data, b.values.size() * 4);
  return b;
}

void ExpectBias(const FixtureBias& got, const FixtureBias& want, const std::string& where) {
  EXPECT_EQ(got.scale, want.scale) << where;
  EXPECT_EQ(got.zero_point, want.zero_point) << where;
  EXPECT_EQ(got.values, want.values) << where;
}

std::vector<uint8_t> Int8Bytes(const std::vector<int8_t>& v) { return std::vector<uint8_t>(v.begin(), v.end()); }

// BuildInt8FcBiasModel's output for input x under TFLite's meaning of the
// bias: the real value (q - zero point) x scale it declares, whatever its scale.
std::vector<int8_t> FcOutput(const std::vector<int8_t>& x, const FixtureBias& bias) {
  const int w[4][2] = {{1, 2}, {3, -1}, {0, 0}, {0, 0}};
  std::vector<int8_t> y;
  for (int j = 0; j < 4; ++j) {
    double acc = (static_cast<double>(bias.values[j]) - static_cast<double>(bias.zero_point[0])) * bias.scale[0];
    for (int i = 0; i < 2; ++i) acc += 0.5 * x[i] * 0.25 * w[j][i];
    y.push_back(static_cast<int8_t>(std::clamp(std::round(acc / 0.25), -128.0, 127.0)));
  }
  return y;
}

// With Arm NN: the original is refused for its bias; the copies run, and
// the chain of segment copies reproduces the whole copy.
void ExpectArmNnRefusesTheOriginalAndRunsTheCopies(const TfliteModel& model, const std::vector<Segment>& segments,
                                                   const CheckCopies& copies) {
  auto refused = RunReferenceCheck(model, segments);
  ASSERT_FALSE(refused.ok()) << "Arm NN accepted the original bias";
  EXPECT_NE(refused.status().message().find("bias"), std::string::npos) << refused.status().message();
  auto r = RunReferenceCheck(Load(copies.model, "copy"), copies.segments);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->identical) << FormatReferenceReport(*r);
}

constexpr int32_t kMax32 = std::numeric_limits<int32_t>::max();
constexpr int32_t kMin32 = std::numeric_limits<int32_t>::min();

// A FULLY_CONNECTED bias at scale 0.1875 with zero point 3, where Arm NN 20.08
// wants 0.5 x 0.25 = 0.125 and 0: the copy holds round(1.5 (q - 3)), half
// away from zero, saturated to int32, at scale 0.125.
TEST(CheckCopy, RequantizesAFullyConnectedBiasArmNnRefuses) {
  const FixtureBias bias{{0.1875f}, {3}, {4, -4, kMax32, kMin32}};
  const TfliteModel model = Load(BuildInt8FcBiasModel(bias));
  auto segs = SegmentModel(model, {0}, 1);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  auto c = FoldConstantOperators(model, *segs);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->folded_operators, 0);
  EXPECT_EQ(c->requantized_biases, 1);
  EXPECT_NE(c->note.find("1 int32 bias(es) requantized"), std::string::npos) << c->note;
  ASSERT_EQ(c->segments.size(), 1u);
  // 1.5 x {1, -7, 2147483644, -2147483651} = {1.5, -10.5, 3221225466, -3221225476.5}.
  const FixtureBias want{{0.125f}, {0}, {2, -11, kMax32, kMin32}};
  ExpectBias(BiasIn(c->model, "fc/bias"), want, "whole model copy");
  ExpectBias(BiasIn(c->segments[0].bytes, "fc/bias"), want, "segment copy");
  ExpectBias(BiasIn((*segs)[0].bytes, "fc/bias"), bias, "the deployed segment");
  if (!ReferenceRunnerAvailable()) return;
  ExpectArmNnRefusesTheOriginalAndRunsTheCopies(model, *segs, *c);
  const TfliteModel copy = Load(c->model, "copy");
  // x = {2, -3}: x.w = {-0.5, 1.125, 0, 0}; with the original biases
  // {0.1875, -1.3125, ~4e8, ~-4e8} or the copy's {0.25, -1.375, ~2.7e8,
  // ~-2.7e8}, y = round(. / 0.25) = {-1, -1, 127, -128} saturated.
  const std::vector<int8_t> x{2, -3};
  auto y = RunModelOnce(copy, {{"x", Int8Bytes(x)}});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->at("y"), Int8Bytes({-1, -1, 127, -128}));
  EXPECT_EQ(y->at("y"), Int8Bytes(FcOutput(x, bias)));
}

// Per-channel filters: conv1's bias is expected at 0.1f x {0.02f, 0.03f};
// channel 0 is stored at 0.0025 (Arm NN refuses the tensor), channel 1 at
// the expected scale. The copy scales channel 0 by 0.0025 / 0.002
// (1000 -> 1250) and leaves channel 1's value; conv2's bias and the segment
// holding it are untouched.
TEST(CheckCopy, RequantizesAPerChannelConvBiasInTheSegmentHoldingIt) {
  const float e0 = 0.1f * 0.02f, e1 = 0.1f * 0.03f;
  const FixtureBias bias{{0.0025f, e1}, {0, 0}, {1000, -77}};
  const TfliteModel model = Load(BuildInt8ConvBiasModel(bias));
  auto segs = SegmentModel(model, {0, 1}, 2);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  auto c = FoldConstantOperators(model, *segs);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->requantized_biases, 1);
  ASSERT_EQ(c->segments.size(), 2u);
  const FixtureBias want{{e0, e1}, {0, 0}, {1250, -77}};
  ExpectBias(BiasIn(c->model, "conv1/bias"), want, "whole model copy");
  ExpectBias(BiasIn(c->segments[0].bytes, "conv1/bias"), want, "segment 0 copy");
  const FixtureBias conv2 = BiasIn(model.bytes(), "conv2/bias");
  ExpectBias(BiasIn(c->model, "conv2/bias"), conv2, "whole model copy");
  EXPECT_EQ(c->segments[1].bytes, (*segs)[1].bytes) << "segment 1 holds no requantized bias";
  if (!ReferenceRunnerAvailable()) return;
  ExpectArmNnRefusesTheOriginalAndRunsTheCopies(model, *segs, *c);
  const TfliteModel copy = Load(c->model, "copy");
  // x = {10, -5} (real {1, -0.5}): h = round({0.02 + 2.5, -0.135 - 0.231} /
  // 0.05) = {50, -7} (bias 1000 x 0.0025 = 1250 x 0.002 = 2.5); y =
  // round({0.465 + 0.005, -0.157 - 0.02} / 0.01) = {47, -18}.
  auto y = RunModelOnce(copy, {{"x", Int8Bytes({10, -5})}});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->at("y"), Int8Bytes({47, -18}));
}

// Arm NN 20.08 refuses a bias scale further than 1e-6 (absolute, in float)
// from input scale x weight scale, or a zero point other than 0; anything
// it accepts stays as it is. The expected scale here is 0.125.
TEST(CheckCopy, OnlyBiasesArmNnRefusesAreRequantized) {
  const std::vector<int32_t> values{4, -4, 100, -100};
  for (const float scale : {0.125f, 0.125f + 5e-7f, 0.125f - 9e-7f}) {
    const FixtureBias bias{{scale}, {0}, values};
    const TfliteModel model = Load(BuildInt8FcBiasModel(bias));
    auto segs = SegmentModel(model, {0}, 1);
    ASSERT_TRUE(segs.ok()) << segs.status().message();
    auto c = FoldConstantOperators(model, *segs);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->requantized_biases, 0) << scale;
    EXPECT_TRUE(c->note.empty()) << c->note;
    EXPECT_EQ(c->model, model.bytes()) << scale;
    if (!ReferenceRunnerAvailable()) continue;
    auto r = RunReferenceCheck(model, *segs);  // the original, as it is
    ASSERT_TRUE(r.ok()) << scale << ": " << r.status().message();
    EXPECT_TRUE(r->identical) << FormatReferenceReport(*r);
  }
  for (const FixtureBias& bias : {FixtureBias{{0.125f + 2e-6f}, {0}, values}, FixtureBias{{0.125f}, {1}, values}}) {
    const TfliteModel model = Load(BuildInt8FcBiasModel(bias));
    auto segs = SegmentModel(model, {0}, 1);
    ASSERT_TRUE(segs.ok()) << segs.status().message();
    auto c = FoldConstantOperators(model, *segs);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->requantized_biases, 1) << bias.scale[0];
    // 100 x (0.125 + 2e-6) / 0.125 = 100.0016 -> 100; (q - 1) x 1 with zero point 1.
    const std::vector<int32_t> want = bias.zero_point[0] == 0 ? values : std::vector<int32_t>{3, -5, 99, -101};
    ExpectBias(BiasIn(c->model, "fc/bias"), FixtureBias{{0.125f}, {0}, want}, "copy");
    if (ReferenceRunnerAvailable()) ExpectArmNnRefusesTheOriginalAndRunsTheCopies(model, *segs, *c);
  }
}

// Issue 23: a bias shared by operators that want it at different scales
// (0.125 for fc1, 0.0625 for fc2) gets one requantized copy per reader in
// the check copies, on one stage and on two; the original stays in the
// copies unused, and the deployed segments keep it as it is.
TEST(CheckCopy, SharedBiasGetsARequantizedCopyPerReader) {
  const FixtureBias bias{{0.1875f}, {0}, {4, -4, 8, 0}};
  const TfliteModel model = Load(BuildInt8SharedBiasModel(bias));
  for (const std::vector<int>& stages : {std::vector<int>{0, 0}, std::vector<int>{0, 1}}) {
    const int n = stages.back() + 1;
    auto segs = SegmentModel(model, stages, n);
    ASSERT_TRUE(segs.ok()) << segs.status().message();
    auto c = FoldConstantOperators(model, *segs);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->requantized_biases, 2);
    // 0.1875 / 0.125 = 1.5 and 0.1875 / 0.0625 = 3 times {4, -4, 8, 0}.
    const FixtureBias fc1{{0.125f}, {0}, {6, -6, 12, 0}}, fc2{{0.0625f}, {0}, {12, -12, 24, 0}};
    ExpectBias(BiasIn(c->model, "fc/bias/copy_for_op_0"), fc1, "whole copy, fc1");
    ExpectBias(BiasIn(c->model, "fc/bias/copy_for_op_1"), fc2, "whole copy, fc2");
    ExpectBias(BiasIn(c->segments.front().bytes, "fc/bias/copy_for_op_0"), fc1, "first segment copy");
    ExpectBias(BiasIn(c->segments.back().bytes, "fc/bias/copy_for_op_1"), fc2, "last segment copy");
    for (const Segment& s : *segs) ExpectBias(BiasIn(s.bytes, "fc/bias"), bias, "a deployed segment");
    if (ReferenceRunnerAvailable()) ExpectArmNnRefusesTheOriginalAndRunsTheCopies(model, *segs, *c);
  }
}

// Per-channel biases at the expected scales (the float products) are left alone.
TEST(CheckCopy, MatchingPerChannelBiasIsLeftAlone) {
  const TfliteModel model = Load(BuildInt8ConvBiasModel({{0.1f * 0.02f, 0.1f * 0.03f}, {0, 0}, {1000, -77}}));
  auto segs = SegmentModel(model, {0, 1}, 2);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  auto c = FoldConstantOperators(model, *segs);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->requantized_biases, 0);
  EXPECT_EQ(c->model, model.bytes());
  if (!ReferenceRunnerAvailable()) return;
  auto r = RunReferenceCheck(model, *segs);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->identical) << FormatReferenceReport(*r);
}

}  // namespace
}  // namespace respect
