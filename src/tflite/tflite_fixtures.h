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

// A chain of FULLY_CONNECTED int8 layers whose constant weights total about
// `target_param_bytes` (for read benchmarks), with `layers` layers.
std::vector<uint8_t> BuildLargeFcModel(int64_t target_param_bytes, int layers = 32);

}  // namespace respect
