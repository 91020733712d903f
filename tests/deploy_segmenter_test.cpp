// Segmenter: round trip (read, segment, read back: the union of the segments
// holds the original operators, tensors and buffers byte-exact), the
// forwarding rule, Verifier on every segment, refusals.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/rng.h"
#include "deploy/option_tables.h"
#include "cost/evaluate.h"
#include "deploy/segmenter.h"
#include "tflite/model_cache.h"
#include "tflite/tflite_fixtures.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"
#include "tflite_schema_generated.h"

namespace respect {
namespace {

namespace fb = flatbuffers;

TfliteModel Load(const std::vector<uint8_t>& bytes) {
  auto m = TfliteModel::FromBytes(bytes, "fixture");
  EXPECT_TRUE(m.ok()) << m.status().message();
  return std::move(m).value();
}

std::string RealModel(const char* name) {
  return FindCachedModel(name, {std::string(RESPECT_BINARY_DIR) + "/models"});
}

template <class T>
std::vector<T> V(const fb::Vector<T>* v) {
  return v ? std::vector<T>(v->begin(), v->end()) : std::vector<T>{};
}

std::vector<uint8_t> Bytes(ByteSpan s) { return std::vector<uint8_t>(s.data, s.data + s.size); }

// Inline bytes (without the vtable offset), vtable field offsets and the
// contents of every offset field of an options table.
std::string OptionsFingerprint(const void* table, const OptionsTableDesc* desc) {
  if (!table || !desc) return "";
  const uint8_t* t = static_cast<const uint8_t*>(table);
  int32_t soff;
  std::memcpy(&soff, t, 4);
  const uint8_t* vt = t - soff;
  uint16_t vsize, osize;
  std::memcpy(&vsize, vt, 2);
  std::memcpy(&osize, vt + 2, 2);
  std::string out;
  std::vector<uint16_t> fields((vsize - 4) / 2);
  std::memcpy(fields.data(), vt + 4, fields.size() * 2);
  while (!fields.empty() && fields.back() == 0) fields.pop_back();
  std::set<uint16_t> offset_slots;
  for (const auto& f : desc->offsets) offset_slots.insert(f.slot);
  for (size_t i = 0; i < fields.size(); ++i) {
    out += "f" + std::to_string(i) + "@" + std::to_string(fields[i]) + ":";
    if (!fields[i]) continue;
    const uint8_t* p = t + fields[i];
    if (offset_slots.count(static_cast<uint16_t>(i))) {
      uint32_t off, len;
      std::memcpy(&off, p, 4);
      std::memcpy(&len, p + off, 4);
      size_t es = 1;
      for (const auto& f : desc->offsets)
        if (f.slot == i) es = f.kind == OptionsOffsetField::kString ? 1 : f.elem_size;
      out.append(reinterpret_cast<const char*>(p + off + 4), len * es);
    } else {
      // Scalar: the bytes up to the next field or the object end.
      uint16_t end = osize;
      for (uint16_t o : fields)
        if (o > fields[i] && o < end) end = o;
      out.append(reinterpret_cast<const char*>(p), end - fields[i]);
    }
    out += ";";
  }
  return out;
}

void ExpectSameTensor(const TfliteModel& a, const tfl::Tensor* ta, const TfliteModel& b, const tfl::Tensor* tb) {
  const std::string name = ta->name() ? ta->name()->str() : "";
  SCOPED_TRACE("tensor " + name);
  EXPECT_EQ(name, tb->name() ? tb->name()->str() : "");
  EXPECT_EQ(V(ta->shape()), V(tb->shape()));
  EXPECT_EQ(V(ta->shape_signature()), V(tb->shape_signature()));
  EXPECT_EQ(ta->type(), tb->type());
  EXPECT_EQ(ta->is_variable(), tb->is_variable());
  EXPECT_EQ(ta->has_rank(), tb->has_rank());
  EXPECT_EQ(Bytes(a.BufferData(ta->buffer())), Bytes(b.BufferData(tb->buffer())));
  const auto* qa = ta->quantization();
  const auto* qb = tb->quantization();
  ASSERT_EQ(qa == nullptr, qb == nullptr);
  if (qa) {
    EXPECT_EQ(V(qa->scale()), V(qb->scale()));
    EXPECT_EQ(V(qa->zero_point()), V(qb->zero_point()));
    EXPECT_EQ(V(qa->min()), V(qb->min()));
    EXPECT_EQ(V(qa->max()), V(qb->max()));
    EXPECT_EQ(qa->quantized_dimension(), qb->quantized_dimension());
    EXPECT_EQ(qa->details_type(), qb->details_type());
  }
  const auto* sa = ta->sparsity();
  const auto* sb = tb->sparsity();
  ASSERT_EQ(sa == nullptr, sb == nullptr);
  if (sa) {
    EXPECT_EQ(V(sa->traversal_order()), V(sb->traversal_order()));
    EXPECT_EQ(V(sa->block_map()), V(sb->block_map()));
    ASSERT_EQ(sa->dim_metadata()->size(), sb->dim_metadata()->size());
    for (fb::uoffset_t i = 0; i < sa->dim_metadata()->size(); ++i) {
      const auto* da = sa->dim_metadata()->Get(i);
      const auto* db = sb->dim_metadata()->Get(i);
      EXPECT_EQ(da->format(), db->format());
      EXPECT_EQ(da->dense_size(), db->dense_size());
      EXPECT_EQ(da->array_segments_type(), db->array_segments_type());
      if (da->array_segments_as_Int32Vector()) {
        EXPECT_EQ(V(da->array_segments_as_Int32Vector()->values()), V(db->array_segments_as_Int32Vector()->values()));
      }
      if (da->array_indices_as_Int32Vector()) {
        EXPECT_EQ(V(da->array_indices_as_Int32Vector()->values()), V(db->array_indices_as_Int32Vector()->values()));
      }
    }
  }
}

// The full round-trip contract for one segmentation.
void CheckRoundTrip(const TfliteModel& model, const std::vector<int>& stage, int n) {
  auto segs = SegmentModel(model, stage, n);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  ASSERT_EQ(static_cast<int>(segs->size()), n);
  const TfliteModelInfo info = DescribeTflite(model);
  const tfl::SubGraph& sg = model.main_subgraph();
  const tfl::Model& m = model.model();
  std::vector<int> seen_ops(info.operators.size(), 0);
  std::set<uint32_t> seen_buffers;
  std::set<int> seen_tensors;
  for (int k = 0; k < n; ++k) {
    SCOPED_TRACE("segment " + std::to_string(k));
    const Segment& seg = (*segs)[k];
    // Read back: passes the Verifier and the index checks.
    auto back = TfliteModel::FromBytes(seg.bytes, "segment");
    ASSERT_TRUE(back.ok()) << back.status().message();
    const tfl::Model& bm = back->model();
    ASSERT_EQ(bm.subgraphs()->size(), 1u);
    const tfl::SubGraph& bs = back->main_subgraph();
    EXPECT_EQ(bm.version(), m.version());
    ASSERT_EQ(bs.tensors()->size(), seg.plan.tensors.size());
    for (size_t i = 0; i < seg.plan.tensors.size(); ++i) {
      const int t = seg.plan.tensors[i];
      seen_tensors.insert(t);
      ExpectSameTensor(model, sg.tensors()->Get(t), *back, bs.tensors()->Get(static_cast<fb::uoffset_t>(i)));
      if (info.tensors[t].constant_bytes > 0) seen_buffers.insert(info.tensors[t].buffer);
    }
    // Inputs and outputs are the planned tensors, by name.
    auto names = [&](const fb::Vector<int32_t>* v) {
      std::vector<std::string> out;
      for (int32_t t : *v) out.push_back(bs.tensors()->Get(t)->name()->str());
      return out;
    };
    auto plan_names = [&](const std::vector<int>& v) {
      std::vector<std::string> out;
      for (int t : v) out.push_back(info.tensors[t].name);
      return out;
    };
    EXPECT_EQ(names(bs.inputs()), plan_names(seg.plan.inputs));
    EXPECT_EQ(names(bs.outputs()), plan_names(seg.plan.outputs));
    // Operators: same code, same tensors (by name), same options and custom options.
    ASSERT_EQ(bs.operators()->size(), seg.plan.operators.size());
    const TfliteModelInfo binfo = DescribeTflite(*back);
    for (size_t i = 0; i < seg.plan.operators.size(); ++i) {
      const int o = seg.plan.operators[i];
      SCOPED_TRACE("operator " + std::to_string(o));
      ++seen_ops[o];
      if (i > 0) {
        EXPECT_LT(seg.plan.operators[i - 1], o);  // original order
      }
      const auto& oa = info.operators[o];
      const auto& ob = binfo.operators[i];
      EXPECT_EQ(oa.op, ob.op);
      EXPECT_EQ(oa.builtin_code, ob.builtin_code);
      EXPECT_EQ(oa.version, ob.version);
      EXPECT_EQ(oa.param_bytes, ob.param_bytes);
      EXPECT_EQ(oa.output_bytes, ob.output_bytes);
      auto tnames = [](const TfliteModelInfo& inf, const std::vector<int>& v) {
        std::vector<std::string> out;
        for (int t : v) out.push_back(t < 0 ? "<none>" : inf.tensors[t].name);
        return out;
      };
      EXPECT_EQ(tnames(info, oa.inputs), tnames(binfo, ob.inputs));
      EXPECT_EQ(tnames(info, oa.outputs), tnames(binfo, ob.outputs));
      const tfl::Operator* sa = sg.operators()->Get(o);
      const tfl::Operator* sb = bs.operators()->Get(static_cast<fb::uoffset_t>(i));
      EXPECT_EQ(Bytes(model.CustomOptions(o)), Bytes(back->CustomOptions(static_cast<int>(i))));
      EXPECT_EQ(sa->builtin_options_type(), sb->builtin_options_type());
      const OptionsTableDesc* d = BuiltinOptionsDesc(static_cast<uint8_t>(sa->builtin_options_type()));
      EXPECT_EQ(OptionsFingerprint(sa->builtin_options(), d), OptionsFingerprint(sb->builtin_options(), d));
      EXPECT_EQ(V(sa->mutating_variable_inputs()), V(sb->mutating_variable_inputs()));
    }
    // Only buffers in use: every non-sentinel buffer is read by a tensor or metadata.
    std::set<uint32_t> used{0};
    for (const tfl::Tensor* t : *bs.tensors()) used.insert(t->buffer());
    if (bm.metadata())
      for (const tfl::Metadata* md : *bm.metadata()) used.insert(md->buffer());
    EXPECT_EQ(used.size(), bm.buffers()->size());
  }
  for (size_t o = 0; o < seen_ops.size(); ++o) EXPECT_EQ(seen_ops[o], 1) << "operator " << o;
  // Every constant buffer read by an operator and every tensor an operator touches survive.
  for (const auto& op : info.operators)
    for (int t : op.inputs)
      if (t >= 0) {
        EXPECT_TRUE(seen_tensors.count(t)) << "tensor " << t;
        if (info.tensors[t].constant_bytes > 0) {
          EXPECT_TRUE(seen_buffers.count(info.tensors[t].buffer));
        }
      }
}

// A random schedule respecting precedence with every stage used.
// A random valid schedule of the whole graph (operators and boundary
// nodes, which are then pinned) in which every stage holds an operator.
std::vector<int> RandomSchedule(const Graph& g, int n, Rng* rng) {
  int nops = 0;
  for (const Node& nd : g.nodes()) nops += !IsBoundaryNode(nd);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::vector<int> s(g.size(), 0);
    for (int v : g.topo_order()) {
      int lo = 0;
      for (int p : g.parents(v)) lo = std::max(lo, s[p]);
      s[v] = std::min(n - 1, lo + static_cast<int>(rng->Next() % 3 == 0));
    }
    PinBoundaryNodes(g, n, &s);
    std::set<int> used(s.begin(), s.begin() + nops);
    if (static_cast<int>(used.size()) == n) return s;
  }
  return {};
}

// The operator part of a whole-graph schedule (operators come first).
std::vector<int> OpStages(const std::vector<int>& s, const TfliteModelInfo& info) {
  return std::vector<int>(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(info.operators.size()));
}

// Contiguous split of the execution order into n parts of ~equal op count.
std::vector<int> EvenSplit(int ops, int n) {
  std::vector<int> s(ops);
  for (int i = 0; i < ops; ++i) s[i] = static_cast<int>(static_cast<int64_t>(i) * n / ops);
  return s;
}

TEST(Segmenter, ForwardingRuleOnTinyModel) {
  const TfliteModel model = Load(BuildTinyConvModel());
  const TfliteModelInfo info = DescribeTflite(model);
  // conv | dw | add, reshape, fc: conv/out is read in stages 1 and 2.
  auto plans = PlanSegments(info, {0, 1, 2, 2, 2}, 3);
  ASSERT_TRUE(plans.ok()) << plans.status().message();
  auto names = [&](const std::vector<int>& v) {
    std::vector<std::string> out;
    for (int t : v) out.push_back(info.tensors[t].name);
    return out;
  };
  using S = std::vector<std::string>;
  EXPECT_EQ(names((*plans)[0].inputs), S({"input"}));
  EXPECT_EQ(names((*plans)[0].outputs), S({"conv/out"}));
  EXPECT_EQ(names((*plans)[1].inputs), S({"conv/out"}));
  EXPECT_EQ(names((*plans)[1].outputs), S({"conv/out", "dw/out"}));
  EXPECT_EQ(names((*plans)[1].forwarded), S({"conv/out"}));
  EXPECT_EQ(names((*plans)[2].inputs), S({"conv/out", "dw/out"}));
  EXPECT_EQ(names((*plans)[2].outputs), S({"logits"}));
  CheckRoundTrip(model, {0, 1, 2, 2, 2}, 3);
}

TEST(Segmenter, SingleStageAndLateInput) {
  const TfliteModel model = Load(BuildDetectionPostprocessModel());
  CheckRoundTrip(model, {0}, 1);
  const TfliteModel tiny = Load(BuildTinyConvModel());
  const TfliteModelInfo info = DescribeTflite(tiny);
  auto plans = PlanSegments(info, {0, 0, 0, 0, 1}, 2);
  ASSERT_TRUE(plans.ok());
  ASSERT_EQ((*plans)[1].inputs.size(), 1u);
  EXPECT_EQ(info.tensors[(*plans)[1].inputs[0]].name, "reshape/out");
}

TEST(Segmenter, EarlyAndConstantModelOutputsLeaveTheLastSegment) {
  const TfliteModel model = Load(BuildSharedConstantModel());
  const TfliteModelInfo info = DescribeTflite(model);
  EXPECT_EQ(info.operators[0].param_bytes, 16);
  EXPECT_EQ(info.operators[1].param_bytes, 16);  // shared constant counts for each reader
  auto plans = PlanSegments(info, {0, 1}, 2);
  ASSERT_TRUE(plans.ok()) << plans.status().message();
  std::vector<std::string> out;
  for (int t : (*plans)[1].outputs) out.push_back(info.tensors[t].name);
  EXPECT_EQ(out, (std::vector<std::string>{"z", "y", "w"}));
  std::vector<std::string> fwd;
  for (int t : (*plans)[1].forwarded) fwd.push_back(info.tensors[t].name);
  EXPECT_EQ(fwd, (std::vector<std::string>{"y"}));  // read in stage 1 and forwarded out
  CheckRoundTrip(model, {0, 1}, 2);
  auto segs = SegmentModel(model, {0, 1}, 2);
  ASSERT_TRUE(segs.ok());
  EXPECT_EQ((*segs)[0].param_bytes, 16);  // the constant is copied into both segments
  EXPECT_EQ((*segs)[1].param_bytes, 16);
}

std::vector<std::vector<uint8_t>> AllFixtures() {
  return {BuildTinyConvModel(FixtureQuant::kInt8), BuildTinyConvModel(FixtureQuant::kUint8), BuildFp16WeightsModel(),
          BuildSparseWeightsModel(), BuildDetectionPostprocessModel(), BuildSharedConstantModel(),
          BuildLargeFcModel(1 << 20, 6)};
}

TEST(Segmenter, RoundTripAllFixtures) {
  Rng rng(5);
  const std::vector<std::vector<uint8_t>> models = AllFixtures();
  for (size_t i = 0; i < models.size(); ++i) {
    SCOPED_TRACE("fixture " + std::to_string(i));
    const TfliteModel model = Load(models[i]);
    const TfliteModelInfo info = DescribeTflite(model);
    auto g = TfliteToGraph(info);
    ASSERT_TRUE(g.ok());
    const int nops = static_cast<int>(info.operators.size());
    for (int n = 1; n <= std::min(4, nops); ++n) {
      CheckRoundTrip(model, EvenSplit(nops, n), n);
      const auto s = RandomSchedule(*g, n, &rng);
      if (!s.empty()) CheckRoundTrip(model, OpStages(s, info), n);
    }
  }
}

// The cost model's crossing bytes are what the segment files pass, boundary
// by boundary, for every fixture and many schedules: model inputs forwarded
// from stage 0 to their last reader and model outputs forwarded to the last
// stage included.
void ExpectHonestCrossings(const TfliteModel& model, int max_stages, int schedules, uint64_t seed) {
  Rng rng(seed);
  const TfliteModelInfo info = DescribeTflite(model);
  auto g = TfliteToGraph(info);
  ASSERT_TRUE(g.ok()) << g.status().message();
  auto graph = std::make_shared<const Graph>(std::move(g).value());
  int checked = 0;
  for (int n = 1; n <= std::min<int>(max_stages, static_cast<int>(info.operators.size())); ++n) {
    for (int i = 0; i < schedules; ++i) {
      const auto s = RandomSchedule(*graph, n, &rng);
      if (s.empty()) continue;
      Problem p;
      p.graph = graph;
      p.stages = n;
      const Evaluation ev = Evaluate(p, Schedule{s});
      ASSERT_TRUE(ev.feasible) << ev.violation;
      auto plans = PlanSegments(info, OpStages(s, info), n);
      ASSERT_TRUE(plans.ok()) << plans.status().message();
      EXPECT_EQ(ev.crossing_bytes, SegmentCrossingBytes(info, *plans)) << "stages " << n << " schedule " << i;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

TEST(Segmenter, CostModelCrossingBytesAreWhatTheSegmentsPass) {
  const std::vector<std::vector<uint8_t>> models = AllFixtures();
  for (size_t i = 0; i < models.size(); ++i) {
    SCOPED_TRACE("fixture " + std::to_string(i));
    ExpectHonestCrossings(Load(models[i]), 4, 30, 11 + i);
  }
}

// The case of the field report: operators that do not read the model input
// (DEQUANTIZE of constants) in front, the input's reader later. The input
// crosses every boundary up to its reader.
TEST(Segmenter, ModelInputCrossesToItsLastReader) {
  const TfliteModel model = Load(BuildFp16WeightsModel());
  const TfliteModelInfo info = DescribeTflite(model);
  auto g = TfliteToGraph(info);
  ASSERT_TRUE(g.ok());
  const int input = info.inputs[0];
  ASSERT_FALSE(info.tensors[input].consumers.empty());
  const int reader = info.tensors[input].consumers.front();
  const int nops = static_cast<int>(info.operators.size());
  // Every operator before the reader in stage 0, the reader and the rest in stage 1.
  std::vector<int> s(g->size(), 0);
  for (int v = reader; v < nops; ++v) s[v] = 1;
  PinBoundaryNodes(*g, 2, &s);
  Problem p;
  p.graph = std::make_shared<const Graph>(*g);
  p.stages = 2;
  const Evaluation ev = Evaluate(p, Schedule{s});
  ASSERT_TRUE(ev.feasible) << ev.violation;
  auto plans = PlanSegments(info, OpStages(s, info), 2);
  ASSERT_TRUE(plans.ok());
  EXPECT_GE(ev.crossing_bytes[0], info.tensors[input].bytes);
  EXPECT_EQ(ev.crossing_bytes, SegmentCrossingBytes(info, *plans));
}

TEST(Segmenter, SegmentOfASegment) {
  const TfliteModel model = Load(BuildTinyConvModel());
  auto segs = SegmentModel(model, {0, 0, 1, 1, 1}, 2);
  ASSERT_TRUE(segs.ok());
  const TfliteModel second = Load((*segs)[1].bytes);
  CheckRoundTrip(second, {0, 1, 1}, 2);
}

TEST(Segmenter, Refusals) {
  const TfliteModel model = Load(BuildTinyConvModel());
  auto backwards = SegmentModel(model, {1, 0, 1, 1, 1}, 2);
  ASSERT_FALSE(backwards.ok());
  EXPECT_NE(backwards.status().message().find("later stage"), std::string::npos) << backwards.status().message();
  auto empty = SegmentModel(model, {0, 0, 2, 2, 2}, 3);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("stage 1 has no operators"), std::string::npos);
  auto size = SegmentModel(model, {0, 0, 1}, 2);
  ASSERT_FALSE(size.ok());
  EXPECT_NE(size.status().message().find("3 entries"), std::string::npos);
  auto range = SegmentModel(model, {0, 0, 1, 1, 7}, 2);
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("outside"), std::string::npos);
}

TEST(Segmenter, WritesFilesAndNeverOverwritesTheInput) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(testing::TempDir()) / "respect_segmenter_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto bytes = BuildTinyConvModel();
  const TfliteModel model = Load(bytes);
  auto segs = SegmentModel(model, {0, 0, 1, 1, 1}, 2);
  ASSERT_TRUE(segs.ok());
  const std::string input = (dir / "tiny.tflite").string();
  { std::ofstream(input, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size()); }
  auto paths = WriteSegments(*segs, (dir / "segments").string(), "tiny", input);
  ASSERT_TRUE(paths.ok()) << paths.status().message();
  ASSERT_EQ(paths->size(), 2u);
  EXPECT_EQ(fs::path((*paths)[0]).filename(), "tiny_segment_0_of_2.tflite");
  for (size_t k = 0; k < 2; ++k) {
    auto back = TfliteModel::Load((*paths)[k]);
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(back->bytes(), (*segs)[k].bytes);
  }
  // An input named like a segment in the output dir: refused, input untouched.
  const std::string trap = (dir / "trap_segment_1_of_2.tflite").string();
  { std::ofstream(trap, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size()); }
  auto refused = WriteSegments(*segs, dir.string(), "trap", trap);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("input model"), std::string::npos);
  auto again = TfliteModel::Load(trap);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->bytes(), bytes);
  // Also through a different spelling of the same path.
  auto refused2 = WriteSegments(*segs, (dir / "segments" / "..").string(), "trap", trap);
  EXPECT_FALSE(refused2.ok());
  EXPECT_TRUE(SameFile(trap, (dir / "." / "trap_segment_1_of_2.tflite").string()));
}

TEST(Segmenter, RealSsdMobilenetV2RoundTrip) {
  const std::string path = RealModel(kSsdMobilenetV2Quant);
  if (path.empty()) GTEST_SKIP() << "model not fetched; run scripts/fetch_models.sh";
  auto model = TfliteModel::Load(path);
  ASSERT_TRUE(model.ok()) << model.status().message();
  const TfliteModelInfo info = DescribeTflite(*model);
  auto g = TfliteToGraph(info);
  ASSERT_TRUE(g.ok());
  for (int n : {1, 2, 4, 6}) {
    SCOPED_TRACE("stages " + std::to_string(n));
    CheckRoundTrip(*model, EvenSplit(static_cast<int>(info.operators.size()), n), n);
  }
  Rng rng(9);
  for (int n : {3, 5}) {
    const auto s = RandomSchedule(*g, n, &rng);
    ASSERT_FALSE(s.empty());
    CheckRoundTrip(*model, OpStages(s, info), n);
  }
}

}  // namespace
}  // namespace respect
