// Small synthetic .tflite models built with the flatbuffers builder, for
// tests, fuzz seeds and benchmarks (no network needed). Each is a valid
// model that passes the Verifier; the quantized ones also run in a real
// TFLite runtime (Arm NN's parser + CpuRef). Deterministic bytes.
#pragma once

#include <cstdint>
#include <vector>

namespace respect {

enum class FixtureQuant { kUint8, kInt8 };

// 5 operators: CONV_2D -> DEPTHWISE_CONV_2D -> ADD(conv, dw) -> RESHAPE ->
// FULLY_CONNECTED. Input "input" [1,8,8,3], output "logits" [1,10]. The ADD
// reads the CONV_2D result again, so splitting between the convolutions
// forwards a tensor through a middle segment. kInt8 uses per-channel int8
// filters (TFLite's full-integer scheme), kUint8 per-tensor uint8 weights
// (the older scheme of the Edge TPU models).
std::vector<uint8_t> BuildTinyConvModel(FixtureQuant quant = FixtureQuant::kInt8);

// float16 weights behind DEQUANTIZE feeding FULLY_CONNECTED (float32 path).
std::vector<uint8_t> BuildFp16WeightsModel();

// DEQUANTIZE(fc1 weights), DEQUANTIZE(fc2 weights), FULLY_CONNECTED (RELU)
// -> FULLY_CONNECTED: x [1,16] -> h [1,8] -> y [1,4], weights float16. Cut
// after the first FULLY_CONNECTED, the fc2 weights cross the boundary.
std::vector<uint8_t> BuildFp16TwoLayerModel();

// A sparse (CSR-encoded) float32 weight matrix expanded by DENSIFY, then
// FULLY_CONNECTED.
std::vector<uint8_t> BuildSparseWeightsModel();

// Box and score inputs -> the TFLite_Detection_PostProcess custom operator
// with 4 outputs (boxes, classes, scores, count), anchors as a constant.
std::vector<uint8_t> BuildDetectionPostprocessModel();

// What edgetpu_compiler emits: one "edgetpu-custom-op" holding an opaque
// executable in its custom options, uint8 in and out.
std::vector<uint8_t> BuildEdgeTpuCompiledModel();

// x -> ADD(x, w) -> y -> ADD(y, w) -> z with the constant w shared by both
// ADDs; the model outputs are z, y (produced early) and w (a constant).
std::vector<uint8_t> BuildSharedConstantModel();

// The int32 bias of the two fixtures below: scale and zero point (one per
// tensor or one per output channel) and one value per output channel.
struct FixtureBias {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  std::vector<int32_t> values;
};

// One int8 FULLY_CONNECTED: x [1,2] (scale 0.5, zero point 0) times
// "fc/weights" [4,2] = {1,2, 3,-1, 0,0, 0,0} (per-tensor scale 0.25, zero
// point 0) plus "fc/bias" [4] = `bias` -> y [1,4] (scale 0.25, zero point 0).
// TFLite and Arm NN expect the bias at scale 0.5 x 0.25 = 0.125, zero point 0.
std::vector<uint8_t> BuildInt8FcBiasModel(const FixtureBias& bias);

// Two int8 FULLY_CONNECTED sharing the bias "fc/bias" = `bias` [4]: x [1,2]
// (scale 0.5) -> fc1 (weights as above, scale 0.25) -> h [1,4] (scale 0.25)
// -> fc2 (weights 2 x identity [4,4], scale 0.25) -> y [1,4] (scale 0.25);
// zero points 0. fc1 expects the bias at 0.125, fc2 at 0.0625 (as in
// xception's int8 models, where one bias feeds six DEPTHWISE_CONV_2D).
std::vector<uint8_t> BuildInt8SharedBiasModel(const FixtureBias& bias);

// Two int8 1x1 CONV_2D with per-channel filters: x [1,1,1,2] (scale 0.1)
// -> conv1 (filter {3,4, -2,5}, scales {0.02, 0.03}, "conv1/bias" = `bias`)
// -> h [1,1,1,2] (scale 0.05) -> conv2 (filter {20,10, -3,1}, scales
// {0.01, 0.02}, bias {10, -20} at scales 0.05 x {0.01, 0.02}) -> y
// [1,1,1,2] (scale 0.01); zero points 0. conv1's bias is expected at scales
// 0.1f x {0.02f, 0.03f} (float products).
std::vector<uint8_t> BuildInt8ConvBiasModel(const FixtureBias& conv1_bias);

// A chain of FULLY_CONNECTED int8 layers whose constant weights total about
// `target_param_bytes` (for read benchmarks), with `layers` layers.
std::vector<uint8_t> BuildLargeFcModel(int64_t target_param_bytes, int layers = 32);

}  // namespace respect
