#include "deploy/option_tables.h"

#include <cstring>
#include <functional>

namespace respect {

namespace {

using F = OptionsOffsetField;
constexpr F::Kind kVec = F::kVector;
constexpr F::Kind kStr = F::kString;

// BuiltinOptions members in type-id order (index 0 = type 1). Field slots
// follow src/tflite/tflite_schema.fbs; tests/tflite_schema_test.cpp checks
// names against the generated union and slot counts against the .fbs.
const std::vector<OptionsTableDesc>& Options1() {
  static const std::vector<OptionsTableDesc> d = {
      {"Conv2DOptions", 7, {}},
      {"DepthwiseConv2DOptions", 7, {}},
      {"ConcatEmbeddingsOptions", 3, {{1, kVec, 4}, {2, kVec, 4}}},
      {"LSHProjectionOptions", 1, {}},
      {"Pool2DOptions", 6, {}},
      {"SVDFOptions", 3, {}},
      {"RNNOptions", 2, {}},
      {"FullyConnectedOptions", 5, {}},
      {"SoftmaxOptions", 1, {}},
      {"ConcatenationOptions", 2, {}},
      {"AddOptions", 2, {}},
      {"L2NormOptions", 1, {}},
      {"LocalResponseNormalizationOptions", 4, {}},
      {"LSTMOptions", 5, {}},
      {"ResizeBilinearOptions", 4, {}},
      {"CallOptions", 1, {}},
      {"ReshapeOptions", 1, {{0, kVec, 4}}},
      {"SkipGramOptions", 3, {}},
      {"SpaceToDepthOptions", 1, {}},
      {"EmbeddingLookupSparseOptions", 1, {}},
      {"MulOptions", 1, {}},
      {"PadOptions", 0, {}},
      {"GatherOptions", 2, {}},
      {"BatchToSpaceNDOptions", 0, {}},
      {"SpaceToBatchNDOptions", 0, {}},
      {"TransposeOptions", 0, {}},
      {"ReducerOptions", 1, {}},
      {"SubOptions", 2, {}},
      {"DivOptions", 1, {}},
      {"SqueezeOptions", 1, {{0, kVec, 4}}},
      {"SequenceRNNOptions", 3, {}},
      {"StridedSliceOptions", 6, {}},
      {"ExpOptions", 0, {}},
      {"TopKV2Options", 0, {}},
      {"SplitOptions", 1, {}},
      {"LogSoftmaxOptions", 0, {}},
      {"CastOptions", 2, {}},
      {"DequantizeOptions", 0, {}},
      {"MaximumMinimumOptions", 0, {}},
      {"ArgMaxOptions", 1, {}},
      {"LessOptions", 0, {}},
      {"NegOptions", 0, {}},
      {"PadV2Options", 0, {}},
      {"GreaterOptions", 0, {}},
      {"GreaterEqualOptions", 0, {}},
      {"LessEqualOptions", 0, {}},
      {"SelectOptions", 0, {}},
      {"SliceOptions", 0, {}},
      {"TransposeConvOptions", 5, {}},
      {"SparseToDenseOptions", 1, {}},
      {"TileOptions", 0, {}},
      {"ExpandDimsOptions", 0, {}},
      {"EqualOptions", 0, {}},
      {"NotEqualOptions", 0, {}},
      {"ShapeOptions", 1, {}},
      {"PowOptions", 0, {}},
      {"ArgMinOptions", 1, {}},
      {"FakeQuantOptions", 4, {}},
      {"PackOptions", 2, {}},
      {"LogicalOrOptions", 0, {}},
      {"OneHotOptions", 1, {}},
      {"LogicalAndOptions", 0, {}},
      {"LogicalNotOptions", 0, {}},
      {"UnpackOptions", 2, {}},
      {"FloorDivOptions", 0, {}},
      {"SquareOptions", 0, {}},
      {"ZerosLikeOptions", 0, {}},
      {"FillOptions", 0, {}},
      {"BidirectionalSequenceLSTMOptions", 6, {}},
      {"BidirectionalSequenceRNNOptions", 4, {}},
      {"UnidirectionalSequenceLSTMOptions", 6, {}},
      {"FloorModOptions", 0, {}},
      {"RangeOptions", 0, {}},
      {"ResizeNearestNeighborOptions", 2, {}},
      {"LeakyReluOptions", 1, {}},
      {"SquaredDifferenceOptions", 0, {}},
      {"MirrorPadOptions", 1, {}},
      {"AbsOptions", 0, {}},
      {"SplitVOptions", 1, {}},
      {"UniqueOptions", 1, {}},
      {"ReverseV2Options", 0, {}},
      {"AddNOptions", 0, {}},
      {"GatherNdOptions", 0, {}},
      {"CosOptions", 0, {}},
      {"WhereOptions", 0, {}},
      {"RankOptions", 0, {}},
      {"ReverseSequenceOptions", 2, {}},
      {"MatrixDiagOptions", 0, {}},
      {"QuantizeOptions", 0, {}},
      {"MatrixSetDiagOptions", 0, {}},
      {"HardSwishOptions", 0, {}},
      {"IfOptions", 2, {}},
      {"WhileOptions", 2, {}},
      {"DepthToSpaceOptions", 1, {}},
      {"NonMaxSuppressionV4Options", 0, {}},
      {"NonMaxSuppressionV5Options", 0, {}},
      {"ScatterNdOptions", 0, {}},
      {"SelectV2Options", 0, {}},
      {"DensifyOptions", 0, {}},
      {"SegmentSumOptions", 0, {}},
      {"BatchMatMulOptions", 3, {}},
      {"CumsumOptions", 2, {}},
      {"CallOnceOptions", 1, {}},
      {"BroadcastToOptions", 0, {}},
      {"Rfft2dOptions", 0, {}},
      {"Conv3DOptions", 8, {}},
      {"HashtableOptions", 3, {}},
      {"HashtableFindOptions", 0, {}},
      {"HashtableImportOptions", 0, {}},
      {"HashtableSizeOptions", 0, {}},
      {"VarHandleOptions", 2, {{0, kStr, 1}, {1, kStr, 1}}},
      {"ReadVariableOptions", 0, {}},
      {"AssignVariableOptions", 0, {}},
      {"RandomOptions", 2, {}},
      {"BucketizeOptions", 1, {{0, kVec, 4}}},
      {"GeluOptions", 1, {}},
      {"DynamicUpdateSliceOptions", 0, {}},
      {"UnsortedSegmentProdOptions", 0, {}},
      {"UnsortedSegmentMaxOptions", 0, {}},
      {"UnsortedSegmentMinOptions", 0, {}},
      {"UnsortedSegmentSumOptions", 0, {}},
      {"ATan2Options", 0, {}},
      {"SignOptions", 0, {}},
      {"BitcastOptions", 0, {}},
      {"BitwiseXorOptions", 0, {}},
      {"RightShiftOptions", 0, {}},
  };
  return d;
}

const std::vector<OptionsTableDesc>& Options2() {
  static const std::vector<OptionsTableDesc> d = {
      {"StablehloConcatenateOptions", 1, {}},
      {"StablehloBroadcastInDimOptions", 1, {{0, kVec, 8}}},
      {"StablehloSliceOptions", 3, {{0, kVec, 8}, {1, kVec, 8}, {2, kVec, 8}}},
      {"StablehloConvolutionOptions", 17,
       {{0, kVec, 8}, {1, kVec, 8}, {2, kVec, 8}, {3, kVec, 8}, {4, kVec, 1}, {7, kVec, 8}, {10, kVec, 8},
        {13, kVec, 8}, {16, kVec, 4}}},
      {"StablehloCustomCallOptions", 6, {{0, kStr, 1}, {2, kStr, 1}, {4, kVec, 4}, {5, kVec, 1}}},
      {"StablehloReduceOptions", 2, {{0, kVec, 8}}},
      {"StablehloScatterOptions", 7, {{1, kVec, 8}, {2, kVec, 8}, {3, kVec, 8}}},
      {"StablehloCompareOptions", 2, {}},
      {"StablehloDynamicSliceOptions", 1, {{0, kVec, 8}}},
      {"StablehloPadOptions", 3, {{0, kVec, 8}, {1, kVec, 8}, {2, kVec, 8}}},
      {"StablehloIotaOptions", 1, {}},
      {"StablehloDotGeneralOptions", 5, {{0, kVec, 8}, {1, kVec, 8}, {2, kVec, 8}, {3, kVec, 8}, {4, kVec, 4}}},
      {"StablehloReduceWindowOptions", 6, {{0, kVec, 8}, {1, kVec, 8}, {2, kVec, 8}, {3, kVec, 8}, {4, kVec, 8}}},
      {"StablehloSortOptions", 3, {}},
      {"StablehloWhileOptions", 2, {}},
      {"StablehloGatherOptions", 6, {{0, kVec, 8}, {1, kVec, 8}, {2, kVec, 8}, {4, kVec, 8}}},
      {"StablehloTransposeOptions", 1, {{0, kVec, 8}}},
      {"DilateOptions", 0, {}},
      {"StablehloRngBitGeneratorOptions", 1, {}},
      {"ReduceWindowOptions", 1, {}},
      {"StableHLOCompositeOptions", 5, {{0, kStr, 1}, {2, kVec, 1}}},
      {"StablehloShiftLeftOptions", 0, {}},
      {"StablehloCaseOptions", 1, {{0, kVec, 4}}},
  };
  return d;
}

template <class T>
T Read(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return flatbuffers::EndianScalar(v);
}

template <class T>
void Write(uint8_t* p, T v) {
  v = flatbuffers::EndianScalar(v);
  std::memcpy(p, &v, sizeof(T));
}

}  // namespace

const OptionsTableDesc* BuiltinOptionsDesc(uint8_t type) {
  const auto& d = Options1();
  return (type >= 1 && type <= d.size()) ? &d[type - 1] : nullptr;
}

const OptionsTableDesc* BuiltinOptions2Desc(uint8_t type) {
  const auto& d = Options2();
  return (type >= 1 && type <= d.size()) ? &d[type - 1] : nullptr;
}

int NumBuiltinOptionsDescs() { return static_cast<int>(Options1().size()); }
int NumBuiltinOptions2Descs() { return static_cast<int>(Options2().size()); }

namespace {

// Where a source table sits and what its vtable says.
struct TableLayout {
  size_t tpos = 0;              // the table's offset in the buffer
  uint16_t osize = 0;           // the object's size
  std::vector<uint16_t> field;  // per vtable slot: the field's offset in the object (0: absent)
};

// `table` and its vtable inside the buffer, aligned, every field inside the object.
StatusOr<TableLayout> ReadTableLayout(const uint8_t* buf, size_t size, const uint8_t* table,
                                      const std::function<Status(const std::string&)>& bad) {
  if (table < buf || static_cast<size_t>(table - buf) > size) return bad("outside the buffer");
  TableLayout l;
  l.tpos = static_cast<size_t>(table - buf);
  if (l.tpos % 4 != 0 || size - l.tpos < 4) return bad("misaligned or truncated");
  const int64_t vpos = static_cast<int64_t>(l.tpos) - Read<int32_t>(table);
  if (vpos < 0 || vpos % 2 != 0 || static_cast<uint64_t>(vpos) + 4 > size) return bad("bad vtable offset");
  const uint8_t* vt = buf + vpos;
  const uint16_t vsize = Read<uint16_t>(vt);
  l.osize = Read<uint16_t>(vt + 2);
  if (vsize < 4 || vsize % 2 != 0 || static_cast<uint64_t>(vpos) + vsize > size) return bad("bad vtable size");
  if (l.osize < 4 || static_cast<uint64_t>(l.tpos) + l.osize > size) return bad("bad object size");
  const int nslots = (vsize - 4) / 2;
  l.field.resize(nslots);
  for (int i = 0; i < nslots; ++i) {
    l.field[i] = Read<uint16_t>(vt + 4 + 2 * i);
    if (l.field[i] != 0 && (l.field[i] < 4 || l.field[i] >= l.osize))
      return bad("field " + std::to_string(i) + " outside the object");
  }
  return l;
}

// An offset field to rewrite: at `at` in the object, pointing to `child`.
struct Patch {
  uint16_t at;
  flatbuffers::uoffset_t child;
};

// The table's strings and vectors, copied first (they must sit at higher
// addresses than the table).
StatusOr<std::vector<Patch>> CopyChildren(flatbuffers::FlatBufferBuilder* fbb, const uint8_t* buf, size_t size,
                                          const uint8_t* table, const TableLayout& l, const OptionsTableDesc& desc,
                                          const std::function<Status(const std::string&)>& bad) {
  const int nslots = static_cast<int>(l.field.size());
  std::vector<Patch> patches;
  for (const OptionsOffsetField& f : desc.offsets) {
    if (f.slot >= nslots || l.field[f.slot] == 0) continue;
    const uint16_t fo = l.field[f.slot];
    if (fo + 4u > l.osize || (l.tpos + fo) % 4 != 0) return bad("offset field " + std::to_string(f.slot) + " misplaced");
    const uint64_t target = l.tpos + fo + static_cast<uint64_t>(Read<uint32_t>(table + fo));
    if (target + 4 > size) return bad("offset field " + std::to_string(f.slot) + " points outside the buffer");
    const uint64_t len = Read<uint32_t>(buf + target);
    const uint64_t nbytes = f.kind == OptionsOffsetField::kString ? len : len * f.elem_size;
    if (nbytes > size - target - 4) return bad("vector in field " + std::to_string(f.slot) + " runs past the buffer");
    const uint8_t* data = buf + target + 4;
    flatbuffers::uoffset_t child;
    if (f.kind == OptionsOffsetField::kString) {
      child = fbb->CreateString(reinterpret_cast<const char*>(data), static_cast<size_t>(len)).o;
    } else {
      fbb->StartVector(static_cast<size_t>(len), f.elem_size);
      if (nbytes > 0) fbb->PushBytes(data, static_cast<size_t>(nbytes));
      child = fbb->EndVector(static_cast<size_t>(len));
    }
    patches.push_back({fo, child});
  }
  return patches;
}

}  // namespace

StatusOr<flatbuffers::Offset<void>> CopyOptionsTable(flatbuffers::FlatBufferBuilder* fbb, const uint8_t* buf,
                                                     size_t size, const uint8_t* table,
                                                     const OptionsTableDesc& desc,
                                                     std::vector<std::string>* notes) {
  const std::string what = std::string(desc.name) + " table";
  const std::function<Status(const std::string&)> bad = [&](const std::string& why) {
    return Status::Invalid(what + ": " + why);
  };
  auto layout = ReadTableLayout(buf, size, table, bad);
  if (!layout.ok()) return layout.status();
  const TableLayout& l = *layout;
  auto patches = CopyChildren(fbb, buf, size, table, l, desc, bad);
  if (!patches.ok()) return patches.status();

  // The new vtable: the same, minus slots this build does not know.
  const int nslots = static_cast<int>(l.field.size());
  int kept = nslots;
  if (nslots > desc.slots) {
    bool dropped = false;
    for (int i = desc.slots; i < nslots; ++i) dropped |= l.field[i] != 0;
    if (dropped && notes)
      notes->push_back(std::string(desc.name) + ": dropped field(s) beyond the " + std::to_string(desc.slots) +
                       " this build knows");
    kept = desc.slots;
  }
  while (kept > 0 && l.field[kept - 1] == 0) --kept;
  const uint16_t new_vsize = static_cast<uint16_t>(4 + 2 * kept);

  // Place the table so its absolute alignment (mod 8) matches the source:
  // every scalar inside keeps its natural alignment.
  fbb->Align(8);
  const size_t r = l.tpos % 8;
  const size_t s = fbb->GetSize();
  const size_t pad = (16 - ((r + s + l.osize) % 8)) % 8;
  if (pad) fbb->Pad(pad);
  const flatbuffers::uoffset_t t = static_cast<flatbuffers::uoffset_t>(s + pad + l.osize);
  std::vector<uint8_t> obj(table, table + l.osize);
  Write<int32_t>(obj.data(), static_cast<int32_t>(new_vsize));  // vtable sits right below the table
  for (const Patch& p : *patches) Write<uint32_t>(obj.data() + p.at, t - p.at - p.child);
  fbb->PushBytes(obj.data(), obj.size());
  std::vector<uint8_t> vtab(new_vsize);
  Write<uint16_t>(vtab.data(), new_vsize);
  Write<uint16_t>(vtab.data() + 2, l.osize);
  for (int i = 0; i < kept; ++i) Write<uint16_t>(vtab.data() + 4 + 2 * i, l.field[i]);
  fbb->PushBytes(vtab.data(), vtab.size());
  return flatbuffers::Offset<void>(t);
}

}  // namespace respect
