// CPU reference check of a segmentation with a real TFLite runtime: Arm NN's
// TfLiteParser + the CpuRef backend (Debian packages). Runs the whole model
// and the chain of segments on the same random inputs and compares outputs.
//
// The chain has the shape of Coral's pipelined model runner: one thread per
// segment, bounded queues between them; each segment takes its inputs by
// tensor name from what the previous segment emitted (forwarded tensors
// included). The model's inputs enter segment 0; the last segment's outputs
// are compared, by name, with the whole model's.
//
// One Arm NN IRuntime per process, created on first use and reused; every
// network loaded for a check is unloaded afterwards. Arm NN exceptions never
// escape: a model or segment Arm NN cannot parse or run gives a Status whose
// message names the operator (the check is then skipped for that model).
// Without Arm NN (RESPECT_HAVE_ARMNN undefined) everything returns
// "built without Arm NN". CpuRef is a slow reference backend (seconds per
// inference for a MobileNet): keep `runs` small.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "deploy/segmenter.h"
#include "tflite/tflite_model.h"

namespace respect {

struct RunnerOptions {
  int runs = 1;                // inputs pushed through model and pipeline
  uint64_t seed = 1;           // random inputs
  size_t queue_capacity = 2;   // bounded queues between segment threads
};

struct SegmentRunStats {
  int segment = 0;
  int invocations = 0;
  double total_ms = 0;         // time inside the runtime
  double mean_ms = 0;
};

struct ReferenceCheckReport {
  bool identical = false;          // every output byte-identical, every run
  double max_abs_diff = 0;         // largest element difference (in element units)
  int mismatched_outputs = 0;      // (run, output) pairs that differ
  std::vector<std::string> output_names;
  int runs = 0;
  double whole_model_mean_ms = 0;
  std::vector<SegmentRunStats> segments;
  double pipeline_seconds = 0;     // wall time of all runs through the chain
  double throughput_per_s = 0;     // runs / pipeline_seconds
  std::string backend;             // "CpuRef"
};

// True when built with Arm NN.
bool ReferenceRunnerAvailable();

// Runs the check. `segments` as returned by SegmentModel for `model`.
StatusOr<ReferenceCheckReport> RunReferenceCheck(const TfliteModel& model, const std::vector<Segment>& segments,
                                                 const RunnerOptions& options = {});

// Runs `model` alone, once, on `inputs` (the bytes of every input tensor, by
// name) and returns its outputs by name. Invalid (one line) when Arm NN
// cannot parse or run it, or an input is missing or has the wrong size.
StatusOr<std::map<std::string, std::vector<uint8_t>>> RunModelOnce(
    const TfliteModel& model, const std::map<std::string, std::vector<uint8_t>>& inputs);

// Human-readable lines (identical or not, per-segment time, throughput).
std::string FormatReferenceReport(const ReferenceCheckReport& report);

}  // namespace respect
