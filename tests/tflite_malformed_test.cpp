// Malformed, truncated and corrupted files give a clear error, never a crash
// (every truncation length and byte flips of the fixtures; samples of the
// real model when fetched). Whatever still verifies must also describe,
// convert and segment without crashing.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "core/rng.h"
#include "deploy/segmenter.h"
#include "tflite/model_cache.h"
#include "tflite/tflite_fixtures.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"
#include "tflite_schema_generated.h"

namespace respect {
namespace {

// Reads the bytes; if they verify, pushes them through everything else.
// Returns true when the read succeeded.
bool Exercise(const std::vector<uint8_t>& bytes, bool segment = true) {
  auto model = TfliteModel::FromBytes(bytes, "corrupt.tflite");
  if (!model.ok()) {
    EXPECT_FALSE(model.status().message().empty());
    EXPECT_EQ(model.status().message().find('\n'), std::string::npos) << "one line";
    EXPECT_EQ(model.status().code(), StatusCode::kInvalidInput);
    return false;
  }
  const TfliteModelInfo info = DescribeTflite(*model);
  auto g = TfliteToGraph(info);
  if (segment && g.ok() && g->size() >= 2) {
    std::vector<int> stage(g->size(), 0);
    for (int i = g->size() / 2; i < g->size(); ++i) stage[i] = 1;
    auto segs = SegmentModel(*model, stage, 2);
    if (segs.ok()) {
      for (const Segment& s : *segs) EXPECT_TRUE(TfliteModel::FromBytes(s.bytes, "segment").ok());
    }
  }
  (void)SummarizeTflite(info);
  return true;
}

TEST(TfliteMalformed, EmptyShortAndForeignFiles) {
  auto empty = ReadTfliteBytes(nullptr, 0, "empty.tflite");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty"), std::string::npos);
  const uint8_t four[4] = {1, 2, 3, 4};
  auto tiny = ReadTfliteBytes(four, 4, "short.tflite");
  ASSERT_FALSE(tiny.ok());
  EXPECT_NE(tiny.status().message().find("too short"), std::string::npos);
  const std::string text = "this is a text file, not a model at all";
  auto foreign = ReadTfliteBytes(reinterpret_cast<const uint8_t*>(text.data()), text.size(), "notes.txt");
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.status().message().find("not a TFLite model"), std::string::npos);
  EXPECT_NE(foreign.status().message().find("notes.txt"), std::string::npos);
}

TEST(TfliteMalformed, EveryTruncationOfEveryFixture) {
  for (const auto& bytes : {BuildTinyConvModel(), BuildDetectionPostprocessModel(), BuildSparseWeightsModel(),
                            BuildFp16WeightsModel()}) {
    int ok = 0;
    for (size_t len = 0; len < bytes.size(); ++len)
      ok += Exercise(std::vector<uint8_t>(bytes.begin(), bytes.begin() + len));
    // Cutting off the tail can leave a valid prefix only if nothing lives there.
    EXPECT_LT(ok, 16) << "truncations that still verified";
    EXPECT_TRUE(Exercise(bytes));
  }
}

TEST(TfliteMalformed, TruncatedMessageSaysSo) {
  const auto bytes = BuildTinyConvModel();
  auto r = ReadTfliteBytes(bytes.data(), bytes.size() / 2, "half.tflite");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("half.tflite"), std::string::npos);
  EXPECT_NE(r.status().message().find("failed verification"), std::string::npos) << r.status().message();
}

TEST(TfliteMalformed, ByteFlipsAtEveryPosition) {
  const auto bytes = BuildTinyConvModel();
  int survived = 0;
  for (size_t i = 0; i < bytes.size(); ++i)
    for (uint8_t x : {0x01, 0x80, 0xFF}) {
      std::vector<uint8_t> b = bytes;
      b[i] ^= x;
      survived += Exercise(b);
    }
  // Flips inside weights, names or padding still verify; that's fine.
  EXPECT_GT(survived, 0);
}

TEST(TfliteMalformed, RandomMultiByteCorruption) {
  Rng rng(77);
  for (const auto& bytes : {BuildTinyConvModel(FixtureQuant::kUint8), BuildDetectionPostprocessModel()}) {
    for (int trial = 0; trial < 3000; ++trial) {
      std::vector<uint8_t> b = bytes;
      const int flips = 1 + static_cast<int>(rng.Next() % 8);
      for (int f = 0; f < flips; ++f) b[rng.Next() % b.size()] = static_cast<uint8_t>(rng.Next());
      Exercise(b);
    }
  }
}

// Inputs that once crashed the fuzzer (tests/fuzz/regressions/tflite_reader).
// Overwrites one int32 of a copy of `bytes`; `at` points into `bytes`.
std::vector<uint8_t> Patch(const std::vector<uint8_t>& bytes, const void* at, int32_t value) {
  std::vector<uint8_t> out = bytes;
  const size_t off = static_cast<size_t>(static_cast<const uint8_t*>(at) - bytes.data());
  std::memcpy(out.data() + off, &value, sizeof(value));
  return out;
}

const tfl::SubGraph& Main(const std::vector<uint8_t>& bytes) { return *tfl::GetModel(bytes.data())->subgraphs()->Get(0); }

std::string ReadError(const std::vector<uint8_t>& bytes) {
  auto info = ReadTfliteBytes(bytes.data(), bytes.size(), "bad.tflite");
  if (!info.ok()) return info.status().message();
  auto g = TfliteToGraph(*info);
  return g.ok() ? "" : g.status().message();
}

// Shapes that cannot be real: one line naming the tensor, never a model
// whose sizes and MACs saturate.
TEST(TfliteMalformed, CorruptShapesAreRefused) {
  const std::vector<uint8_t> bytes = BuildTinyConvModel();
  const tfl::SubGraph& sg = Main(bytes);
  const int input = sg.inputs()->Get(0);
  const auto* shape = sg.tensors()->Get(input)->shape();
  ASSERT_NE(shape, nullptr);
  EXPECT_EQ(ReadError(bytes), "");
  const std::string neg = ReadError(Patch(bytes, shape->Data() + 4, -7));
  EXPECT_NE(neg.find("tensor " + std::to_string(input) + " ('input') has dimension -7"), std::string::npos) << neg;
  const std::string huge = ReadError(Patch(bytes, shape->Data() + 4, 2147483647));
  EXPECT_NE(huge.find("('input') shape asks for"), std::string::npos) << huge;
  EXPECT_EQ(huge.find('\n'), std::string::npos);
  // A constant whose shape does not match its data.
  const int filter = sg.operators()->Get(0)->inputs()->Get(1);
  const std::string weights =
      ReadError(Patch(bytes, sg.tensors()->Get(filter)->shape()->Data(), 2147483647));
  EXPECT_NE(weights.find("but its buffer holds"), std::string::npos) << weights;
  // An unknown element type.
  const auto* table = reinterpret_cast<const flatbuffers::Table*>(sg.tensors()->Get(input));
  const flatbuffers::voffset_t type_off = table->GetOptionalFieldOffset(tfl::Tensor::VT_TYPE);
  ASSERT_NE(type_off, 0) << "the int8 input stores its type";
  const auto* type_field = reinterpret_cast<const uint8_t*>(table) + type_off;
  std::vector<uint8_t> bad_type = bytes;
  bad_type[static_cast<size_t>(type_field - bytes.data())] = 99;
  EXPECT_NE(ReadError(bad_type).find("has unknown type 99"), std::string::npos) << ReadError(bad_type);
}

// The operators must form a DAG in execution order.
TEST(TfliteMalformed, CyclesAreRefused) {
  const std::vector<uint8_t> bytes = BuildTinyConvModel();
  const tfl::SubGraph& sg = Main(bytes);
  const tfl::Operator* add = sg.operators()->Get(2);  // ADD(conv/out, dw/out)
  const int add_out = add->outputs()->Get(0);
  const std::string self = ReadError(Patch(bytes, add->inputs()->Data(), add_out));
  EXPECT_NE(self.find("operator 2 (ADD"), std::string::npos) << self;
  EXPECT_NE(self.find("reads its own output tensor"), std::string::npos) << self;
  // The depthwise conv reading the ADD's output: read before it is written.
  const tfl::Operator* dw = sg.operators()->Get(1);
  const std::string back = ReadError(Patch(bytes, dw->inputs()->Data(), add_out));
  EXPECT_NE(back.find("operator 1 (DEPTHWISE_CONV_2D"), std::string::npos) << back;
  EXPECT_NE(back.find("before operator 2 (ADD"), std::string::npos) << back;
  // Two writers of one tensor: the RESHAPE also writes the conv's output.
  const std::string twice =
      ReadError(Patch(bytes, sg.operators()->Get(3)->outputs()->Data(), sg.operators()->Get(0)->outputs()->Get(0)));
  EXPECT_NE(twice.find("is written by operator 0"), std::string::npos) << twice;
  EXPECT_NE(twice.find("and again by operator 3 (RESHAPE"), std::string::npos) << twice;
}

TEST(TfliteMalformed, FuzzRegressions) {
  const std::filesystem::path dir = std::filesystem::path(RESPECT_SOURCE_DIR) / "tests/fuzz/regressions/tflite_reader";
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    auto bytes = ReadFileBytes(e.path().string());
    ASSERT_TRUE(bytes.ok());
    SCOPED_TRACE(e.path().filename().string());
    Exercise(*bytes);
    ++n;
  }
  EXPECT_GT(n, 0);
}

TEST(TfliteMalformed, RealModelTruncationsAndFlips) {
  const std::string path =
      FindCachedModel(kSsdMobilenetV2Quant, {std::string(RESPECT_BINARY_DIR) + "/models"});
  if (path.empty()) GTEST_SKIP() << "model not fetched; run scripts/fetch_models.sh";
  auto bytes = ReadFileBytes(path);
  ASSERT_TRUE(bytes.ok());
  const std::vector<uint8_t>& b = *bytes;
  Rng rng(3);
  for (int i = 0; i < 60; ++i) {
    const size_t len = i < 30 ? static_cast<size_t>(i) * 7 : rng.Next() % b.size();
    EXPECT_FALSE(ReadTfliteBytes(b.data(), len, "cut.tflite").ok()) << "length " << len;
  }
  // Flips in the structural part (the first and last 64 KB hold tables,
  // vtables and vectors of offsets; the middle is mostly weights).
  for (int i = 0; i < 120; ++i) {
    std::vector<uint8_t> c = b;
    const size_t span = 65536;
    const size_t pos = (i % 2) ? rng.Next() % span : c.size() - 1 - rng.Next() % span;
    c[pos] ^= static_cast<uint8_t>(1u << (rng.Next() % 8));
    Exercise(c, /*segment=*/i % 8 == 0);
  }
}

}  // namespace
}  // namespace respect
