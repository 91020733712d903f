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
  int folded_operators = 0;       // DEQUANTIZE and DENSIFY operators folded (0: copies equal the inputs)
  std::string note;               // one line for the manifest ("" when nothing was folded)
};

// The float32 value of IEEE 754 half-precision bits (subnormals, infinities
// and NaN included).
float HalfToFloat(uint16_t h);

// Builds the copies. `segments` as returned by SegmentModel for `model`. A
// segment left without operators (it held only folded DEQUANTIZE) only
// passes on what it received: it has no copy (the chain skips it; the note
// names it). Invalid (one line) when a folded copy cannot be built.
StatusOr<CheckCopies> FoldConstantOperators(const TfliteModel& model, const std::vector<Segment>& segments);

}  // namespace respect
