#include "tflite/tflite_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>
#include <sstream>

#include "tflite/tflite_model.h"
#include "tflite/tflite_types.h"
#include "tflite_schema_generated.h"

namespace respect {

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
const char* const kEdgeTpuCustomCode = "edgetpu-custom-op";

int64_t SatMul(int64_t a, int64_t b) {
  if (a <= 0 || b <= 0) return 0;
  if (a > kMax / b) return kMax;
  return a * b;
}

int64_t SatAdd(int64_t a, int64_t b) { return a > kMax - b ? kMax : a + b; }

std::string FileStem(const std::string& path) {
  std::string base = path.substr(path.find_last_of("/\\") + 1);
  const size_t dot = base.rfind('.');
  if (dot != std::string::npos && dot > 0) base = base.substr(0, dot);
  return base.empty() ? "model" : base;
}

std::vector<int> ToInts(const flatbuffers::Vector<int32_t>* v) {
  std::vector<int> out;
  if (v) out.assign(v->begin(), v->end());
  return out;
}

// Dimension d of a tensor's shape, or 0.
int64_t Dim(const TfliteTensorInfo& t, int d) {
  if (d < 0) d += static_cast<int>(t.shape.size());
  if (d < 0 || d >= static_cast<int>(t.shape.size())) return 0;
  return std::max<int32_t>(0, t.shape[d]);
}

int64_t Elements(const TfliteTensorInfo& t) {
  const int64_t n = ElementCount(t.shape);
  return n < 0 ? 0 : n;
}

// Multiply-accumulates of the compute-heavy operators; 0 for the rest.
int64_t Macs(const TfliteOperatorInfo& op, const std::vector<TfliteTensorInfo>& tensors) {
  auto in = [&](size_t i) -> const TfliteTensorInfo* {
    if (i >= op.inputs.size() || op.inputs[i] < 0) return nullptr;
    return &tensors[op.inputs[i]];
  };
  int64_t out_elems = 0;
  for (int o : op.outputs) out_elems = SatAdd(out_elems, Elements(tensors[o]));
  const TfliteTensorInfo* w = in(1);
  switch (op.builtin_code) {
    case 3:   // CONV_2D: filter [O, KH, KW, I]
      return w ? SatMul(out_elems, SatMul(SatMul(Dim(*w, 1), Dim(*w, 2)), Dim(*w, 3))) : 0;
    case 4:   // DEPTHWISE_CONV_2D: filter [1, KH, KW, O]
      return w ? SatMul(out_elems, SatMul(Dim(*w, 1), Dim(*w, 2))) : 0;
    case 9:   // FULLY_CONNECTED: weights [U, I]
      return w ? SatMul(out_elems, Dim(*w, -1)) : 0;
    case 67: {  // TRANSPOSE_CONV: inputs (output_shape, weights [O, KH, KW, I], input)
      const TfliteTensorInfo* x = in(2);
      return (w && x) ? SatMul(Elements(*x), SatMul(SatMul(Dim(*w, 0), Dim(*w, 1)), Dim(*w, 2))) : 0;
    }
    case 132:  // CONV_3D: filter [KD, KH, KW, I, O]
      return w ? SatMul(out_elems, SatMul(SatMul(Dim(*w, 0), Dim(*w, 1)), SatMul(Dim(*w, 2), Dim(*w, 3)))) : 0;
    case 126: {  // BATCH_MATMUL: out x K (K = lhs last dim)
      const TfliteTensorInfo* x = in(0);
      return x ? SatMul(out_elems, Dim(*x, -1)) : 0;
    }
    default:
      return 0;
  }
}

}  // namespace

namespace {

// What DescribeTflite's steps count for the notes.
struct DescribeCounts {
  int unknown_dims = 0, sparse = 0, fp16_consts = 0, shared_constants = 0;
  std::map<std::string, int> custom_counts;
};

void DescribeTensors(const TfliteModel& model, TfliteModelInfo* info, DescribeCounts* counts) {
  const tfl::SubGraph& sg = model.main_subgraph();
  std::set<uint32_t> counted_buffers;
  const size_t nt = sg.tensors() ? sg.tensors()->size() : 0;
  info->tensors.resize(nt);
  for (size_t i = 0; i < nt; ++i) {
    const tfl::Tensor* t = sg.tensors()->Get(static_cast<flatbuffers::uoffset_t>(i));
    TfliteTensorInfo& ti = info->tensors[i];
    ti.index = static_cast<int>(i);
    if (t->name()) ti.name = t->name()->str();
    if (t->shape()) ti.shape.assign(t->shape()->begin(), t->shape()->end());
    ti.type = static_cast<int>(t->type());
    ti.type_name = TensorTypeName(ti.type);
    const int64_t b = TensorBytes(ti.shape, ti.type);
    if (b < 0) ++counts->unknown_dims;
    ti.bytes = std::max<int64_t>(0, b);
    ti.buffer = t->buffer();
    ti.is_variable = t->is_variable();
    ti.sparse = t->sparsity() != nullptr;
    const tfl::QuantizationParameters* q = t->quantization();
    ti.quantized = q && ((q->scale() && q->scale()->size() > 0) || q->details_type() != tfl::QuantizationDetails::NONE);
    if (ti.buffer != 0) {
      const ByteSpan data = model.BufferData(ti.buffer);
      ti.constant_bytes = static_cast<int64_t>(data.size);
      if (data.size > 0 && counted_buffers.insert(ti.buffer).second)
        info->total_param_bytes = SatAdd(info->total_param_bytes, ti.constant_bytes);
    }
    if (ti.sparse && ti.constant_bytes > 0) ++counts->sparse;
    if (ti.constant_bytes > 0 && t->type() == tfl::TensorType::FLOAT16) ++counts->fp16_consts;
  }
}

// Operator o's code, tensors, readers and writers (into its tensors), bytes.
void DescribeOperator(const TfliteModel& model, size_t o, std::vector<int>* const_uses, TfliteModelInfo* info,
                      DescribeCounts* counts) {
  const tfl::Operator* op = model.main_subgraph().operators()->Get(static_cast<flatbuffers::uoffset_t>(o));
  const tfl::OperatorCode* code = model.model().operator_codes()->Get(op->opcode_index());
  TfliteOperatorInfo& oi = info->operators[o];
  oi.index = static_cast<int>(o);
  oi.builtin_code = ResolveBuiltinCode(code->deprecated_builtin_code(), static_cast<int32_t>(code->builtin_code()));
  oi.version = code->version();
  if (oi.builtin_code == kTfliteCustomOpCode) {
    oi.custom_code = code->custom_code() ? code->custom_code()->str() : "";
    oi.op = oi.custom_code.empty() ? "CUSTOM" : oi.custom_code;
    ++counts->custom_counts[oi.op];
  } else {
    oi.op = BuiltinOpName(oi.builtin_code);
  }
  oi.inputs = ToInts(op->inputs());
  oi.outputs = ToInts(op->outputs());
  oi.intermediates = ToInts(op->intermediates());
  oi.custom_options_bytes = static_cast<int64_t>(model.CustomOptions(static_cast<int>(o)).size);
  std::set<int> seen_inputs;
  for (int t : oi.inputs) {
    if (t < 0 || !seen_inputs.insert(t).second) continue;
    TfliteTensorInfo& ti = info->tensors[t];
    ti.consumers.push_back(oi.index);
    if (ti.constant_bytes > 0) {
      oi.param_bytes = SatAdd(oi.param_bytes, ti.constant_bytes);
      if (++(*const_uses)[t] == 2) ++counts->shared_constants;
    }
  }
  for (int t : oi.outputs) {
    TfliteTensorInfo& ti = info->tensors[t];
    if (ti.producer < 0) ti.producer = oi.index;
    ++ti.writers;
    oi.output_bytes = SatAdd(oi.output_bytes, ti.bytes);
  }
  if (!oi.outputs.empty()) oi.name = info->tensors[oi.outputs[0]].name;
  if (oi.name.empty()) oi.name = oi.op + "_" + std::to_string(o);
  if (oi.custom_code == kEdgeTpuCustomCode) {
    ++info->edgetpu_ops;
    // The compiled executable (weights included) lives in the options.
    oi.param_bytes = SatAdd(oi.param_bytes, oi.custom_options_bytes);
  }
  ++info->op_counts[oi.op];
}

void AddModelNotes(const DescribeCounts& counts, TfliteModelInfo* info) {
  if (info->edgetpu_ops > 0) {
    info->edgetpu_compiled = true;
    info->message = "model is already compiled for the Edge TPU (" + std::to_string(info->edgetpu_ops) +
                    " edgetpu-custom-op operator(s) hold the compiled layers); schedule and segment the "
                    "CPU model it came from instead, then compile the segments";
  }
  if (info->num_subgraphs > 1)
    info->notes.push_back("model has " + std::to_string(info->num_subgraphs) +
                          " subgraphs; only subgraph 0 (the main graph) is scheduled");
  if (counts.fp16_consts > 0) {
    int deq = 0;
    auto it = info->op_counts.find("DEQUANTIZE");
    if (it != info->op_counts.end()) deq = it->second;
    info->notes.push_back(std::to_string(counts.fp16_consts) + " float16 constant tensor(s) (" +
                          std::to_string(deq) + " DEQUANTIZE operator(s) expand them to float32)");
  }
  if (counts.sparse > 0)
    info->notes.push_back(std::to_string(counts.sparse) +
                          " sparse constant tensor(s) (stored compressed; DENSIFY expands them)");
  for (const auto& [code, n] : counts.custom_counts)
    if (code != kEdgeTpuCustomCode) info->notes.push_back("custom operator " + code + " x" + std::to_string(n));
  if (counts.unknown_dims > 0)
    info->notes.push_back(std::to_string(counts.unknown_dims) +
                          " tensor(s) with unknown dimensions or variable-size type count 0 bytes");
  if (counts.shared_constants > 0)
    info->notes.push_back(std::to_string(counts.shared_constants) +
                          " constant tensor(s) read by several operators count once per reader");
}

}  // namespace

TfliteModelInfo DescribeTflite(const TfliteModel& model) {
  const tfl::Model& m = model.model();
  const tfl::SubGraph& sg = model.main_subgraph();
  TfliteModelInfo info;
  info.origin = model.origin();
  info.name = FileStem(model.origin());
  info.schema_version = m.version();
  if (m.description()) info.description = m.description()->str();
  info.file_bytes = static_cast<int64_t>(model.bytes().size());
  info.num_subgraphs = static_cast<int>(m.subgraphs()->size());
  info.num_buffers = m.buffers() ? static_cast<int>(m.buffers()->size()) : 0;
  info.num_operator_codes = m.operator_codes() ? static_cast<int>(m.operator_codes()->size()) : 0;
  DescribeCounts counts;
  DescribeTensors(model, &info, &counts);
  info.inputs = ToInts(sg.inputs());
  info.outputs = ToInts(sg.outputs());
  const size_t nops = sg.operators() ? sg.operators()->size() : 0;
  info.operators.resize(nops);
  std::vector<int> const_uses(info.tensors.size(), 0);
  for (size_t o = 0; o < nops; ++o) DescribeOperator(model, o, &const_uses, &info, &counts);
  for (TfliteOperatorInfo& oi : info.operators) oi.macs = Macs(oi, info.tensors);
  AddModelNotes(counts, &info);
  return info;
}

StatusOr<TfliteModelInfo> ReadTfliteFile(const std::string& path) {
  auto model = TfliteModel::Load(path);
  if (!model.ok()) return model.status();
  return DescribeTflite(*model);
}

StatusOr<TfliteModelInfo> ReadTfliteBytes(const uint8_t* data, size_t size, const std::string& origin) {
  if (data == nullptr && size > 0) return Status::Invalid("null model bytes");
  std::vector<uint8_t> bytes(data, data + size);
  auto model = TfliteModel::FromBytes(std::move(bytes), origin);
  if (!model.ok()) return model.status();
  return DescribeTflite(*model);
}

namespace {

std::string OpText(const TfliteOperatorInfo& op) {
  return "operator " + std::to_string(op.index) + " (" + op.op + " '" + op.name + "')";
}

// Execution order must be a topological order of the dataflow; see the
// header for what is refused.
Status CheckDataflow(const TfliteModelInfo& info) {
  for (const TfliteOperatorInfo& op : info.operators) {
    if (op.macs == kMax) return Status::Invalid(OpText(op) + " has a MAC count beyond int64 (corrupt shapes?)");
    for (int t : op.inputs) {
      if (t < 0 || t >= static_cast<int>(info.tensors.size())) continue;
      const TfliteTensorInfo& ti = info.tensors[t];
      if (ti.is_variable || ti.producer < 0) continue;
      if (std::find(op.outputs.begin(), op.outputs.end(), t) != op.outputs.end())
        return Status::Invalid(OpText(op) + " reads its own output tensor '" + ti.name + "' (a cycle)");
      if (ti.producer > op.index)
        return Status::Invalid(OpText(op) + " reads tensor '" + ti.name + "' before " +
                               OpText(info.operators[ti.producer]) + " writes it (a cycle in execution order)");
    }
    for (int t : op.outputs) {
      const TfliteTensorInfo& ti = info.tensors[t];
      if (!ti.is_variable && ti.writers > 1 && ti.producer != op.index)
        return Status::Invalid("tensor '" + ti.name + "' is written by " + OpText(info.operators[ti.producer]) +
                               " and again by " + OpText(op));
    }
  }
  return Status::Ok();
}

// Bytes of the outputs that can cross a stage boundary: read by a later
// operator, or leaving the model.
int64_t LiveOutputBytes(const TfliteModelInfo& info, const TfliteOperatorInfo& op,
                        const std::vector<char>& is_model_output) {
  int64_t bytes = 0;
  std::set<int> seen;
  for (int t : op.outputs) {
    if (!seen.insert(t).second) continue;
    const TfliteTensorInfo& ti = info.tensors[t];
    bool live = is_model_output[t] != 0;
    for (int c : ti.consumers) live = live || c != op.index;
    if (live) bytes = SatAdd(bytes, ti.bytes);
  }
  return bytes;
}

// See the header: MODEL_INPUT nodes, PIPELINE_START and PIPELINE_END, after
// the operators. `parents` holds each operator's operator parents.
void AddBoundaryNodes(const TfliteModelInfo& info, const std::vector<std::set<int>>& parents,
                      const std::vector<char>& is_model_output, GraphBuilder* b) {
  const int nops = static_cast<int>(info.operators.size());
  Node start;
  start.id = "start";
  start.name = "(pipeline start)";
  start.op = kPipelineStartOp;
  const int s = b->AddNode(start);
  Node end;
  end.id = "end";
  end.name = "(pipeline end)";
  end.op = kPipelineEndOp;
  const int e = b->AddNode(end);
  std::set<int> seen_inputs;
  for (int t : info.inputs) {
    const TfliteTensorInfo& ti = info.tensors[t];
    if (!seen_inputs.insert(t).second || ti.constant_bytes > 0 || ti.producer >= 0) continue;
    if (ti.consumers.empty() && !is_model_output[t]) continue;  // passes through no segment
    Node in;
    in.id = "input:" + std::to_string(t);
    in.name = ti.name.empty() ? in.id : ti.name;
    in.op = kModelInputOp;
    in.output_bytes = ti.bytes;
    const int p = b->AddNode(in);
    b->AddEdgeIdx(p, s);
    for (int c : ti.consumers) b->AddEdgeIdx(p, c);
    if (is_model_output[t]) b->AddEdgeIdx(p, e);
  }
  std::vector<char> has_children(nops, 0);
  for (int v = 0; v < nops; ++v)
    for (int u : parents[v]) has_children[u] = 1;
  for (int v = 0; v < nops; ++v) {
    if (parents[v].empty()) b->AddEdgeIdx(s, v);
    bool feeds_output = false;
    for (int t : info.operators[v].outputs) feeds_output = feeds_output || is_model_output[t];
    if (!has_children[v] || feeds_output) b->AddEdgeIdx(v, e);
  }
}

}  // namespace

StatusOr<Graph> TfliteToGraph(const TfliteModelInfo& info, const std::string& graph_name) {
  const std::string name = graph_name.empty() ? info.name : graph_name;
  if (info.operators.empty())
    return Status::Invalid("TFLite model '" + info.origin + "' has no operators in its main subgraph");
  Status flow = CheckDataflow(info);
  if (!flow.ok()) return flow.WithContext("TFLite model '" + info.origin + "'");
  GraphBuilder b(name);
  const int nt = static_cast<int>(info.tensors.size());
  std::vector<char> is_model_output(nt, 0);
  for (int t : info.outputs) is_model_output[t] = 1;
  for (const TfliteOperatorInfo& op : info.operators) {
    Node n;
    n.id = std::to_string(op.index);
    n.id_is_int = true;
    n.name = op.name;
    n.op = op.op;
    n.param_bytes = op.param_bytes;
    n.output_bytes = LiveOutputBytes(info, op, is_model_output);
    n.macs = op.macs;
    b.AddNode(std::move(n));
  }
  std::vector<std::set<int>> parents(info.operators.size());
  for (const TfliteOperatorInfo& op : info.operators) {
    for (int t : op.inputs) {
      if (t < 0 || t >= nt) continue;
      const int u = info.tensors[t].producer;
      // Only variables can still be written later (CheckDataflow); their
      // state stays inside one operator, it is no data dependency.
      if (u >= 0 && u < op.index) parents[op.index].insert(u);
    }
    for (int u : parents[op.index]) b.AddEdgeIdx(u, op.index);
  }
  AddBoundaryNodes(info, parents, is_model_output, &b);
  auto g = b.Build();
  if (!g.ok()) return g.status().WithContext("TFLite model '" + info.origin + "'");
  return g;
}

void PinBoundaryNodes(const Graph& graph, int stages, std::vector<int>* stage) {
  for (int v = 0; v < graph.size() && v < static_cast<int>(stage->size()); ++v) {
    const Node& n = graph.node(v);
    if (n.op == kModelInputOp || n.op == kPipelineStartOp) (*stage)[v] = 0;
    else if (n.op == kPipelineEndOp) (*stage)[v] = stages - 1;
  }
}

StatusOr<Graph> LoadTfliteGraph(const std::string& path) {
  auto info = ReadTfliteFile(path);
  if (!info.ok()) return info.status();
  return TfliteToGraph(*info);
}

std::string SummarizeTflite(const TfliteModelInfo& info) {
  std::ostringstream os;
  int64_t macs = 0;
  for (const auto& op : info.operators) macs = SatAdd(macs, op.macs);
  os << info.origin << ": schema v" << info.schema_version << ", " << info.file_bytes << " bytes, "
     << info.operators.size() << " operators, " << info.tensors.size() << " tensors, "
     << info.num_subgraphs << " subgraph(s), " << info.total_param_bytes << " parameter bytes, " << macs
     << " MACs\n";
  os << "  inputs:";
  for (int t : info.inputs) os << " " << info.tensors[t].name << " " << info.tensors[t].type_name;
  os << "\n  outputs:";
  for (int t : info.outputs) os << " " << info.tensors[t].name;
  os << "\n  ops:";
  for (const auto& [op, n] : info.op_counts) os << " " << op << " x" << n;
  os << "\n";
  if (info.edgetpu_compiled) os << "  EDGE TPU: " << info.message << "\n";
  for (const std::string& n : info.notes) os << "  note: " << n << "\n";
  return os.str();
}

}  // namespace respect
