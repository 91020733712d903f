// Check-only copies of a model and its segments for the CPU reference runner.
//
// Arm NN 20.08 cannot parse a CONV_2D (or other operator) whose weights come
// from a DEQUANTIZE operator: the float16 MediaPipe models store their
// weights as float16 constants behind DEQUANTIZE. The copies made here fold
// every constant DEQUANTIZE (input: a constant, dense float16 tensor; output:
// a float32 tensor written only by it, not a model output) into a float32
// constant: the output tensor gets a buffer with the converted values, so its
// readers read a constant, and the DEQUANTIZE operator is dropped. In a
// segment copy a folded tensor that crossed a boundary is a constant of every
// segment reading it and no longer a segment input or output.
//
// A constant sparse tensor expanded by DENSIFY (the sparse MediaPipe model:
// sparse float16 -> DENSIFY -> DEQUANTIZE; Arm NN 20.08 has no DENSIFY) is
// folded the same way first: the DENSIFY output becomes a dense constant.
//
// Arm NN 20.08 also refuses a quantized CONV_2D, DEPTHWISE_CONV_2D or
// FULLY_CONNECTED whose constant int32 bias has a scale further than 1e-6
// (absolute, in float) from input scale x weight scale (per output channel
// where the weights have per-channel scales; a per-tensor bias against
// per-channel weights counts as different), or a per-tensor zero point
// other than 0. In the copies such a bias is requantized: each value q
// becomes round((q - zero point) x old scale / expected scale), half away
// from zero, saturated to int32, and the tensor gets the expected scales
// with zero points 0. The bias keeps its real values to within half an
// expected scale step. Biases Arm NN accepts are left as they are. A bias
// that operators wanting other scales share (or that another operator reads
// as it is, or that is a model output) stays as it is for those, and each
// reader that needs it requantized reads its own copy, named
// "<bias>/copy_for_op_<operator>".
// (Arm NN 20.08's TfLiteParser takes no TRANSPOSE_CONV bias at all.)
//
// The segmentation under test is unchanged: only the reference runner's
// inputs are these copies; the deployed files stay byte for byte what the
// segmenter built. float16 -> float32 is exact, so the folded model computes
// what the original does. Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "deploy/segmenter.h"
#include "tflite/tflite_model.h"

namespace respect {

struct CheckCopies {
  std::vector<uint8_t> model;     // the whole model, folded (verified)
  std::vector<Segment> segments;  // folded segments (pass-through ones left out); plan.operators
                                  // index the folded model, plan.stage is the original stage
  int folded_operators = 0;       // DEQUANTIZE and DENSIFY operators folded
  int requantized_biases = 0;     // int32 biases requantized, in place or one copy per reader
                                  // (both 0: copies equal the inputs)
  std::string note;               // one line for the manifest ("" when the copies equal the inputs)
};

// The float32 value of IEEE 754 half-precision bits (subnormals, infinities
// and NaN included).
float HalfToFloat(uint16_t h);

// Builds the copies. `segments` as returned by SegmentModel for `model`. A
// segment left without operators (it held only folded DEQUANTIZE) only
// passes on what it received: it has no copy (the chain skips it; the note
// names it). The note counts what was folded and requantized. Invalid (one
// line) when a copy cannot be built.
StatusOr<CheckCopies> FoldConstantOperators(const TfliteModel& model, const std::vector<Segment>& segments);

}  // namespace respect
