#include "tflite/tflite_fixtures.h"

#include <array>
#include <cmath>
#include <cstring>
#include <map>
#include <string>

#include "flatbuffers/flexbuffers.h"
#include "tflite_schema_generated.h"

namespace respect {

namespace {

namespace fb = flatbuffers;
using tfl::BuiltinOperator;
using tfl::BuiltinOptions;
using tfl::TensorType;

// Deterministic bytes (64-bit LCG, high bits).
class Lcg {
 public:
  explicit Lcg(uint64_t seed) : s_(seed * 6364136223846793005ULL + 1442695040888963407ULL) {}
  uint32_t Next() {
    s_ = s_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(s_ >> 33);
  }
  int Int(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<uint32_t>(hi - lo + 1)); }
  float Float(float lo, float hi) { return lo + (hi - lo) * static_cast<float>(Next() & 0xFFFFFF) / 16777216.0f; }

 private:
  uint64_t s_;
};

// Collects buffers, tensors, operator codes and operators of one subgraph.
class MiniModel {
 public:
  MiniModel() { buffers_.push_back(tfl::CreateBuffer(fbb_)); }  // buffer 0: empty sentinel

  fb::FlatBufferBuilder& fbb() { return fbb_; }

  uint32_t Buffer(const void* data, size_t n) {
    fbb_.ForceVectorAlignment(n, 1, 16);
    auto v = fbb_.CreateVector(static_cast<const uint8_t*>(data), n);
    buffers_.push_back(tfl::CreateBuffer(fbb_, v));
    return static_cast<uint32_t>(buffers_.size() - 1);
  }
  template <class T>
  uint32_t Buffer(const std::vector<T>& v) { return Buffer(v.data(), v.size() * sizeof(T)); }

  fb::Offset<tfl::QuantizationParameters> Quant(const std::vector<float>& scale,
                                                const std::vector<int64_t>& zero_point, int dim = 0) {
    return tfl::CreateQuantizationParameters(fbb_, 0, 0, fbb_.CreateVector(scale), fbb_.CreateVector(zero_point),
                                             tfl::QuantizationDetails::NONE, 0, dim);
  }

  int Tensor(const std::string& name, const std::vector<int32_t>& shape, TensorType type, uint32_t buffer = 0,
             fb::Offset<tfl::QuantizationParameters> q = 0, fb::Offset<tfl::SparsityParameters> sp = 0) {
    auto s = fbb_.CreateVector(shape);
    auto n = fbb_.CreateString(name);
    tensors_.push_back(tfl::CreateTensor(fbb_, s, type, buffer, n, q, false, sp, 0, true));
    return static_cast<int>(tensors_.size() - 1);
  }

  uint32_t Code(BuiltinOperator op, int version = 1, const std::string& custom = "") {
    const std::string key = std::to_string(static_cast<int>(op)) + "/" + custom + "/" + std::to_string(version);
    auto it = codes_.find(key);
    if (it != codes_.end()) return it->second;
    const int c = static_cast<int>(op);
    auto cc = custom.empty() ? 0 : fbb_.CreateString(custom);
    op_codes_.push_back(tfl::CreateOperatorCode(fbb_, static_cast<int8_t>(c < 127 ? c : 127), cc, version, op));
    return codes_[key] = static_cast<uint32_t>(op_codes_.size() - 1);
  }

  void Op(uint32_t code, const std::vector<int32_t>& in, const std::vector<int32_t>& out,
          BuiltinOptions type = BuiltinOptions::NONE, fb::Offset<void> options = 0,
          const std::vector<uint8_t>& custom = {}) {
    auto i = fbb_.CreateVector(in);
    auto o = fbb_.CreateVector(out);
    auto c = custom.empty() ? 0 : fbb_.CreateVector(custom);
    ops_.push_back(tfl::CreateOperator(fbb_, code, i, o, type, options, c));
  }

  // A FULLY_CONNECTED operator (op code version `version`), fused activation `act`.
  void FullyConnected(const std::vector<int32_t>& in, const std::vector<int32_t>& out, int version = 1,
                      tfl::ActivationFunctionType act = tfl::ActivationFunctionType::NONE) {
    Op(Code(BuiltinOperator::FULLY_CONNECTED, version), in, out, BuiltinOptions::FullyConnectedOptions,
       tfl::CreateFullyConnectedOptions(fbb_, act).Union());
  }

  std::vector<uint8_t> Finish(const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs,
                              const std::string& description) {
    auto sg = tfl::CreateSubGraph(fbb_, fbb_.CreateVector(tensors_), fbb_.CreateVector(inputs),
                                  fbb_.CreateVector(outputs), fbb_.CreateVector(ops_), fbb_.CreateString("main"));
    std::vector<fb::Offset<tfl::SubGraph>> sgs{sg};
    auto model = tfl::CreateModel(fbb_, 3, fbb_.CreateVector(op_codes_), fbb_.CreateVector(sgs),
                                  fbb_.CreateString(description), fbb_.CreateVector(buffers_));
    tfl::FinishModelBuffer(fbb_, model);
    return std::vector<uint8_t>(fbb_.GetBufferPointer(), fbb_.GetBufferPointer() + fbb_.GetSize());
  }

 private:
  fb::FlatBufferBuilder fbb_{1 << 16};
  std::vector<fb::Offset<tfl::Buffer>> buffers_;
  std::vector<fb::Offset<tfl::Tensor>> tensors_;
  std::vector<fb::Offset<tfl::OperatorCode>> op_codes_;
  std::vector<fb::Offset<tfl::Operator>> ops_;
  std::map<std::string, uint32_t> codes_;
};

template <class T>
std::vector<T> RandomInts(Lcg* rng, size_t n, int lo, int hi) {
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(rng->Int(lo, hi));
  return v;
}

std::vector<float> RandomFloats(Lcg* rng, size_t n, float lo, float hi) {
  std::vector<float> v(n);
  for (auto& x : v) x = rng->Float(lo, hi);
  return v;
}

// IEEE half bits of a float in the normal half range (fixture weights only).
uint16_t HalfBits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const int exp = static_cast<int>((x >> 23) & 0xFF) - 127 + 15;
  const uint32_t mant = (x >> 13) & 0x3FFu;
  if (exp <= 0) return static_cast<uint16_t>(sign);
  if (exp >= 31) return static_cast<uint16_t>(sign | 0x7C00u);
  return static_cast<uint16_t>(sign | (static_cast<uint32_t>(exp) << 10) | mant);
}

}  // namespace

std::vector<uint8_t> BuildTinyConvModel(FixtureQuant quant) {
  const bool i8 = quant == FixtureQuant::kInt8;
  const TensorType act = i8 ? TensorType::INT8 : TensorType::UINT8;
  const int64_t azp = i8 ? -1 : 128;   // activation zero point
  const int64_t wzp = i8 ? 0 : 128;    // weight zero point
  Lcg rng(i8 ? 11 : 12);
  MiniModel m;
  auto& fbb = m.fbb();
  auto weights = [&](size_t n) {
    return i8 ? m.Buffer(RandomInts<int8_t>(&rng, n, -127, 127)) : m.Buffer(RandomInts<uint8_t>(&rng, n, 1, 255));
  };
  const float in_scale = 0.02f, a_scale = 0.05f, c_scale = 0.1f, out_scale = 0.2f;
  const std::vector<float> conv_ws = i8 ? std::vector<float>{0.010f, 0.012f, 0.009f, 0.011f} : std::vector<float>{0.01f};
  const std::vector<float> dw_ws = i8 ? std::vector<float>{0.02f, 0.025f, 0.018f, 0.022f} : std::vector<float>{0.02f};
  auto bias_quant = [&](float in_s, const std::vector<float>& ws, int dim) {
    std::vector<float> s;
    for (float w : ws) s.push_back(in_s * w);
    return m.Quant(s, std::vector<int64_t>(s.size(), 0), dim);
  };

  const int input = m.Tensor("input", {1, 8, 8, 3}, act, 0, m.Quant({in_scale}, {azp}));
  const int conv_w = m.Tensor("conv/weights", {4, 3, 3, 3}, act, weights(4 * 3 * 3 * 3),
                              m.Quant(conv_ws, std::vector<int64_t>(conv_ws.size(), wzp), 0));
  const int conv_b = m.Tensor("conv/bias", {4}, TensorType::INT32, m.Buffer(RandomInts<int32_t>(&rng, 4, -500, 500)),
                              bias_quant(in_scale, conv_ws, 0));
  const int a = m.Tensor("conv/out", {1, 8, 8, 4}, act, 0, m.Quant({a_scale}, {azp}));
  const int dw_w = m.Tensor("dw/weights", {1, 3, 3, 4}, act, weights(3 * 3 * 4),
                            m.Quant(dw_ws, std::vector<int64_t>(dw_ws.size(), wzp), 3));
  const int dw_b = m.Tensor("dw/bias", {4}, TensorType::INT32, m.Buffer(RandomInts<int32_t>(&rng, 4, -500, 500)),
                            bias_quant(a_scale, dw_ws, 0));
  const int b = m.Tensor("dw/out", {1, 8, 8, 4}, act, 0, m.Quant({a_scale}, {azp}));
  const int c = m.Tensor("add/out", {1, 8, 8, 4}, act, 0, m.Quant({c_scale}, {azp}));
  const int shape = m.Tensor("reshape/shape", {2}, TensorType::INT32, m.Buffer(std::vector<int32_t>{1, 256}));
  const int d = m.Tensor("reshape/out", {1, 256}, act, 0, m.Quant({c_scale}, {azp}));
  const float fc_ws = 0.005f;
  const int fc_w = m.Tensor("fc/weights", {10, 256}, act, weights(10 * 256), m.Quant({fc_ws}, {wzp}));
  const int fc_b = m.Tensor("fc/bias", {10}, TensorType::INT32, m.Buffer(RandomInts<int32_t>(&rng, 10, -2000, 2000)),
                            bias_quant(c_scale, {fc_ws}, 0));
  const int out = m.Tensor("logits", {1, 10}, act, 0, m.Quant({out_scale}, {azp}));

  const int v = i8 ? 3 : 1;
  m.Op(m.Code(BuiltinOperator::CONV_2D, v), {input, conv_w, conv_b}, {a}, BuiltinOptions::Conv2DOptions,
       tfl::CreateConv2DOptions(fbb, tfl::Padding::SAME, 1, 1, tfl::ActivationFunctionType::RELU).Union());
  m.Op(m.Code(BuiltinOperator::DEPTHWISE_CONV_2D, v), {a, dw_w, dw_b}, {b}, BuiltinOptions::DepthwiseConv2DOptions,
       tfl::CreateDepthwiseConv2DOptions(fbb, tfl::Padding::SAME, 1, 1, 1).Union());
  m.Op(m.Code(BuiltinOperator::ADD, i8 ? 2 : 1), {a, b}, {c}, BuiltinOptions::AddOptions,
       tfl::CreateAddOptions(fbb).Union());
  m.Op(m.Code(BuiltinOperator::RESHAPE), {c, shape}, {d}, BuiltinOptions::ReshapeOptions,
       tfl::CreateReshapeOptions(fbb, fbb.CreateVector(std::vector<int32_t>{1, 256})).Union());
  m.FullyConnected({d, fc_w, fc_b}, {out}, i8 ? 4 : 1);
  return m.Finish({input}, {out}, i8 ? "respect-opt fixture: tiny int8 conv net" : "respect-opt fixture: tiny uint8 conv net");
}

std::vector<uint8_t> BuildFp16WeightsModel() {
  Lcg rng(21);
  MiniModel m;
  std::vector<uint16_t> half;
  for (float f : RandomFloats(&rng, 8 * 16, -1.0f, 1.0f)) half.push_back(HalfBits(f));
  const int x = m.Tensor("x", {1, 16}, TensorType::FLOAT32);
  const int w16 = m.Tensor("dense/weights_fp16", {8, 16}, TensorType::FLOAT16, m.Buffer(half));
  const int w32 = m.Tensor("dense/weights", {8, 16}, TensorType::FLOAT32);
  const int b = m.Tensor("dense/bias", {8}, TensorType::FLOAT32, m.Buffer(RandomFloats(&rng, 8, -0.1f, 0.1f)));
  const int y = m.Tensor("y", {1, 8}, TensorType::FLOAT32);
  m.Op(m.Code(BuiltinOperator::DEQUANTIZE, 3), {w16}, {w32});
  m.FullyConnected({x, w32, b}, {y});
  return m.Finish({x}, {y}, "respect-opt fixture: float16 weights behind DEQUANTIZE");
}

std::vector<uint8_t> BuildFp16TwoLayerModel() {
  Lcg rng(22);
  MiniModel m;
  auto& fbb = m.fbb();
  auto halves = [&rng](size_t n) {
    std::vector<uint16_t> h;
    for (float f : RandomFloats(&rng, n, -1.0f, 1.0f)) h.push_back(HalfBits(f));
    return h;
  };
  const int x = m.Tensor("x", {1, 16}, TensorType::FLOAT32);
  const int w1h = m.Tensor("fc1/weights_fp16", {8, 16}, TensorType::FLOAT16, m.Buffer(halves(8 * 16)));
  const int w2h = m.Tensor("fc2/weights_fp16", {4, 8}, TensorType::FLOAT16, m.Buffer(halves(4 * 8)));
  const int w1 = m.Tensor("fc1/weights", {8, 16}, TensorType::FLOAT32);
  const int w2 = m.Tensor("fc2/weights", {4, 8}, TensorType::FLOAT32);
  const int b1 = m.Tensor("fc1/bias", {8}, TensorType::FLOAT32, m.Buffer(RandomFloats(&rng, 8, -0.1f, 0.1f)));
  const int b2 = m.Tensor("fc2/bias", {4}, TensorType::FLOAT32, m.Buffer(RandomFloats(&rng, 4, -0.1f, 0.1f)));
  const int h = m.Tensor("h", {1, 8}, TensorType::FLOAT32);
  const int y = m.Tensor("y", {1, 4}, TensorType::FLOAT32);
  const uint32_t deq = m.Code(BuiltinOperator::DEQUANTIZE, 3);
  const uint32_t fc = m.Code(BuiltinOperator::FULLY_CONNECTED);
  m.Op(deq, {w1h}, {w1});
  m.Op(deq, {w2h}, {w2});
  m.Op(fc, {x, w1, b1}, {h}, BuiltinOptions::FullyConnectedOptions,
       tfl::CreateFullyConnectedOptions(fbb, tfl::ActivationFunctionType::RELU).Union());
  m.Op(fc, {h, w2, b2}, {y}, BuiltinOptions::FullyConnectedOptions, tfl::CreateFullyConnectedOptions(fbb).Union());
  return m.Finish({x}, {y}, "respect-opt fixture: two float16-weight layers behind DEQUANTIZE");
}

std::vector<uint8_t> BuildSparseWeightsModel() {
  MiniModel m;
  auto& fbb = m.fbb();
  // Dense [4, 8] matrix with 6 non-zeros, CSR over rows.
  const std::vector<int32_t> row_ptr{0, 2, 3, 5, 6};
  const std::vector<int32_t> cols{1, 6, 0, 3, 7, 4};
  const std::vector<float> values{0.5f, -1.25f, 2.0f, 0.75f, -0.5f, 1.5f};
  std::vector<fb::Offset<tfl::DimensionMetadata>> dims;
  dims.push_back(tfl::CreateDimensionMetadata(fbb, tfl::DimensionType::DENSE, 4));
  auto seg = tfl::CreateInt32Vector(fbb, fbb.CreateVector(row_ptr));
  auto idx = tfl::CreateInt32Vector(fbb, fbb.CreateVector(cols));
  dims.push_back(tfl::CreateDimensionMetadata(fbb, tfl::DimensionType::SPARSE_CSR, 0,
                                              tfl::SparseIndexVector::Int32Vector, seg.Union(),
                                              tfl::SparseIndexVector::Int32Vector, idx.Union()));
  auto sparsity = tfl::CreateSparsityParameters(fbb, fbb.CreateVector(std::vector<int32_t>{0, 1}), 0,
                                                fbb.CreateVector(dims));
  const int x = m.Tensor("x", {1, 8}, TensorType::FLOAT32);
  const int ws = m.Tensor("dense/weights_sparse", {4, 8}, TensorType::FLOAT32, m.Buffer(values), 0, sparsity);
  const int w = m.Tensor("dense/weights", {4, 8}, TensorType::FLOAT32);
  const int b = m.Tensor("dense/bias", {4}, TensorType::FLOAT32, m.Buffer(std::vector<float>{0.1f, 0.2f, 0.3f, 0.4f}));
  const int y = m.Tensor("y", {1, 4}, TensorType::FLOAT32);
  m.Op(m.Code(BuiltinOperator::DENSIFY), {ws}, {w});
  m.FullyConnected({x, w, b}, {y});
  return m.Finish({x}, {y}, "respect-opt fixture: sparse weights behind DENSIFY");
}

std::vector<uint8_t> BuildDetectionPostprocessModel() {
  Lcg rng(31);
  MiniModel m;
  const int n = 6, classes = 2, max_det = 3;
  flexbuffers::Builder fx;
  fx.Map([&]() {
    fx.Int("max_detections", max_det);
    fx.Int("max_classes_per_detection", 1);
    fx.Int("detections_per_class", 100);
    fx.Int("num_classes", classes);
    fx.Float("nms_score_threshold", 0.3f);
    fx.Float("nms_iou_threshold", 0.6f);
    fx.Float("y_scale", 10.0f);
    fx.Float("x_scale", 10.0f);
    fx.Float("h_scale", 5.0f);
    fx.Float("w_scale", 5.0f);
    fx.Bool("use_regular_nms", false);
  });
  fx.Finish();
  std::vector<float> anchors;
  for (int i = 0; i < n; ++i) {
    const float cy = 0.1f + 0.15f * i, cx = 0.9f - 0.15f * i;
    anchors.insert(anchors.end(), {cy, cx, 0.2f, 0.2f});
  }
  const int boxes = m.Tensor("raw_outputs/box_encodings", {1, n, 4}, TensorType::FLOAT32);
  const int scores = m.Tensor("raw_outputs/class_predictions", {1, n, classes + 1}, TensorType::FLOAT32);
  const int anc = m.Tensor("anchors", {n, 4}, TensorType::FLOAT32, m.Buffer(anchors));
  const int o0 = m.Tensor("TFLite_Detection_PostProcess", {1, max_det, 4}, TensorType::FLOAT32);
  const int o1 = m.Tensor("TFLite_Detection_PostProcess:1", {1, max_det}, TensorType::FLOAT32);
  const int o2 = m.Tensor("TFLite_Detection_PostProcess:2", {1, max_det}, TensorType::FLOAT32);
  const int o3 = m.Tensor("TFLite_Detection_PostProcess:3", {1}, TensorType::FLOAT32);
  (void)rng;
  m.Op(m.Code(BuiltinOperator::CUSTOM, 1, "TFLite_Detection_PostProcess"), {boxes, scores, anc}, {o0, o1, o2, o3},
       BuiltinOptions::NONE, 0, fx.GetBuffer());
  return m.Finish({boxes, scores}, {o0, o1, o2, o3}, "respect-opt fixture: detection post-processing");
}

std::vector<uint8_t> BuildEdgeTpuCompiledModel() {
  Lcg rng(41);
  MiniModel m;
  const int x = m.Tensor("input", {1, 4, 4, 3}, TensorType::UINT8, 0, m.Quant({0.0078125f}, {128}));
  const int y = m.Tensor("logits", {1, 10}, TensorType::UINT8, 0, m.Quant({0.1f}, {128}));
  m.Op(m.Code(BuiltinOperator::CUSTOM, 1, "edgetpu-custom-op"), {x}, {y}, BuiltinOptions::NONE, 0,
       RandomInts<uint8_t>(&rng, 4096, 0, 255));
  return m.Finish({x}, {y}, "respect-opt fixture: shaped like an edgetpu_compiler output");
}

std::vector<uint8_t> BuildSharedConstantModel() {
  MiniModel m;
  auto& fbb = m.fbb();
  const int x = m.Tensor("x", {4}, TensorType::FLOAT32);
  const int w = m.Tensor("w", {4}, TensorType::FLOAT32, m.Buffer(std::vector<float>{1, 2, 3, 4}));
  const int y = m.Tensor("y", {4}, TensorType::FLOAT32);
  const int z = m.Tensor("z", {4}, TensorType::FLOAT32);
  m.Op(m.Code(BuiltinOperator::ADD), {x, w}, {y}, BuiltinOptions::AddOptions, tfl::CreateAddOptions(fbb).Union());
  m.Op(m.Code(BuiltinOperator::ADD), {y, w}, {z}, BuiltinOptions::AddOptions, tfl::CreateAddOptions(fbb).Union());
  return m.Finish({x}, {z, y, w}, "respect-opt fixture: shared constant, early and constant outputs");
}

namespace {

// x [1,2] (scale 0.5), `weights` [4,2] = {1,2, 3,-1, 0,0, 0,0} (scale 0.25)
// and "fc/bias" = `bias`: the first layer of the two fixtures below.
std::array<int, 3> FcLayerInputs(MiniModel& m, const std::string& weights, const FixtureBias& bias) {
  const int x = m.Tensor("x", {1, 2}, TensorType::INT8, 0, m.Quant({0.5f}, {0}));
  const int w = m.Tensor(weights, {4, 2}, TensorType::INT8, m.Buffer(std::vector<int8_t>{1, 2, 3, -1, 0, 0, 0, 0}),
                         m.Quant({0.25f}, {0}));
  const int b = m.Tensor("fc/bias", {static_cast<int32_t>(bias.values.size())}, TensorType::INT32,
                         m.Buffer(bias.values), m.Quant(bias.scale, bias.zero_point));
  return {x, w, b};
}

}  // namespace

std::vector<uint8_t> BuildInt8FcBiasModel(const FixtureBias& bias) {
  MiniModel m;
  auto& fbb = m.fbb();
  const auto [x, w, b] = FcLayerInputs(m, "fc/weights", bias);
  const int y = m.Tensor("y", {1, 4}, TensorType::INT8, 0, m.Quant({0.25f}, {0}));
  m.Op(m.Code(BuiltinOperator::FULLY_CONNECTED, 4), {x, w, b}, {y}, BuiltinOptions::FullyConnectedOptions,
       tfl::CreateFullyConnectedOptions(fbb).Union());
  return m.Finish({x}, {y}, "respect-opt fixture: int8 FULLY_CONNECTED with a given bias");
}

std::vector<uint8_t> BuildInt8SharedBiasModel(const FixtureBias& bias) {
  MiniModel m;
  auto& fbb = m.fbb();
  const auto [x, w1, b] = FcLayerInputs(m, "fc1/weights", bias);
  const int h = m.Tensor("h", {1, 4}, TensorType::INT8, 0, m.Quant({0.25f}, {0}));
  const int w2 = m.Tensor("fc2/weights", {4, 4}, TensorType::INT8,
                          m.Buffer(std::vector<int8_t>{2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2}),
                          m.Quant({0.25f}, {0}));
  const int y = m.Tensor("y", {1, 4}, TensorType::INT8, 0, m.Quant({0.25f}, {0}));
  const uint32_t fc = m.Code(BuiltinOperator::FULLY_CONNECTED, 4);
  for (const auto& [in, wt, out] : {std::array<int, 3>{x, w1, h}, std::array<int, 3>{h, w2, y}})
    m.Op(fc, {in, wt, b}, {out}, BuiltinOptions::FullyConnectedOptions, tfl::CreateFullyConnectedOptions(fbb).Union());
  return m.Finish({x}, {y}, "respect-opt fixture: two int8 FULLY_CONNECTED sharing one bias");
}

std::vector<uint8_t> BuildInt8ConvBiasModel(const FixtureBias& conv1_bias) {
  MiniModel m;
  auto& fbb = m.fbb();
  const float in_scale = 0.1f, h_scale = 0.05f;
  const std::vector<float> w1_scale{0.02f, 0.03f}, w2_scale{0.01f, 0.02f};
  const std::vector<int64_t> zero2{0, 0};
  const int x = m.Tensor("x", {1, 1, 1, 2}, TensorType::INT8, 0, m.Quant({in_scale}, {0}));
  const int w1 = m.Tensor("conv1/weights", {2, 1, 1, 2}, TensorType::INT8,
                          m.Buffer(std::vector<int8_t>{3, 4, -2, 5}), m.Quant(w1_scale, zero2, 0));
  const int b1 = m.Tensor("conv1/bias", {static_cast<int32_t>(conv1_bias.values.size())}, TensorType::INT32,
                          m.Buffer(conv1_bias.values), m.Quant(conv1_bias.scale, conv1_bias.zero_point, 0));
  const int h = m.Tensor("h", {1, 1, 1, 2}, TensorType::INT8, 0, m.Quant({h_scale}, {0}));
  const int w2 = m.Tensor("conv2/weights", {2, 1, 1, 2}, TensorType::INT8,
                          m.Buffer(std::vector<int8_t>{20, 10, -3, 1}), m.Quant(w2_scale, zero2, 0));
  const int b2 = m.Tensor("conv2/bias", {2}, TensorType::INT32, m.Buffer(std::vector<int32_t>{10, -20}),
                          m.Quant({h_scale * w2_scale[0], h_scale * w2_scale[1]}, zero2, 0));
  const int y = m.Tensor("y", {1, 1, 1, 2}, TensorType::INT8, 0, m.Quant({0.01f}, {0}));
  const uint32_t conv = m.Code(BuiltinOperator::CONV_2D, 3);
  for (const auto& [in, wt, bs, out] : {std::array<int, 4>{x, w1, b1, h}, std::array<int, 4>{h, w2, b2, y}})
    m.Op(conv, {in, wt, bs}, {out}, BuiltinOptions::Conv2DOptions,
         tfl::CreateConv2DOptions(fbb, tfl::Padding::VALID, 1, 1).Union());
  return m.Finish({x}, {y}, "respect-opt fixture: two int8 per-channel CONV_2D, the first with a given bias");
}

std::vector<uint8_t> BuildLargeFcModel(int64_t target_param_bytes, int layers) {
  if (layers < 1) layers = 1;
  const int64_t per_layer = std::max<int64_t>(1, target_param_bytes / layers);
  const int d = std::max(1, static_cast<int>(std::sqrt(static_cast<double>(per_layer))));
  Lcg rng(51);
  MiniModel m;
  auto& fbb = m.fbb();
  int prev = m.Tensor("input", {1, d}, TensorType::INT8, 0, m.Quant({0.02f}, {0}));
  const int input = prev;
  std::vector<int8_t> w(static_cast<size_t>(d) * d);
  for (int l = 0; l < layers; ++l) {
    for (auto& x : w) x = static_cast<int8_t>(rng.Next() >> 24);
    const std::string p = "fc" + std::to_string(l);
    const int wt = m.Tensor(p + "/weights", {d, d}, TensorType::INT8, m.Buffer(w), m.Quant({0.001f}, {0}));
    const int bt = m.Tensor(p + "/bias", {d}, TensorType::INT32, m.Buffer(RandomInts<int32_t>(&rng, d, -100, 100)),
                            m.Quant({0.00002f}, {0}));
    const int out = m.Tensor(p + "/out", {1, d}, TensorType::INT8, 0, m.Quant({0.02f}, {0}));
    m.Op(m.Code(BuiltinOperator::FULLY_CONNECTED, 4), {prev, wt, bt}, {out}, BuiltinOptions::FullyConnectedOptions,
         tfl::CreateFullyConnectedOptions(fbb, tfl::ActivationFunctionType::RELU).Union());
    prev = out;
  }
  return m.Finish({input}, {prev}, "respect-opt fixture: large int8 fully-connected chain");
}

}  // namespace respect
