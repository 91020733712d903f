#include "deploy/check_copy.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "tflite/tflite_reader.h"
#include "tflite_schema_generated.h"

namespace respect {

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits = 0;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);  // infinity or NaN (payload kept)
  } else if (exp != 0) {
    bits = sign | ((exp + 112u) << 23) | (mant << 13);  // rebias 15 -> 127
  } else if (mant == 0) {
    bits = sign;  // signed zero
  } else {
    // Subnormal half: normalise into a float32 normal.
    int e = -1;
    do {
      ++e;
      mant <<= 1;
    } while ((mant & 0x400u) == 0);
    bits = sign | (static_cast<uint32_t>(112 - e) << 23) | ((mant & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

namespace {

// Element i of a sparse index vector, or -1 when out of range / absent.
int64_t IndexAt(tfl::SparseIndexVector type, const void* v, int64_t i) {
  if (!v || i < 0) return -1;
  auto get = [i](const auto* values) -> int64_t {
    if (!values || i >= static_cast<int64_t>(values->size())) return -1;
    return static_cast<int64_t>(values->Get(static_cast<flatbuffers::uoffset_t>(i)));
  };
  switch (type) {
    case tfl::SparseIndexVector::Int32Vector: return get(static_cast<const tfl::Int32Vector*>(v)->values());
    case tfl::SparseIndexVector::Uint16Vector: return get(static_cast<const tfl::Uint16Vector*>(v)->values());
    case tfl::SparseIndexVector::Uint8Vector: return get(static_cast<const tfl::Uint8Vector*>(v)->values());
    default: return -1;
  }
}

// Expands a sparse constant (TFLite's format: traversal order, block map,
// per-level DENSE or SPARSE_CSR metadata) into dense bytes of `dense_shape`,
// walking the levels the way TFLite's DENSIFY does. Empty when anything is
// inconsistent (then nothing is folded).
class SparseExpander {
 public:
  SparseExpander(const tfl::SparsityParameters& sp, const std::vector<int32_t>& dense_shape, ByteSpan values,
                 size_t elem)
      : sp_(sp), shape_(dense_shape), values_(values), elem_(elem) {}

  std::vector<uint8_t> Run() {
    const auto* order = sp_.traversal_order();
    const auto* dims = sp_.dim_metadata();
    const size_t rank = shape_.size();
    // TFLite blocks each dimension at most once: at most 2 x rank levels.
    if (!order || !dims || order->size() != dims->size() || order->size() < rank || order->size() > 2 * rank ||
        rank == 0 || rank > 8 || elem_ == 0)
      return {};
    int64_t count = 1;
    for (int32_t d : shape_) {
      if (d <= 0 || count > (int64_t{1} << 31) / d) return {};
      count *= d;
    }
    if (values_.size % elem_ != 0) return {};
    const size_t levels = order->size();
    for (size_t l = 0; l < levels; ++l) {
      const int32_t o = order->Get(static_cast<flatbuffers::uoffset_t>(l));
      if (o < 0 || static_cast<size_t>(o) >= levels || (l < rank) != (static_cast<size_t>(o) < rank)) return {};
    }
    const auto* block_map = sp_.block_map();
    if (levels > rank && (!block_map || block_map->size() != levels - rank)) return {};
    dense_.assign(static_cast<size_t>(count) * elem_, 0);
    index_.assign(levels, 0);
    next_ = 0;
    ok_ = true;
    // A consistent encoding reaches each element once per level.
    steps_left_ = static_cast<int64_t>(levels + 1) * count + 1024;
    Walk(0, 0);
    if (!ok_ || next_ * elem_ != values_.size) return {};
    return std::move(dense_);
  }

 private:
  void Walk(size_t level, int64_t prev) {
    if (!ok_) return;
    if (--steps_left_ < 0) return Fail();
    const auto* order = sp_.traversal_order();
    const size_t rank = shape_.size();
    if (level == index_.size()) {
      std::vector<int64_t> orig(rank, 0);
      size_t i = 0;
      for (; i < rank; ++i) orig[order->Get(static_cast<flatbuffers::uoffset_t>(i))] = index_[i];
      for (; i < index_.size(); ++i) {
        const size_t block = static_cast<size_t>(order->Get(static_cast<flatbuffers::uoffset_t>(i))) - rank;
        const int32_t dim = sp_.block_map()->Get(static_cast<flatbuffers::uoffset_t>(block));
        const int32_t size = sp_.dim_metadata()->Get(static_cast<flatbuffers::uoffset_t>(i))->dense_size();
        if (dim < 0 || static_cast<size_t>(dim) >= rank) return Fail();
        orig[dim] = orig[dim] * size + index_[i];
      }
      int64_t flat = 0;
      for (size_t d = 0; d < rank; ++d) {
        if (orig[d] < 0 || orig[d] >= shape_[d]) return Fail();
        flat = flat * shape_[d] + orig[d];
      }
      if ((next_ + 1) * elem_ > values_.size) return Fail();
      std::memcpy(dense_.data() + flat * elem_, values_.data + next_ * elem_, elem_);
      ++next_;
      return;
    }
    const tfl::DimensionMetadata* dm = sp_.dim_metadata()->Get(static_cast<flatbuffers::uoffset_t>(level));
    if (!dm) return Fail();
    if (dm->format() == tfl::DimensionType::DENSE) {
      const int32_t n = dm->dense_size();
      if (n <= 0 || n > shape_limit()) return Fail();
      for (int32_t i = 0; i < n && ok_; ++i) {
        index_[level] = i;
        Walk(level + 1, prev * n + i);
      }
      return;
    }
    const int64_t lo = IndexAt(dm->array_segments_type(), dm->array_segments(), prev);
    const int64_t hi = IndexAt(dm->array_segments_type(), dm->array_segments(), prev + 1);
    if (lo < 0 || hi < lo) return Fail();
    for (int64_t i = lo; i < hi && ok_; ++i) {
      const int64_t idx = IndexAt(dm->array_indices_type(), dm->array_indices(), i);
      if (idx < 0) return Fail();
      index_[level] = idx;
      Walk(level + 1, i);
    }
  }
  int32_t shape_limit() const {
    int64_t m = 1;
    for (int32_t d : shape_) m = std::max<int64_t>(m, d);
    return static_cast<int32_t>(m);
  }
  void Fail() { ok_ = false; }

  const tfl::SparsityParameters& sp_;
  std::vector<int32_t> shape_;
  ByteSpan values_;
  size_t elem_;
  std::vector<uint8_t> dense_;
  std::vector<int64_t> index_;
  int64_t next_ = 0;
  int64_t steps_left_ = 0;
  bool ok_ = true;
};

// True when `op` is a `name` operator with one input and one output that
// only it writes and that leaves no model (so its value can become a
// constant); sets *in and *out to the two tensors.
bool FoldableUnary(const TfliteModelInfo& info, const TfliteOperatorInfo& op, const char* name,
                   const std::set<int>& model_outputs, const TfliteTensorInfo** in, const TfliteTensorInfo** out) {
  if (op.op != name || op.inputs.size() != 1 || op.outputs.size() != 1) return false;
  const int ti = op.inputs[0], to = op.outputs[0];
  const int nt = static_cast<int>(info.tensors.size());
  if (ti < 0 || ti >= nt || to < 0 || to >= nt || ti == to) return false;
  *in = &info.tensors[ti];
  *out = &info.tensors[to];
  return (*out)->writers == 1 && (*out)->producer == op.index && !(*out)->is_variable && !(*in)->is_variable &&
         !model_outputs.count(to);
}

// The dense bytes of a foldable DENSIFY's output (a constant sparse input of
// the same type), or empty.
std::vector<uint8_t> DensifiedData(const TfliteModel& model, const TfliteModelInfo& info, const TfliteOperatorInfo& op,
                                   const std::set<int>& model_outputs) {
  const TfliteTensorInfo *pin = nullptr, *pout = nullptr;
  if (!FoldableUnary(info, op, "DENSIFY", model_outputs, &pin, &pout)) return {};
  const TfliteTensorInfo& in = *pin;
  const TfliteTensorInfo& out = *pout;
  if (!in.sparse || in.constant_bytes <= 0 || in.type != out.type || in.shape != out.shape) return {};
  int64_t count = 1;
  for (int32_t d : out.shape) count = d > 0 ? count * d : 0;
  if (count <= 0 || out.bytes <= 0 || out.bytes % count != 0) return {};
  const tfl::SparsityParameters* sp =
      model.main_subgraph().tensors()->Get(static_cast<flatbuffers::uoffset_t>(in.index))->sparsity();
  if (!sp) return {};
  std::vector<uint8_t> dense =
      SparseExpander(*sp, out.shape, model.BufferData(in.buffer), static_cast<size_t>(out.bytes / count)).Run();
  if (static_cast<int64_t>(dense.size()) != out.bytes) return {};
  return dense;
}

// The float32 bytes of a foldable DEQUANTIZE's output, or empty when the
// operator is not a constant float16 -> float32 DEQUANTIZE that can go.
std::vector<uint8_t> FoldedData(const TfliteModel& model, const TfliteModelInfo& info, const TfliteOperatorInfo& op,
                                const std::set<int>& model_outputs, const std::map<int, std::vector<uint8_t>>& folded) {
  const TfliteTensorInfo *pin = nullptr, *pout = nullptr;
  if (!FoldableUnary(info, op, "DEQUANTIZE", model_outputs, &pin, &pout)) return {};
  const TfliteTensorInfo& in = *pin;
  const TfliteTensorInfo& out = *pout;
  auto pre = folded.find(in.index);  // the output of a folded DENSIFY
  const bool constant = pre != folded.end() || (in.constant_bytes > 0 && !in.sparse);
  if (in.type_name != "float16" || !constant) return {};
  if (out.type_name != "float32") return {};
  const ByteSpan data = pre != folded.end() ? ByteSpan{pre->second.data(), pre->second.size()}
                                            : model.BufferData(in.buffer);
  if (data.empty() || data.size % 2 != 0) return {};
  const size_t n = data.size / 2;
  if (in.bytes != static_cast<int64_t>(data.size) || out.bytes != static_cast<int64_t>(4 * n)) return {};
  std::vector<uint8_t> bytes(4 * n);
  for (size_t i = 0; i < n; ++i) {
    uint16_t h;
    std::memcpy(&h, data.data + 2 * i, 2);  // TFLite buffers are little-endian, as is every supported host
    const float f = HalfToFloat(h);
    std::memcpy(bytes.data() + 4 * i, &f, 4);
  }
  return bytes;
}

// Arm NN 20.08 (ValidateBiasTensorQuantization in WorkloadData.cpp, checked
// in the Debian library and against it by tests/check_copy_test.cpp) refuses
// a bias scale further than this from input scale x weight scale, both in
// float: an absolute difference, whatever the size of the scales.
constexpr float kArmnnBiasScaleTolerance = 1e-6f;

// Scale and zero point vectors of a tensor (empty when it has none).
void QuantOf(const TfliteModel& model, int tensor, std::vector<float>* scale, std::vector<int64_t>* zero_point) {
  const tfl::QuantizationParameters* q =
      model.main_subgraph().tensors()->Get(static_cast<flatbuffers::uoffset_t>(tensor))->quantization();
  scale->clear();
  zero_point->clear();
  if (q && q->scale()) scale->assign(q->scale()->begin(), q->scale()->end());
  if (q && q->zero_point()) zero_point->assign(q->zero_point()->begin(), q->zero_point()->end());
}

// A requantized bias: its new values and quantization.
struct BiasRewrite {
  std::vector<uint8_t> data;
  TensorQuantization quantization;
};

// The bias of `op` (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: input,
// weights, bias) requantized to input scale x weight scale (per channel
// where the weights have one scale per channel) when Arm NN 20.08 would
// refuse it: a scale off by more than kArmnnBiasScaleTolerance, a zero point
// other than 0, or per-tensor against per-channel scales. Each value becomes
// round((q - zero point) x old scale / new scale), half away from zero,
// saturated to int32. Empty when the bias is fine, or is not a constant
// dense int32 vector of an 8-bit operator with usable scales.
std::optional<BiasRewrite> RequantizedBias(const TfliteModel& model, const TfliteModelInfo& info,
                                           const TfliteOperatorInfo& op) {
  if (op.op != "CONV_2D" && op.op != "DEPTHWISE_CONV_2D" && op.op != "FULLY_CONNECTED") return std::nullopt;
  if (op.inputs.size() < 3) return std::nullopt;
  const int nt = static_cast<int>(info.tensors.size());
  for (int i = 0; i < 3; ++i)
    if (op.inputs[i] < 0 || op.inputs[i] >= nt) return std::nullopt;
  const TfliteTensorInfo& in = info.tensors[op.inputs[0]];
  const TfliteTensorInfo& bias = info.tensors[op.inputs[2]];
  if (in.type_name != "int8" && in.type_name != "uint8") return std::nullopt;
  if (bias.type_name != "int32" || bias.constant_bytes <= 0 || bias.sparse || bias.is_variable || bias.writers != 0)
    return std::nullopt;
  const ByteSpan data = model.BufferData(bias.buffer);
  if (data.empty() || data.size % 4 != 0 || static_cast<int64_t>(data.size) != bias.bytes) return std::nullopt;
  const size_t n = data.size / 4;
  std::vector<float> in_scale, w_scale, b_scale;
  std::vector<int64_t> in_zp, w_zp, b_zp;
  QuantOf(model, op.inputs[0], &in_scale, &in_zp);
  QuantOf(model, op.inputs[1], &w_scale, &w_zp);
  QuantOf(model, op.inputs[2], &b_scale, &b_zp);
  const bool per_channel = w_scale.size() > 1;
  if (in_scale.size() != 1 || w_scale.empty() || (per_channel && w_scale.size() != n)) return std::nullopt;
  if (b_scale.size() != 1 && b_scale.size() != n) return std::nullopt;
  if (b_zp.size() > 1 && b_zp.size() != b_scale.size()) return std::nullopt;

  // What Arm NN 20.08 checks, in its float arithmetic.
  std::vector<float> expected;
  for (float w : w_scale) expected.push_back(in_scale[0] * w);
  bool refused = false;
  if (b_scale.size() > 1 || per_channel) {
    refused = b_scale.size() != expected.size();
    for (size_t c = 0; !refused && c < expected.size(); ++c)
      refused = std::abs(b_scale[c] - expected[c]) > kArmnnBiasScaleTolerance;
  } else {
    refused = (b_zp.size() == 1 && b_zp[0] != 0) || std::abs(b_scale[0] - expected[0]) > kArmnnBiasScaleTolerance;
  }
  if (!refused) return std::nullopt;
  for (float e : expected)
    if (!(e > 0) || !std::isfinite(e)) return std::nullopt;
  for (float b : b_scale)
    if (!(b > 0) || !std::isfinite(b)) return std::nullopt;

  BiasRewrite r;
  r.quantization.scale = expected;
  r.quantization.zero_point.assign(expected.size(), 0);
  r.data.resize(data.size);
  for (size_t i = 0; i < n; ++i) {
    int32_t q;
    std::memcpy(&q, data.data + 4 * i, 4);  // little-endian, as everywhere here
    const size_t c = b_scale.size() > 1 ? i : 0;
    const double zp = b_zp.empty() ? 0.0 : static_cast<double>(b_zp[b_zp.size() > 1 ? i : 0]);
    const double real = (static_cast<double>(q) - zp) * static_cast<double>(b_scale[c]);
    const double v = std::round(real / static_cast<double>(expected[per_channel ? i : 0]));
    const int32_t nq = v >= 2147483647.0    ? std::numeric_limits<int32_t>::max()
                       : v <= -2147483648.0 ? std::numeric_limits<int32_t>::min()
                                            : static_cast<int32_t>(v);
    std::memcpy(r.data.data() + 4 * i, &nq, 4);
  }
  return r;
}

// The tensors a plan's operators and boundary use, ascending.
std::vector<int> UsedTensors(const TfliteModelInfo& info, const SegmentPlan& plan) {
  std::set<int> used(plan.inputs.begin(), plan.inputs.end());
  used.insert(plan.outputs.begin(), plan.outputs.end());
  for (int o : plan.operators)
    for (const std::vector<int>* v : {&info.operators[o].inputs, &info.operators[o].outputs,
                                      &info.operators[o].intermediates})
      for (int t : *v)
        if (t >= 0) used.insert(t);
  return std::vector<int>(used.begin(), used.end());
}

// `plan` without the folded operators, and without the folded tensors at its
// boundary (they are constants now).
SegmentPlan FoldPlan(const TfliteModelInfo& info, const SegmentPlan& plan, const std::vector<char>& folded_op,
                     const std::set<int>& folded_tensors) {
  SegmentPlan p;
  p.stage = plan.stage;
  for (int o : plan.operators)
    if (!folded_op[o]) p.operators.push_back(o);
  auto keep = [&folded_tensors](const std::vector<int>& v) {
    std::vector<int> out;
    for (int t : v)
      if (!folded_tensors.count(t)) out.push_back(t);
    return out;
  };
  p.inputs = keep(plan.inputs);
  p.outputs = keep(plan.outputs);
  p.forwarded = keep(plan.forwarded);
  p.tensors = UsedTensors(info, p);
  return p;
}

// Biases Arm NN refuses, requantized in `edits`; returns how many tensors
// were requantized or copied. A bias read only by operators that want it at
// the same scales (and not a model output) is requantized in place. One
// shared by operators that want other scales, or also read as it is, or
// that is a model output, gets a requantized copy per reader that needs one
// (TensorEdits::Clone; xception's int8 models share one bias among six
// DEPTHWISE_CONV_2D); the other readers keep the original.
int RequantizeBiases(const TfliteModel& model, const TfliteModelInfo& info, const std::set<int>& model_outputs,
                     TensorEdits* edits) {
  std::map<int, std::map<int, BiasRewrite>> by_tensor;  // bias tensor -> reader -> its rewrite
  for (const TfliteOperatorInfo& op : info.operators) {
    std::optional<BiasRewrite> r = RequantizedBias(model, info, op);
    if (r) by_tensor[op.inputs[2]].emplace(op.index, std::move(*r));
  }
  int count = 0;
  for (auto& [t, readers] : by_tensor) {
    const std::set<int> consumers(info.tensors[t].consumers.begin(), info.tensors[t].consumers.end());
    bool same = !model_outputs.count(t) && readers.size() == consumers.size();
    for (const auto& [op, r] : readers)
      same = same && consumers.count(op) && r.quantization.scale == readers.begin()->second.quantization.scale;
    if (same) {
      edits->data[t] = std::move(readers.begin()->second.data);
      edits->quantization[t] = std::move(readers.begin()->second.quantization);
      ++count;
      continue;
    }
    for (auto& [op, r] : readers) {
      edits->clones.push_back({t, op, std::move(r.data), std::move(r.quantization)});
      ++count;
    }
  }
  return count;
}

// The operators folded into constants: DENSIFY of a constant, then constant
// float16 DEQUANTIZE (execution order: DENSIFY before its DEQUANTIZE). Their
// outputs' bytes go into edits->data.
struct FoldedOperators {
  std::vector<char> op;   // per operator: folded
  std::set<int> tensors;  // outputs of folded operators
  int count = 0, densify = 0;
};

FoldedOperators FoldOperators(const TfliteModel& model, const TfliteModelInfo& info,
                              const std::set<int>& model_outputs, TensorEdits* edits) {
  FoldedOperators f;
  f.op.assign(info.operators.size(), 0);
  for (const TfliteOperatorInfo& op : info.operators) {
    std::vector<uint8_t> bytes = DensifiedData(model, info, op, model_outputs);
    if (!bytes.empty()) {
      ++f.densify;
    } else {
      bytes = FoldedData(model, info, op, model_outputs, edits->data);
      if (bytes.empty()) continue;
    }
    f.op[op.index] = 1;
    f.tensors.insert(op.outputs[0]);
    edits->data[op.outputs[0]] = std::move(bytes);
    ++f.count;
  }
  return f;
}

// "run on copies with ...": what the copies change, and the segments that
// held only folded operators.
std::string CheckCopyNote(const CheckCopies& out, int densify, const std::vector<int>& pass_through) {
  std::vector<std::string> changes;
  if (out.folded_operators > densify)
    changes.push_back(std::to_string(out.folded_operators - densify) +
                      " constant float16 DEQUANTIZE operators folded into float32 constants");
  if (densify > 0) changes.push_back(std::to_string(densify) + " constant DENSIFY folded into dense constants");
  if (out.requantized_biases > 0)
    changes.push_back(std::to_string(out.requantized_biases) +
                      " int32 bias(es) requantized to input scale x weight scale (Arm NN refuses other bias scales)");
  std::string note = "run on copies with";
  for (size_t i = 0; i < changes.size(); ++i)
    note += (i == 0 ? " " : i + 1 == changes.size() ? " and " : ", ") + changes[i];
  if (!pass_through.empty()) {
    note += "; segment(s)";
    for (int k : pass_through) note += " " + std::to_string(k);
    note += " held only those (pass-through, not run)";
  }
  return note;
}

}  // namespace

StatusOr<CheckCopies> FoldConstantOperators(const TfliteModel& model, const std::vector<Segment>& segments) {
  const TfliteModelInfo info = DescribeTflite(model);
  const int nops = static_cast<int>(info.operators.size());
  const std::set<int> model_outputs(info.outputs.begin(), info.outputs.end());
  TensorEdits edits;  // the folded tensors' constant bytes, the biases' rewrites
  const FoldedOperators folded = FoldOperators(model, info, model_outputs, &edits);
  CheckCopies out;
  out.folded_operators = folded.count;
  out.requantized_biases = RequantizeBiases(model, info, model_outputs, &edits);
  if ((out.folded_operators == 0 && out.requantized_biases == 0) || out.folded_operators == nops) {
    out.folded_operators = 0;
    out.requantized_biases = 0;
    out.model = model.bytes();
    out.segments = segments;
    return out;
  }

  // The whole model as one plan.
  SegmentPlan whole;
  for (int o = 0; o < nops; ++o) whole.operators.push_back(o);
  whole.inputs = info.inputs;
  whole.outputs = info.outputs;
  const SegmentPlan whole_folded = FoldPlan(info, whole, folded.op, folded.tensors);
  auto w = BuildSegment(model, info, whole_folded, 1, &edits);
  if (!w.ok()) return w.status().WithContext("check copy of the whole model");
  out.model = std::move(w->bytes);

  // Operator indices of the folded model, for the runner's messages.
  std::vector<int> new_index(nops, -1);
  for (size_t i = 0; i < whole_folded.operators.size(); ++i) new_index[whole_folded.operators[i]] = static_cast<int>(i);
  const int stages = static_cast<int>(segments.size());
  std::vector<int> pass_through;
  for (const Segment& s : segments) {
    const SegmentPlan p = FoldPlan(info, s.plan, folded.op, folded.tensors);
    if (p.operators.empty()) {
      // Only folded DEQUANTIZE: what it still emits, it received. The chain
      // without it passes the same tensors on.
      const std::set<int> in(p.inputs.begin(), p.inputs.end());
      for (int t : p.outputs)
        if (!in.count(t))
          return Status::Invalid("segment " + std::to_string(s.plan.stage) + " holds only folded operators but emits '" +
                                 info.tensors[t].name + "'");
      pass_through.push_back(s.plan.stage);
      continue;
    }
    auto c = BuildSegment(model, info, p, stages, &edits);
    if (!c.ok()) return c.status().WithContext("check copy of segment " + std::to_string(s.plan.stage));
    for (int& o : c->plan.operators) o = new_index[o];
    out.segments.push_back(std::move(c).value());
  }
  out.note = CheckCopyNote(out, folded.densify, pass_through);
  return out;
}

}  // namespace respect
