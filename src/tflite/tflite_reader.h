// The TFLite frontend: a .tflite file -> a description of its main subgraph
// (TfliteModelInfo) -> the scheduling Graph (docs/design.md "Deploy").
//
// Graph mapping (subgraph 0 only; other subgraphs are noted, not scheduled):
//   * one node per operator, in execution order; node id = operator index
//     (an integer id, so schedule JSON ids are operator indices),
//     name = the operator's first output tensor name, op = builtin name
//     ("CONV_2D") or the custom code ("TFLite_Detection_PostProcess");
//   * param_bytes = bytes of the operator's constant inputs (tensors whose
//     buffer holds data; sparse tensors count their stored bytes; a constant
//     shared by several operators counts for each of them);
//   * output_bytes = sum over the operator's live outputs (read by another
//     operator, or a model output) of shape x element size (unknown
//     dimensions count 0); outputs nobody reads never cross a boundary;
//   * macs for CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV,
//     CONV_3D and BATCH_MATMUL (0 otherwise);
//   * an edge u -> v for every tensor produced by u and read by v.
// Boundary nodes follow the operators (which keep indices 0..ops-1), so the
// one cost model also counts what a pipeline really passes at its ends:
//   * MODEL_INPUT (id "input:<tensor>", output_bytes = the tensor's bytes):
//     one per non-constant model input that an operator reads, with edges to
//     its readers. The input enters stage 0 and is forwarded to its last
//     reader, crossing every boundary in between;
//   * PIPELINE_START (id "start", 0 bytes): child of every MODEL_INPUT and
//     parent of every operator without operator parents, so it sits at or
//     before every operator, and the inputs with it in stage 0;
//   * PIPELINE_END (id "end", 0 bytes): child of every operator without
//     operator children and of every producer of a model output (or of the
//     MODEL_INPUT of an input that is also an output), so model outputs
//     are forwarded to the last stage.
// These nodes carry no parameters and are not operators (Graph::is_operator):
// constraints.nonempty_stages asks every stage for an operator, so no
// schedule leaves a stage with only them (it would make no segment).
// A model already compiled by edgetpu_compiler (operators replaced by
// "edgetpu-custom-op") reads fine and is flagged: info.edgetpu_compiled with
// an explanatory info.message.
//
// All functions are thread-safe and never throw; bad files give
// Status::Invalid with a one-line message naming the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace respect {

class TfliteModel;

struct TfliteTensorInfo {
  int index = 0;
  std::string name;
  std::vector<int32_t> shape;
  int type = 0;                 // TensorType id
  std::string type_name;        // "int8", "float16", ...
  int64_t bytes = 0;            // dense size: shape x element size (0 if unknown)
  uint32_t buffer = 0;          // index into the model's buffers
  int64_t constant_bytes = 0;   // bytes of constant data (0 for activations)
  bool is_variable = false;
  bool sparse = false;          // has sparsity parameters (read by DENSIFY)
  bool quantized = false;       // has scale/zero_point
  int producer = -1;            // first operator writing it, -1 for inputs/constants
  int writers = 0;              // operators listing it as an output
  std::vector<int> consumers;   // operators reading it, in execution order
};

struct TfliteOperatorInfo {
  int index = 0;
  int32_t builtin_code = 0;     // BuiltinOperator code (32 = CUSTOM)
  std::string op;               // builtin name or the custom code
  std::string custom_code;      // "" for builtins
  int version = 1;
  std::string name;             // first output tensor's name
  std::vector<int> inputs;      // tensor indices (-1 = optional input left out)
  std::vector<int> outputs;
  std::vector<int> intermediates;
  int64_t param_bytes = 0;
  int64_t output_bytes = 0;
  int64_t macs = 0;
  int64_t custom_options_bytes = 0;
};

struct TfliteModelInfo {
  std::string origin;           // path or label given to the reader
  std::string name;             // file stem ("model" for bytes without a name)
  uint32_t schema_version = 0;
  std::string description;
  int64_t file_bytes = 0;
  int num_subgraphs = 0;
  int num_buffers = 0;
  int num_operator_codes = 0;
  std::vector<TfliteTensorInfo> tensors;      // subgraph 0
  std::vector<TfliteOperatorInfo> operators;  // subgraph 0, execution order
  std::vector<int> inputs;                    // subgraph 0 input tensors
  std::vector<int> outputs;                   // subgraph 0 output tensors
  int64_t total_param_bytes = 0;              // constant bytes, each buffer once
  std::map<std::string, int> op_counts;       // op name -> operators
  bool edgetpu_compiled = false;              // has edgetpu-custom-op operators
  int edgetpu_ops = 0;
  std::string message;                        // one line for the user when flagged
  std::vector<std::string> notes;             // fp16 weights, sparse tensors, custom ops...
};

// Reads, verifies and describes a .tflite file.
StatusOr<TfliteModelInfo> ReadTfliteFile(const std::string& path);
// The same for bytes in memory (copied when not 8-byte aligned).
StatusOr<TfliteModelInfo> ReadTfliteBytes(const uint8_t* data, size_t size, const std::string& origin = "");
// Describes an already verified model (cannot fail).
TfliteModelInfo DescribeTflite(const TfliteModel& model);

// The scheduling graph of the description above. `graph_name` defaults to
// info.name. Invalid (one line naming the operator and tensor) when the model
// has no operators, or its operators do not form a DAG in execution order:
// an operator reading its own output, a tensor read before the operator
// that writes it runs, a tensor written by two operators (variable tensors,
// which carry state between invocations, are exempt), or a MAC count beyond
// int64.
StatusOr<Graph> TfliteToGraph(const TfliteModelInfo& info, const std::string& graph_name = "");

// Boundary nodes (see above): kModelInputOp, kPipelineStartOp,
// kPipelineEndOp and IsBoundaryNode live in graph/graph.h (the cost model
// and the schedulers need them too).

// Puts the boundary nodes of a TfliteToGraph graph where a pipeline has them:
// MODEL_INPUT and PIPELINE_START in stage 0, PIPELINE_END in the last stage.
// `stage` has one entry per graph node; operator entries are left alone.
void PinBoundaryNodes(const Graph& graph, int stages, std::vector<int>* stage);

// ReadTfliteFile + TfliteToGraph (used by the `model:` loader in src/io).
StatusOr<Graph> LoadTfliteGraph(const std::string& path);

// A few human-readable lines: operators, tensors, parameter bytes, op mix,
// flags and notes.
std::string SummarizeTflite(const TfliteModelInfo& info);

}  // namespace respect
