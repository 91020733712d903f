// Cuts a TFLite model into one model per pipeline stage (docs/design.md "Deploy").
//
// Input: the verified model and a stage per operator of subgraph 0 (the
// node order of TfliteToGraph). Segment k holds the operators of stage k in
// their original order. A tensor produced in stage i and read in stage j > i
// becomes an output of segments i..j-1 and an input of segments i+1..j (it
// is forwarded through the stages in between). The model's inputs enter
// segment 0 and are forwarded like tensors produced "before" stage 0; the
// model's outputs leave the last segment, forwarded from wherever they are
// produced. Constant tensors are copied into every segment that reads them.
//
// Everything copied stays exact: tensors (name, shape, type, shape signature,
// quantization and sparsity parameters), buffer bytes, operator codes,
// operators (inputs/outputs renumbered, builtin options relocated byte for
// byte, custom options), model version, description and metadata. Only the
// buffers and operator codes a segment uses are kept. Signature defs are
// dropped (they describe the whole model). Buffers stored outside the
// flatbuffer (> 2 GB models) are written inline. Every segment is checked
// with the Verifier before it is returned.
//
// Refused with Status::Invalid (one line): a schedule that runs a tensor
// backwards, an empty stage, models with several subgraphs (control flow),
// options unknown to this build, duplicate or empty tensor names at a
// segment boundary (the pipeline matches tensors by name).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"

namespace respect {

struct SegmentPlan {
  int stage = 0;
  std::vector<int> operators;   // original operator indices, execution order
  std::vector<int> tensors;     // original tensor indices kept, ascending
  std::vector<int> inputs;      // original tensor indices, segment input order
  std::vector<int> outputs;     // original tensor indices, segment output order
  std::vector<int> forwarded;   // inputs that are also outputs (pass through)
};

struct Segment {
  SegmentPlan plan;
  std::vector<uint8_t> bytes;   // the .tflite file
  int64_t param_bytes = 0;      // constant bytes in this segment (each buffer once)
  std::vector<std::string> notes;
};

// Which operators, tensors, inputs and outputs each segment gets.
StatusOr<std::vector<SegmentPlan>> PlanSegments(const TfliteModelInfo& info, const std::vector<int>& stage_of_op,
                                                int stages);

// Bytes the segment files pass at each boundary k (k = 0..n-2): the sizes
// of the tensors that are outputs of segment k and inputs of segment k+1.
std::vector<int64_t> SegmentCrossingBytes(const TfliteModelInfo& info, const std::vector<SegmentPlan>& plans);

// Quantization parameters given to a tensor in place of its own.
struct TensorQuantization {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int32_t quantized_dimension = 0;
};

// What the check-only copies of src/deploy/check_copy.h change in tensors
// (original tensor indices); the segments themselves never use it.
struct TensorEdits {
  std::map<int, std::vector<uint8_t>> data;          // bytes of a new constant buffer
  std::map<int, TensorQuantization> quantization;    // replaces the tensor's quantization (min, max
                                                     // and details dropped)
  // A constant tensor's copy for one reader: in a plan holding operator
  // `reader`, its inputs that name `source` name a new tensor instead, a copy
  // of `source` (name + "/copy_for_op_<reader>") with its own buffer `data`
  // and `quantization`. The other readers keep `source`.
  struct Clone {
    int source = -1;
    int reader = -1;
    std::vector<uint8_t> data;
    TensorQuantization quantization;
  };
  std::vector<Clone> clones;
};

// Builds the model of one plan (what SegmentModel does per stage; `stages`
// only names it in messages). With `edits`, each tensor of the plan listed
// in `edits->data` gets a new buffer holding those bytes, and each listed in
// `edits->quantization` those quantization parameters.
StatusOr<Segment> BuildSegment(const TfliteModel& model, const TfliteModelInfo& info, const SegmentPlan& plan,
                               int stages, const TensorEdits* edits = nullptr);

// Plans and builds every segment in memory.
StatusOr<std::vector<Segment>> SegmentModel(const TfliteModel& model, const std::vector<int>& stage_of_op,
                                            int stages);

// "<stem>_segment_<k>_of_<n>.tflite" (k from 0, as the Coral tools name them).
std::string SegmentFileName(const std::string& stem, int k, int n);

// Writes the segments into `dir` (created if missing) under SegmentFileName.
// Refuses (Invalid) to write any file that is the input model itself; files
// are written to a temporary name and renamed. Returns the paths written.
StatusOr<std::vector<std::string>> WriteSegments(const std::vector<Segment>& segments, const std::string& dir,
                                                 const std::string& stem, const std::string& input_path);

// Publishes a deploy: writes the segment files (`files[k]` for segment k) and
// manifest.yaml into a fresh temporary directory beside `dir`, then puts it
// in place of `dir` in one rename (an atomic exchange where the file system
// allows it), so readers see the old deploy or the new one, whole, and a
// deploy of another stage count leaves no stale segments behind. `dir` is
// owned by the deploy: refused (Invalid) when the input model or another
// protected input lies inside it, or when it exists and is not a directory.
// On failure the temporary directory is removed and `dir` is unchanged.
Status PublishSegments(const std::vector<Segment>& segments, const std::vector<std::string>& files,
                       const std::string& manifest_yaml, const std::string& dir, const std::string& input_path);

// True when `a` and `b` name the same file (also through links or `..`).
bool SameFile(const std::string& a, const std::string& b);

}  // namespace respect
