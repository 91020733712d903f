#include "deploy/check_copy.h"

#include <cstring>
#include <map>
#include <set>

#include "tflite/tflite_reader.h"

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

// The float32 bytes of a foldable DEQUANTIZE's output, or empty when the
// operator is not a constant float16 -> float32 DEQUANTIZE that can go.
std::vector<uint8_t> FoldedData(const TfliteModel& model, const TfliteModelInfo& info, const TfliteOperatorInfo& op,
                                const std::set<int>& model_outputs) {
  if (op.op != "DEQUANTIZE" || op.inputs.size() != 1 || op.outputs.size() != 1) return {};
  const int ti = op.inputs[0], to = op.outputs[0];
  const int nt = static_cast<int>(info.tensors.size());
  if (ti < 0 || ti >= nt || to < 0 || to >= nt || ti == to) return {};
  const TfliteTensorInfo& in = info.tensors[ti];
  const TfliteTensorInfo& out = info.tensors[to];
  if (in.type_name != "float16" || in.constant_bytes <= 0 || in.sparse || in.is_variable) return {};
  if (out.type_name != "float32" || out.writers != 1 || out.producer != op.index || out.is_variable ||
      model_outputs.count(to))
    return {};
  const ByteSpan data = model.BufferData(in.buffer);
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
                     const std::map<int, std::vector<uint8_t>>& data) {
  SegmentPlan p;
  p.stage = plan.stage;
  for (int o : plan.operators)
    if (!folded_op[o]) p.operators.push_back(o);
  auto keep = [&data](const std::vector<int>& v) {
    std::vector<int> out;
    for (int t : v)
      if (!data.count(t)) out.push_back(t);
    return out;
  };
  p.inputs = keep(plan.inputs);
  p.outputs = keep(plan.outputs);
  p.forwarded = keep(plan.forwarded);
  p.tensors = UsedTensors(info, p);
  return p;
}

}  // namespace

StatusOr<CheckCopies> FoldConstantDequantize(const TfliteModel& model, const std::vector<Segment>& segments) {
  const TfliteModelInfo info = DescribeTflite(model);
  const int nops = static_cast<int>(info.operators.size());
  const std::set<int> model_outputs(info.outputs.begin(), info.outputs.end());
  std::vector<char> folded_op(nops, 0);
  std::map<int, std::vector<uint8_t>> data;  // folded tensor -> float32 bytes
  CheckCopies out;
  for (const TfliteOperatorInfo& op : info.operators) {
    std::vector<uint8_t> bytes = FoldedData(model, info, op, model_outputs);
    if (bytes.empty()) continue;
    folded_op[op.index] = 1;
    data[op.outputs[0]] = std::move(bytes);
    ++out.folded_operators;
  }
  if (out.folded_operators == 0 || out.folded_operators == nops) {
    out.folded_operators = 0;
    out.model = model.bytes();
    out.segments = segments;
    return out;
  }

  // The whole model as one plan.
  SegmentPlan whole;
  for (int o = 0; o < nops; ++o) whole.operators.push_back(o);
  whole.inputs = info.inputs;
  whole.outputs = info.outputs;
  const SegmentPlan whole_folded = FoldPlan(info, whole, folded_op, data);
  auto w = BuildSegment(model, info, whole_folded, 1, &data);
  if (!w.ok()) return w.status().WithContext("check copy of the whole model");
  out.model = std::move(w->bytes);

  // Operator indices of the folded model, for the runner's messages.
  std::vector<int> new_index(nops, -1);
  for (size_t i = 0; i < whole_folded.operators.size(); ++i) new_index[whole_folded.operators[i]] = static_cast<int>(i);
  const int stages = static_cast<int>(segments.size());
  std::vector<int> pass_through;
  for (const Segment& s : segments) {
    const SegmentPlan p = FoldPlan(info, s.plan, folded_op, data);
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
    auto c = BuildSegment(model, info, p, stages, &data);
    if (!c.ok()) return c.status().WithContext("check copy of segment " + std::to_string(s.plan.stage));
    for (int& o : c->plan.operators) o = new_index[o];
    out.segments.push_back(std::move(c).value());
  }
  out.note = "run on copies with " + std::to_string(out.folded_operators) +
             " constant float16 DEQUANTIZE operators folded into float32 constants";
  if (!pass_through.empty()) {
    out.note += "; segment(s)";
    for (int k : pass_through) out.note += " " + std::to_string(k);
    out.note += " held only those (pass-through, not run)";
  }
  return out;
}

}  // namespace respect
