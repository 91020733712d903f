#include "deploy/segmenter.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <system_error>

#include "deploy/option_tables.h"
#include "io/graph_io.h"
#include "tflite_schema_generated.h"

namespace respect {

namespace fb = flatbuffers;
namespace fs = std::filesystem;

namespace {

constexpr int kNone = -1000000;  // "no stage": constants, unused tensors

std::string OpLabel(const TfliteModelInfo& info, int o) {
  return "operator " + std::to_string(o) + " (" + info.operators[o].op + " '" + info.operators[o].name + "')";
}

}  // namespace

namespace {

// The schedule's shape: one stage in [0, stages) per operator, every stage
// used, one subgraph.
Status CheckStageOfOp(const TfliteModelInfo& info, const std::vector<int>& stage_of_op, int stages) {
  const int nops = static_cast<int>(info.operators.size());
  if (stages < 1) return Status::Invalid("segmenting needs at least 1 stage, got " + std::to_string(stages));
  if (static_cast<int>(stage_of_op.size()) != nops)
    return Status::Invalid("schedule has " + std::to_string(stage_of_op.size()) + " entries but the model has " +
                           std::to_string(nops) + " operators");
  if (info.num_subgraphs > 1)
    return Status::Invalid("model has " + std::to_string(info.num_subgraphs) +
                           " subgraphs (control flow); segmenting supports single-subgraph models only");
  std::vector<int> count(stages, 0);
  for (int o = 0; o < nops; ++o) {
    const int s = stage_of_op[o];
    if (s < 0 || s >= stages)
      return Status::Invalid(OpLabel(info, o) + " has stage " + std::to_string(s) + " outside [0, " +
                             std::to_string(stages - 1) + "]");
    ++count[s];
  }
  for (int k = 0; k < stages; ++k)
    if (count[k] == 0) return Status::Invalid("stage " + std::to_string(k) + " has no operators; every segment needs one");
  return Status::Ok();
}

// Per tensor: the stage where it first exists (avail; -1: a model input,
// before segment 0), the last stage needing it (last; `stages`: a model
// output), both kNone for constants and unused tensors; and its position
// among the model's inputs and outputs (-1: none).
struct TensorSpans {
  std::vector<int> avail, last, model_in_pos, model_out_pos;
};

StatusOr<TensorSpans> SpanTensors(const TfliteModelInfo& info, const std::vector<int>& stage_of_op, int stages) {
  const int nt = static_cast<int>(info.tensors.size());
  TensorSpans sp;
  sp.avail.assign(nt, kNone);
  sp.last.assign(nt, kNone);
  sp.model_in_pos.assign(nt, -1);
  sp.model_out_pos.assign(nt, -1);
  for (size_t i = 0; i < info.inputs.size(); ++i)
    if (sp.model_in_pos[info.inputs[i]] < 0) sp.model_in_pos[info.inputs[i]] = static_cast<int>(i);
  for (size_t i = 0; i < info.outputs.size(); ++i)
    if (sp.model_out_pos[info.outputs[i]] < 0) sp.model_out_pos[info.outputs[i]] = static_cast<int>(i);
  for (int t = 0; t < nt; ++t) {
    const TfliteTensorInfo& ti = info.tensors[t];
    if (ti.constant_bytes > 0) continue;  // copied where read
    if (ti.producer >= 0) {
      sp.avail[t] = stage_of_op[ti.producer];
      for (int c : ti.consumers) {
        if (c < ti.producer && stage_of_op[c] != sp.avail[t])
          return Status::Invalid("tensor '" + ti.name + "' is read by " + OpLabel(info, c) +
                                 " before it is written by " + OpLabel(info, ti.producer) +
                                 " (state across invocations); both must be in one stage");
        if (stage_of_op[c] < sp.avail[t])
          return Status::Invalid(OpLabel(info, c) + " in stage " + std::to_string(stage_of_op[c]) +
                                 " reads tensor '" + ti.name + "' written by " + OpLabel(info, ti.producer) +
                                 " in later stage " + std::to_string(sp.avail[t]));
      }
    } else if (sp.model_in_pos[t] >= 0) {
      sp.avail[t] = -1;  // enters before segment 0
    } else {
      continue;  // no producer, not an input: local to each reader (e.g. variables)
    }
    int l = kNone;
    for (int c : ti.consumers) l = std::max(l, stage_of_op[c]);
    if (sp.model_out_pos[t] >= 0) l = stages;  // leaves after the last segment
    sp.last[t] = l;
  }
  return sp;
}

// Plan p's (stage k of `stages`, operators set) tensors, inputs, outputs and
// forwarded tensors: model inputs first (model order), model outputs first
// (model order), then by tensor index.
void PlanBoundary(const TfliteModelInfo& info, const TensorSpans& sp, int k, int stages, SegmentPlan* p) {
  const int nt = static_cast<int>(info.tensors.size());
  auto in_key = [&](int t) { return std::make_pair(sp.model_in_pos[t] >= 0 ? sp.model_in_pos[t] : nt, t); };
  auto out_key = [&](int t) { return std::make_pair(sp.model_out_pos[t] >= 0 ? sp.model_out_pos[t] : nt, t); };
  std::set<int> used;
  for (int o : p->operators) {
    const TfliteOperatorInfo& op = info.operators[o];
    for (int t : op.inputs)
      if (t >= 0) used.insert(t);
    for (int t : op.outputs) used.insert(t);
    for (int t : op.intermediates)
      if (t >= 0) used.insert(t);
  }
  for (int t = 0; t < nt; ++t) {
    if (sp.avail[t] == kNone || sp.last[t] == kNone) continue;
    const bool in = sp.avail[t] < k && k <= sp.last[t];
    const bool out = sp.avail[t] <= k && k < sp.last[t];
    if (in) p->inputs.push_back(t);
    if (out) p->outputs.push_back(t);
    if (in && out) p->forwarded.push_back(t);
    if (in || out) used.insert(t);
  }
  // Model outputs nobody computes (constants, state) leave the last segment as they are.
  if (k == stages - 1)
    for (int t : info.outputs)
      if (sp.avail[t] == kNone && std::find(p->outputs.begin(), p->outputs.end(), t) == p->outputs.end()) {
        p->outputs.push_back(t);
        used.insert(t);
      }
  std::sort(p->inputs.begin(), p->inputs.end(), [&](int a, int b) { return in_key(a) < in_key(b); });
  std::sort(p->outputs.begin(), p->outputs.end(), [&](int a, int b) { return out_key(a) < out_key(b); });
  p->tensors.assign(used.begin(), used.end());
}

// The pipeline matches tensors between segments by name: plan k's boundary
// tensors need distinct, non-empty names.
Status CheckBoundaryNames(const TfliteModelInfo& info, const SegmentPlan& p, int k) {
  std::map<std::string, int> names;
  for (const std::vector<int>* v : {&p.inputs, &p.outputs})
    for (int t : *v) {
      const std::string& n = info.tensors[t].name;
      if (n.empty())
        return Status::Invalid("segment " + std::to_string(k) + " boundary tensor " + std::to_string(t) +
                               " has no name; the pipeline matches tensors by name");
      auto it = names.find(n);
      if (it != names.end() && it->second != t)
        return Status::Invalid("segment " + std::to_string(k) + " has two boundary tensors named '" + n + "' (" +
                               std::to_string(it->second) + " and " + std::to_string(t) + ")");
      names[n] = t;
    }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<SegmentPlan>> PlanSegments(const TfliteModelInfo& info, const std::vector<int>& stage_of_op,
                                                int stages) {
  RESPECT_RETURN_IF_ERROR(CheckStageOfOp(info, stage_of_op, stages));
  auto spans = SpanTensors(info, stage_of_op, stages);
  if (!spans.ok()) return spans.status();
  std::vector<SegmentPlan> plans(stages);
  for (int k = 0; k < stages; ++k) plans[k].stage = k;
  for (int o = 0; o < static_cast<int>(info.operators.size()); ++o) plans[stage_of_op[o]].operators.push_back(o);
  for (int k = 0; k < stages; ++k) {
    PlanBoundary(info, *spans, k, stages, &plans[k]);
    RESPECT_RETURN_IF_ERROR(CheckBoundaryNames(info, plans[k], k));
  }
  return plans;
}

namespace {

template <class T>
fb::Offset<fb::Vector<T>> CopyVec(fb::FlatBufferBuilder& fbb, const fb::Vector<T>* v) {
  if (!v) return 0;
  return fbb.CreateVector(v->data(), v->size());
}

// A copy of vector v (null: 0) whose data starts at a multiple of `align` bytes.
template <class T>
fb::Offset<fb::Vector<T>> CopyVecAligned(fb::FlatBufferBuilder& fbb, const fb::Vector<T>* v, size_t align) {
  if (!v) return 0;
  fbb.ForceVectorAlignment(v->size(), sizeof(T), align);
  return fbb.CreateVector(v->data(), v->size());
}

fb::Offset<fb::String> CopyStr(fb::FlatBufferBuilder& fbb, const fb::String* s) {
  return s ? fbb.CreateString(s->c_str(), s->size()) : 0;
}

StatusOr<fb::Offset<tfl::QuantizationParameters>> CopyQuant(fb::FlatBufferBuilder& fbb,
                                                            const tfl::QuantizationParameters* q) {
  if (!q) return fb::Offset<tfl::QuantizationParameters>(0);
  auto mn = CopyVec(fbb, q->min());
  auto mx = CopyVec(fbb, q->max());
  auto sc = CopyVec(fbb, q->scale());
  auto zp = CopyVec(fbb, q->zero_point());
  fb::Offset<void> details = 0;
  if (q->details_type() == tfl::QuantizationDetails::CustomQuantization) {
    const tfl::CustomQuantization* cq = q->details_as_CustomQuantization();
    const fb::Offset<fb::Vector<uint8_t>> custom = cq ? CopyVecAligned(fbb, cq->custom(), 16) : 0;
    details = tfl::CreateCustomQuantization(fbb, custom).Union();
  } else if (q->details_type() != tfl::QuantizationDetails::NONE) {
    return Status::Invalid("quantization details type " + std::to_string(static_cast<int>(q->details_type())) +
                           " is unknown to this build");
  }
  return tfl::CreateQuantizationParameters(fbb, mn, mx, sc, zp, q->details_type(), details,
                                           q->quantized_dimension());
}

StatusOr<fb::Offset<tfl::QuantizationParameters>> NewQuant(fb::FlatBufferBuilder& fbb, const TensorQuantization& q) {
  return tfl::CreateQuantizationParameters(fbb, 0, 0, fbb.CreateVector(q.scale), fbb.CreateVector(q.zero_point),
                                           tfl::QuantizationDetails::NONE, 0, q.quantized_dimension);
}

StatusOr<fb::Offset<void>> CopyIndexVector(fb::FlatBufferBuilder& fbb, tfl::SparseIndexVector type,
                                           const void* v) {
  if (!v && type != tfl::SparseIndexVector::NONE)  // the Verifier lets a typed null pass
    return Status::Invalid("sparse index vector of type " + std::to_string(static_cast<int>(type)) +
                           " has no value");
  switch (type) {
    case tfl::SparseIndexVector::NONE:
      return fb::Offset<void>(0);
    case tfl::SparseIndexVector::Int32Vector:
      return tfl::CreateInt32Vector(fbb, CopyVec(fbb, static_cast<const tfl::Int32Vector*>(v)->values())).Union();
    case tfl::SparseIndexVector::Uint16Vector:
      return tfl::CreateUint16Vector(fbb, CopyVecAligned(fbb, static_cast<const tfl::Uint16Vector*>(v)->values(), 4))
          .Union();
    case tfl::SparseIndexVector::Uint8Vector:
      return tfl::CreateUint8Vector(fbb, CopyVecAligned(fbb, static_cast<const tfl::Uint8Vector*>(v)->values(), 4))
          .Union();
  }
  return Status::Invalid("sparse index vector type " + std::to_string(static_cast<int>(type)) +
                         " is unknown to this build");
}

StatusOr<fb::Offset<tfl::SparsityParameters>> CopySparsity(fb::FlatBufferBuilder& fbb,
                                                          const tfl::SparsityParameters* sp) {
  if (!sp) return fb::Offset<tfl::SparsityParameters>(0);
  auto order = CopyVec(fbb, sp->traversal_order());
  auto block = CopyVec(fbb, sp->block_map());
  fb::Offset<fb::Vector<fb::Offset<tfl::DimensionMetadata>>> dims = 0;
  if (sp->dim_metadata()) {
    std::vector<fb::Offset<tfl::DimensionMetadata>> d;
    for (const tfl::DimensionMetadata* dm : *sp->dim_metadata()) {
      auto seg = CopyIndexVector(fbb, dm->array_segments_type(), dm->array_segments());
      if (!seg.ok()) return seg.status();
      auto idx = CopyIndexVector(fbb, dm->array_indices_type(), dm->array_indices());
      if (!idx.ok()) return idx.status();
      d.push_back(tfl::CreateDimensionMetadata(fbb, dm->format(), dm->dense_size(), dm->array_segments_type(), *seg,
                                               dm->array_indices_type(), *idx));
    }
    dims = fbb.CreateVector(d);
  }
  return tfl::CreateSparsityParameters(fbb, order, block, dims);
}

fb::Offset<fb::Vector<fb::Offset<tfl::VariantSubType>>> CopyVariants(
    fb::FlatBufferBuilder& fbb, const fb::Vector<fb::Offset<tfl::VariantSubType>>* v) {
  if (!v) return 0;
  std::vector<fb::Offset<tfl::VariantSubType>> out;
  for (const tfl::VariantSubType* s : *v)
    out.push_back(tfl::CreateVariantSubType(fbb, CopyVec(fbb, s->shape()), s->type(), s->has_rank()));
  return fbb.CreateVector(out);
}

// A copy of constant tensor `src` for one reader (TensorEdits::Clone), on
// buffer `buffer`.
StatusOr<fb::Offset<tfl::Tensor>> CloneTensor(fb::FlatBufferBuilder* fbb, const tfl::Tensor* src,
                                             const TensorEdits::Clone& c, uint32_t buffer) {
  auto shape = CopyVec(*fbb, src->shape());
  const std::string base = src->name() ? src->name()->str() : "tensor";
  auto name = fbb->CreateString(base + "/copy_for_op_" + std::to_string(c.reader));
  auto q = NewQuant(*fbb, c.quantization);
  if (!q.ok()) return q.status();
  auto sig = CopyVec(*fbb, src->shape_signature());
  return tfl::CreateTensor(*fbb, shape, src->type(), buffer, name, *q, false, 0, sig, src->has_rank());
}

// Where a plan's tensors, buffers and operator codes go in its segment, and
// the constant data the segment holds (BuildSegment's first step).
struct SegmentIndex {
  std::map<int, int> tmap;                       // original tensor -> segment tensor
  std::map<uint32_t, uint32_t> bmap{{0u, 0u}};   // original buffer -> segment buffer
  std::vector<uint32_t> border{0};               // segment buffer -> original buffer (copied ones)
  std::map<uint32_t, uint32_t> cmap;             // original operator code -> segment code
  std::map<int, uint32_t> new_buffer;            // tensor given new constant data -> its buffer
  std::vector<const TensorEdits::Clone*> clones;  // per-reader copies of constant tensors
  std::map<std::pair<int, int>, int> clone_index;  // (reader, source) -> tensor index in the segment
  size_t data_bytes = 0;                         // constant bytes the segment will hold
};

// The tensors, buffers and operator codes copied from the model.
void IndexCopied(const TfliteModel& model, const TfliteModelInfo& info, const SegmentPlan& plan,
                 SegmentIndex* idx) {
  const tfl::Model& m = model.model();
  const tfl::SubGraph& sg = model.main_subgraph();
  for (size_t i = 0; i < plan.tensors.size(); ++i) idx->tmap[plan.tensors[i]] = static_cast<int>(i);
  auto use_buffer = [idx](uint32_t b) {
    if (idx->bmap.emplace(b, static_cast<uint32_t>(idx->border.size())).second) idx->border.push_back(b);
  };
  for (int t : plan.tensors)
    if (info.tensors[t].buffer != 0) use_buffer(info.tensors[t].buffer);
  if (m.metadata())
    for (const tfl::Metadata* md : *m.metadata()) use_buffer(md->buffer());
  if (m.metadata_buffer())
    for (int32_t b : *m.metadata_buffer()) use_buffer(static_cast<uint32_t>(b));
  for (int o : plan.operators) idx->cmap.emplace(sg.operators()->Get(o)->opcode_index(), 0u);
  uint32_t i = 0;
  for (auto& [old, now] : idx->cmap) now = i++;
  for (uint32_t b : idx->border) idx->data_bytes += model.BufferData(b).size;
}

// Tensors given new constant data get buffers of their own, after the copied
// ones. Per-reader copies of constant tensors (check copies only) come after
// the plan's tensors and after the new buffers.
void IndexEdits(const SegmentPlan& plan, const TensorEdits* edits, SegmentIndex* idx) {
  if (!edits) return;
  for (int t : plan.tensors) {
    auto it = edits->data.find(t);
    if (it == edits->data.end()) continue;
    idx->new_buffer[t] = 0;
    idx->data_bytes += it->second.size();
  }
  uint32_t next = static_cast<uint32_t>(idx->border.size());
  for (auto& [t, b] : idx->new_buffer) b = next++;  // in the order WriteBuffers writes them
  const std::set<int> ops(plan.operators.begin(), plan.operators.end());
  for (const TensorEdits::Clone& c : edits->clones) {
    if (!ops.count(c.reader) || !idx->tmap.count(c.source)) continue;
    idx->clone_index[{c.reader, c.source}] = static_cast<int>(plan.tensors.size() + idx->clones.size());
    idx->clones.push_back(&c);
    idx->data_bytes += c.data.size();
  }
}

fb::Offset<tfl::Buffer> DataBuffer(fb::FlatBufferBuilder& fbb, const uint8_t* data, size_t size) {
  fbb.ForceVectorAlignment(size, 1, 16);
  return tfl::CreateBuffer(fbb, fbb.CreateVector(data, size));
}

// Buffers (constant data first: it ends up at the end of the file): the
// copied ones, the new ones, the clones'. Counts the segment's parameter bytes.
std::vector<fb::Offset<tfl::Buffer>> WriteBuffers(fb::FlatBufferBuilder& fbb, const TfliteModel& model,
                                                  const TfliteModelInfo& info, const SegmentPlan& plan,
                                                  const SegmentIndex& idx, const TensorEdits* edits, Segment* seg) {
  std::vector<fb::Offset<tfl::Buffer>> buffers;
  for (uint32_t b : idx.border) {
    const ByteSpan data = b == 0 ? ByteSpan{} : model.BufferData(b);
    if (data.empty()) {
      buffers.push_back(tfl::CreateBuffer(fbb));
      continue;
    }
    buffers.push_back(DataBuffer(fbb, data.data, data.size));
    const tfl::Buffer* src = model.model().buffers()->Get(b);
    if (src->offset() > 1) seg->notes.push_back("buffer " + std::to_string(b) + " was outside the flatbuffer; written inline");
  }
  for (const auto& [t, b] : idx.new_buffer) {
    const std::vector<uint8_t>& data = edits->data.at(t);
    buffers.push_back(DataBuffer(fbb, data.data(), data.size()));
  }
  for (const TensorEdits::Clone* c : idx.clones) buffers.push_back(DataBuffer(fbb, c->data.data(), c->data.size()));
  std::set<uint32_t> counted;
  for (int t : plan.tensors)
    if (info.tensors[t].constant_bytes > 0 && counted.insert(info.tensors[t].buffer).second)
      seg->param_bytes += info.tensors[t].constant_bytes;
  return buffers;
}

// The plan's tensors (renumbered, requantized where `edits` says so), then the clones.
StatusOr<std::vector<fb::Offset<tfl::Tensor>>> WriteTensors(fb::FlatBufferBuilder& fbb, const TfliteModel& model,
                                                            const TfliteModelInfo& info, const SegmentPlan& plan,
                                                            const SegmentIndex& idx, const TensorEdits* edits,
                                                            const std::string& label) {
  const tfl::SubGraph& sg = model.main_subgraph();
  std::vector<fb::Offset<tfl::Tensor>> tensors;
  for (int t : plan.tensors) {
    const tfl::Tensor* src = sg.tensors()->Get(t);
    auto shape = CopyVec(fbb, src->shape());
    auto name = CopyStr(fbb, src->name());
    const TensorQuantization* requant = nullptr;
    if (edits) {
      auto it = edits->quantization.find(t);
      if (it != edits->quantization.end()) requant = &it->second;
    }
    auto q = requant ? NewQuant(fbb, *requant) : CopyQuant(fbb, src->quantization());
    if (!q.ok()) return q.status().WithContext(label + " tensor '" + info.tensors[t].name + "'");
    auto sp = CopySparsity(fbb, src->sparsity());
    if (!sp.ok()) return sp.status().WithContext(label + " tensor '" + info.tensors[t].name + "'");
    auto sig = CopyVec(fbb, src->shape_signature());
    auto var = CopyVariants(fbb, src->variant_tensors());
    auto nb = idx.new_buffer.find(t);
    const uint32_t buffer =
        nb != idx.new_buffer.end() ? nb->second : src->buffer() == 0 ? 0 : idx.bmap.at(src->buffer());
    tensors.push_back(tfl::CreateTensor(fbb, shape, src->type(), buffer, name, *q, src->is_variable(), *sp, sig,
                                        src->has_rank(), var));
  }
  for (size_t k = 0; k < idx.clones.size(); ++k) {
    auto t = CloneTensor(&fbb, sg.tensors()->Get(idx.clones[k]->source), *idx.clones[k],
                         static_cast<uint32_t>(idx.border.size() + idx.new_buffer.size() + k));
    if (!t.ok()) return t.status().WithContext(label + " tensor '" + info.tensors[idx.clones[k]->source].name + "'");
    tensors.push_back(*t);
  }
  return tensors;
}

std::vector<fb::Offset<tfl::OperatorCode>> WriteOperatorCodes(fb::FlatBufferBuilder& fbb, const tfl::Model& m,
                                                              const SegmentIndex& idx) {
  std::vector<fb::Offset<tfl::OperatorCode>> codes;
  for (const auto& [old, now] : idx.cmap) {
    const tfl::OperatorCode* c = m.operator_codes()->Get(old);
    codes.push_back(tfl::CreateOperatorCode(fbb, c->deprecated_builtin_code(), CopyStr(fbb, c->custom_code()),
                                            c->version(), c->builtin_code()));
  }
  return codes;
}

// Tensor indices renumbered for the segment. `reader` >= 0: the operator
// whose inputs these are (its clones apply).
fb::Offset<fb::Vector<int32_t>> RemapTensors(fb::FlatBufferBuilder& fbb, const SegmentIndex& idx,
                                             const fb::Vector<int32_t>* v, int reader = -1) {
  if (!v) return 0;
  std::vector<int32_t> out;
  out.reserve(v->size());
  for (int32_t t : *v) {
    auto c = reader < 0 ? idx.clone_index.end() : idx.clone_index.find({reader, t});
    out.push_back(t < 0 ? t : c != idx.clone_index.end() ? c->second : idx.tmap.at(t));
  }
  return fbb.CreateVector(out);
}

// One of operator o's builtin options tables (`what`: "builtin options" or
// "builtin options (2)"), relocated; 0 when its type is NONE.
StatusOr<fb::Offset<void>> CopyOperatorOptions(fb::FlatBufferBuilder& fbb, const TfliteModel& model,
                                               const TfliteModelInfo& info, int o, uint8_t type, const void* table,
                                               const OptionsTableDesc* (*desc_of)(uint8_t), const char* what,
                                               std::vector<std::string>* notes) {
  if (type == 0) return fb::Offset<void>(0);
  const OptionsTableDesc* d = desc_of(type);
  if (!d || !table)
    return Status::Invalid(OpLabel(info, o) + " has " + what + " type " + std::to_string(type) +
                           " unknown to this build; cannot copy it");
  auto c = CopyOptionsTable(&fbb, model.bytes().data(), model.bytes().size(), static_cast<const uint8_t*>(table), *d,
                            notes);
  if (!c.ok()) return c.status().WithContext(OpLabel(info, o));
  return *c;
}

// Operator o, renumbered for the segment, its options copied.
StatusOr<fb::Offset<tfl::Operator>> WriteOperator(fb::FlatBufferBuilder& fbb, const TfliteModel& model,
                                                  const TfliteModelInfo& info, const SegmentIndex& idx, int o,
                                                  std::vector<std::string>* notes) {
  const tfl::Operator* src = model.main_subgraph().operators()->Get(o);
  auto ins = RemapTensors(fbb, idx, src->inputs(), o);
  auto outs = RemapTensors(fbb, idx, src->outputs());
  auto inter = RemapTensors(fbb, idx, src->intermediates());
  auto opts = CopyOperatorOptions(fbb, model, info, o, static_cast<uint8_t>(src->builtin_options_type()),
                                  src->builtin_options(), BuiltinOptionsDesc, "builtin options", notes);
  if (!opts.ok()) return opts.status();
  auto opts2 = CopyOperatorOptions(fbb, model, info, o, static_cast<uint8_t>(src->builtin_options_2_type()),
                                   src->builtin_options_2(), BuiltinOptions2Desc, "builtin options (2)", notes);
  if (!opts2.ok()) return opts2.status();
  fb::Offset<fb::Vector<uint8_t>> custom = 0;
  const ByteSpan co = model.CustomOptions(o);
  if (src->custom_options() || !co.empty()) custom = fbb.CreateVector(co.data, co.size);
  if (src->large_custom_options_offset() > 1)
    notes->push_back(OpLabel(info, o) + ": custom options were outside the flatbuffer; written inline");
  auto mut = CopyVec(fbb, src->mutating_variable_inputs());
  tfl::OperatorBuilder ob(fbb);
  ob.add_opcode_index(idx.cmap.at(src->opcode_index()));
  ob.add_inputs(ins);
  ob.add_outputs(outs);
  if (!opts->IsNull()) {
    ob.add_builtin_options_type(src->builtin_options_type());
    ob.add_builtin_options(*opts);
  }
  if (!custom.IsNull()) ob.add_custom_options(custom);
  ob.add_custom_options_format(src->custom_options_format());
  if (!mut.IsNull()) ob.add_mutating_variable_inputs(mut);
  if (!inter.IsNull()) ob.add_intermediates(inter);
  if (!opts2->IsNull()) {
    ob.add_builtin_options_2_type(src->builtin_options_2_type());
    ob.add_builtin_options_2(*opts2);
  }
  ob.add_debug_metadata_index(src->debug_metadata_index());
  return ob.Finish();
}

fb::Offset<fb::Vector<int32_t>> SegmentIo(fb::FlatBufferBuilder& fbb, const SegmentIndex& idx,
                                          const std::vector<int>& v) {
  std::vector<int32_t> out;
  for (int t : v) out.push_back(idx.tmap.at(t));
  return fbb.CreateVector(out);
}

// The parts of a segment's model, written in this order.
struct SegmentParts {
  std::vector<fb::Offset<tfl::Buffer>> buffers;
  std::vector<fb::Offset<tfl::Tensor>> tensors;
  std::vector<fb::Offset<tfl::OperatorCode>> codes;
  std::vector<fb::Offset<tfl::Operator>> ops;
};

// The subgraph and the model around the parts (metadata kept, signature defs
// dropped); finishes the buffer.
void FinishSegmentModel(fb::FlatBufferBuilder& fbb, const TfliteModel& model, const SegmentPlan& plan,
                        const SegmentIndex& idx, const SegmentParts& parts, Segment* seg) {
  const tfl::Model& m = model.model();
  auto sub = tfl::CreateSubGraph(fbb, fbb.CreateVector(parts.tensors), SegmentIo(fbb, idx, plan.inputs),
                                 SegmentIo(fbb, idx, plan.outputs), fbb.CreateVector(parts.ops),
                                 CopyStr(fbb, model.main_subgraph().name()));
  fb::Offset<fb::Vector<fb::Offset<tfl::Metadata>>> metadata = 0;
  if (m.metadata()) {
    std::vector<fb::Offset<tfl::Metadata>> md;
    for (const tfl::Metadata* x : *m.metadata())
      md.push_back(tfl::CreateMetadata(fbb, CopyStr(fbb, x->name()), idx.bmap.at(x->buffer())));
    metadata = fbb.CreateVector(md);
  }
  fb::Offset<fb::Vector<int32_t>> metadata_buffer = 0;
  if (m.metadata_buffer()) {
    std::vector<int32_t> mb;
    for (int32_t b : *m.metadata_buffer()) mb.push_back(static_cast<int32_t>(idx.bmap.at(static_cast<uint32_t>(b))));
    metadata_buffer = fbb.CreateVector(mb);
  }
  if (m.signature_defs() && m.signature_defs()->size() > 0)
    seg->notes.push_back("signature defs of the whole model were not copied");
  std::vector<fb::Offset<tfl::SubGraph>> subs{sub};
  auto root = tfl::CreateModel(fbb, m.version(), fbb.CreateVector(parts.codes), fbb.CreateVector(subs),
                               CopyStr(fbb, m.description()), fbb.CreateVector(parts.buffers), metadata_buffer,
                               metadata);
  tfl::FinishModelBuffer(fbb, root);
  seg->bytes.assign(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

}  // namespace

StatusOr<Segment> BuildSegment(const TfliteModel& model, const TfliteModelInfo& info, const SegmentPlan& plan,
                               int stages, const TensorEdits* edits) {
  Segment seg;
  seg.plan = plan;
  const std::string label = "segment " + std::to_string(plan.stage);
  SegmentIndex idx;
  IndexCopied(model, info, plan, &idx);
  IndexEdits(plan, edits, &idx);
  if (idx.data_bytes > (size_t{1} << 31) - (size_t{64} << 20))
    return Status::Invalid(label + " would hold " + std::to_string(idx.data_bytes) +
                           " constant bytes; segments above 2 GB are not supported");
  fb::FlatBufferBuilder fbb(idx.data_bytes + (1 << 20));

  SegmentParts parts;
  parts.buffers = WriteBuffers(fbb, model, info, plan, idx, edits, &seg);
  auto tensors = WriteTensors(fbb, model, info, plan, idx, edits, label);
  if (!tensors.ok()) return tensors.status();
  parts.tensors = std::move(tensors).value();
  parts.codes = WriteOperatorCodes(fbb, model.model(), idx);
  for (int o : plan.operators) {
    auto op = WriteOperator(fbb, model, info, idx, o, &seg.notes);
    if (!op.ok()) return op.status();
    parts.ops.push_back(*op);
  }
  FinishSegmentModel(fbb, model, plan, idx, parts, &seg);

  // Every segment must be a valid model on its own.
  auto check = TfliteModel::FromBytes(seg.bytes, label + " of " + std::to_string(stages));
  if (!check.ok()) return Status::Internal("built an invalid segment: " + check.status().message());
  return seg;
}

StatusOr<std::vector<Segment>> SegmentModel(const TfliteModel& model, const std::vector<int>& stage_of_op,
                                            int stages) {
  const TfliteModelInfo info = DescribeTflite(model);
  auto plans = PlanSegments(info, stage_of_op, stages);
  if (!plans.ok()) return plans.status();
  std::vector<Segment> out;
  for (const SegmentPlan& p : *plans) {
    auto s = BuildSegment(model, info, p, stages);
    if (!s.ok()) return s.status();
    out.push_back(std::move(s).value());
  }
  return out;
}

std::vector<int64_t> SegmentCrossingBytes(const TfliteModelInfo& info, const std::vector<SegmentPlan>& plans) {
  std::vector<int64_t> x;
  for (size_t k = 0; k + 1 < plans.size(); ++k) {
    const std::set<int> next(plans[k + 1].inputs.begin(), plans[k + 1].inputs.end());
    int64_t bytes = 0;
    for (int t : plans[k].outputs)
      if (next.count(t)) bytes += info.tensors[t].bytes;
    x.push_back(bytes);
  }
  return x;
}

std::string SegmentFileName(const std::string& stem, int k, int n) {
  return stem + "_segment_" + std::to_string(k) + "_of_" + std::to_string(n) + ".tflite";
}

namespace {

Status WriteBytes(const fs::path& path, const void* data, size_t size) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return Status::Io("cannot write '" + path.string() + "'");
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  f.flush();
  if (!f) return Status::Io("error writing '" + path.string() + "'");
  return Status::Ok();
}

// True when `inner` is `outer` or lies below it (after resolving links).
bool IsWithin(const std::string& inner, const fs::path& outer) {
  std::error_code ec;
  const fs::path a = fs::weakly_canonical(fs::absolute(inner, ec), ec).lexically_normal();
  const fs::path b = fs::weakly_canonical(fs::absolute(outer, ec), ec).lexically_normal();
  auto ia = a.begin();
  for (auto ib = b.begin(); ib != b.end(); ++ib, ++ia) {
    if (ib->empty()) continue;  // trailing separator
    if (ia == a.end() || *ia != *ib) return false;
  }
  return true;
}

// Puts `tmp` in place of `dir`; the previous `dir` (if any) ends up at `tmp`.
Status SwapIntoPlace(const fs::path& tmp, const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::rename(tmp, dir, ec);
    if (ec) return Status::Io("cannot rename '" + tmp.string() + "' to '" + dir.string() + "': " + ec.message());
    return Status::Ok();
  }
  if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) == 0) return Status::Ok();
  // No atomic exchange here: move the old one aside, then the new one in.
  const fs::path old = tmp.string() + ".old";
  fs::rename(dir, old, ec);
  if (ec) return Status::Io("cannot move '" + dir.string() + "' aside: " + ec.message());
  fs::rename(tmp, dir, ec);
  if (ec) {
    std::error_code ec2;
    fs::rename(old, dir, ec2);
    return Status::Io("cannot rename '" + tmp.string() + "' to '" + dir.string() + "': " + ec.message());
  }
  fs::rename(old, tmp, ec);
  return Status::Ok();
}

// Removes "<parent>/.segments.tmp.<pid>..." folders whose process is gone
// (a deploy killed between writing and renaming). Folders of live processes
// are left alone; errors are ignored (a leftover folder is harmless).
void RemoveStaleDeployTemps(const fs::path& parent) {
  static const std::string kPrefix = ".segments.tmp.";
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, kPrefix.size(), kPrefix) != 0) continue;
    const std::string rest = name.substr(kPrefix.size());
    const size_t digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
    if (digits == 0 || digits > 9) continue;  // no pid, or not one
    const long pid = std::stol(rest.substr(0, digits));
    std::error_code rm;
    if (pid != static_cast<long>(getpid()) && ProcessIsGone(pid)) fs::remove_all(it->path(), rm);
  }
}

Status WriteDeployInto(const fs::path& tmp, const std::vector<Segment>& segments,
                       const std::vector<std::string>& files, const std::string& manifest_yaml) {
  for (size_t k = 0; k < segments.size(); ++k)
    RESPECT_RETURN_IF_ERROR(WriteBytes(tmp / files[k], segments[k].bytes.data(), segments[k].bytes.size()));
  return WriteBytes(tmp / "manifest.yaml", manifest_yaml.data(), manifest_yaml.size());
}

}  // namespace

Status PublishSegments(const std::vector<Segment>& segments, const std::vector<std::string>& files,
                       const std::string& manifest_yaml, const std::string& dir, const std::string& input_path) {
  if (files.size() != segments.size()) return Status::Internal("PublishSegments: one file name per segment");
  const fs::path target = fs::path(dir).lexically_normal();
  std::error_code resolve;
  (void)fs::weakly_canonical(fs::absolute(target, resolve), resolve);
  if (resolve) return Status::Io("cannot resolve '" + dir + "': " + resolve.message());
  if (!input_path.empty() && IsWithin(input_path, target))
    return Status::Invalid("the model '" + input_path + "' lies inside '" + dir +
                           "', which the deploy replaces as a whole; move it or choose another output.dir");
  RESPECT_RETURN_IF_ERROR(CheckNoProtectedInputWithin(target.string()));
  std::error_code ec;
  if (fs::exists(target, ec) && !fs::is_directory(target, ec))
    return Status::Invalid("'" + dir + "' exists and is not a directory");
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  if (ec) return Status::Io("cannot create directory '" + parent.string() + "': " + ec.message());
  RemoveStaleDeployTemps(parent);
  // A fresh name (pid, counter, random): never an existing folder or an input.
  const fs::path tmp = TempPathFor((parent / ".segments").string());
  RESPECT_RETURN_IF_ERROR(CheckNoProtectedInputWithin(tmp.string()));
  if (!fs::create_directory(tmp, ec) || ec)
    return Status::Io("cannot create directory '" + tmp.string() + "': " + (ec ? ec.message() : "it exists"));
  Status st = WriteDeployInto(tmp, segments, files, manifest_yaml);
  if (st.ok()) st = SwapIntoPlace(tmp, target);
  fs::remove_all(tmp, ec);  // the previous deploy, or the failed attempt
  return st;
}

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec)) return true;
  const fs::path pa = fs::weakly_canonical(fs::absolute(a, ec), ec);
  const fs::path pb = fs::weakly_canonical(fs::absolute(b, ec), ec);
  return pa.lexically_normal() == pb.lexically_normal();
}

StatusOr<std::vector<std::string>> WriteSegments(const std::vector<Segment>& segments, const std::string& dir,
                                                 const std::string& stem, const std::string& input_path) {
  const int n = static_cast<int>(segments.size());
  std::vector<std::string> paths;
  for (int k = 0; k < n; ++k) {
    const std::string p = (fs::path(dir) / SegmentFileName(stem, k, n)).string();
    if (!input_path.empty() && SameFile(p, input_path))
      return Status::Invalid("refusing to write segment '" + p + "': it is the input model");
    paths.push_back(p);
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Io("cannot create directory '" + dir + "': " + ec.message());
  for (int k = 0; k < n; ++k) {
    const std::vector<uint8_t>& b = segments[k].bytes;
    RESPECT_RETURN_IF_ERROR(WriteFileAtomic(paths[k], std::string(b.begin(), b.end())));
  }
  return paths;
}

}  // namespace respect
