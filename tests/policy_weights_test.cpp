// The policy weights file: round trip, byte layout, and one-line Invalid
// errors for a wrong magic, an unsupported version, truncation, a shape
// mismatch and trailing bytes.
#include <cmath>
#include <cstdio>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "policy/policy.h"
#include "policy/random_dag.h"
#include "label/dataset.h"
#include "policy/weights.h"

namespace respect {
namespace {

std::string TempPath(const std::string& name) {
  return std::string(RESPECT_BINARY_DIR) + "/policy_weights_test_" + name;
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

PolicyHParams Small() {
  PolicyHParams hp;
  hp.embed = 6;
  hp.hidden = 5;
  hp.tanh_clip = 10.0;
  hp.glimpse_mask = GlimpseMask::kUnvisited;
  hp.features = FeatureSet::kPaper;
  return hp;
}

void ExpectOneLineInvalid(const Status& st, const std::string& needle) {
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput) << st.message();
  EXPECT_EQ(st.message().find('\n'), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(needle), std::string::npos) << st.message();
}

TEST(PolicyWeights, RoundTripThroughFile) {
  auto policy = PointerPolicy::Random(Small(), 42);
  ASSERT_TRUE(policy);
  const std::string path = TempPath("roundtrip.rspw");
  ASSERT_TRUE(policy->Save(path).ok());
  auto loaded = PointerPolicy::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_TRUE((*loaded)->hparams() == policy->hparams());
  EXPECT_EQ((*loaded)->note(), policy->note());
  // Parameters are stored as float32 and the policy keeps float32: exact.
  const PolicyParams<double> a = policy->params(), b = (*loaded)->params();
  std::vector<double> da, db;
  a.ForEach([&](const char*, const auto& t) { da.insert(da.end(), t.data(), t.data() + t.size()); });
  b.ForEach([&](const char*, const auto& t) { db.insert(db.end(), t.data(), t.data() + t.size()); });
  EXPECT_EQ(da, db);
  EXPECT_EQ(static_cast<int64_t>(da.size()), a.NumParams());
  auto g = RandomLayeredDag(20, 6, 3, 7);
  ASSERT_TRUE(g.ok());
  auto o1 = policy->Decode(*g), o2 = (*loaded)->Decode(*g);
  ASSERT_TRUE(o1.ok() && o2.ok());
  EXPECT_EQ(*o1, *o2);
  // No temp file left behind by the atomic write ("<path>.tmp.<pid>.<n>.<random>").
  const std::string stem = std::filesystem::path(path).filename().string() + ".tmp";
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))
    EXPECT_NE(e.path().filename().string().rfind(stem, 0), 0u) << e.path();
}

TEST(PolicyWeights, ByteLayout) {
  const PolicyHParams hp = Small();
  const std::string bytes = EncodeWeights(hp, InitParams(hp, 1), "hi");
  ASSERT_GE(bytes.size(), 40u);
  EXPECT_EQ(bytes.substr(0, 4), "RSPW");
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
    return v;
  };
  EXPECT_EQ(u32(4), kWeightsVersion);
  EXPECT_EQ(u32(8), static_cast<uint32_t>(kFeatureDim));
  EXPECT_EQ(u32(12), 6u);  // embed
  EXPECT_EQ(u32(16), 5u);  // hidden
  EXPECT_EQ(u32(20), 0x41200000u);  // 10.0f
  EXPECT_EQ(u32(24), 1u);  // glimpse mask: unvisited
  EXPECT_EQ(u32(28), 0u);  // paper features
  EXPECT_EQ(u32(32), 1u);  // dynamic step features
  EXPECT_EQ(u32(36), 2u);  // note length
  EXPECT_EQ(bytes.substr(40, 2), "hi");
  EXPECT_EQ(u32(42), 14u);  // tensor count
  // Size: header + note + 14 records of (name, rank, dims, dtype, data).
  size_t expect = 46;
  InitParams(hp, 1).ForEach([&](const char* name, const auto& t) {
    const bool vec = std::decay_t<decltype(t)>::ColsAtCompileTime == 1;
    expect += 4 + std::string(name).size() + 4 + (vec ? 4 : 8) + 4 + 4 * static_cast<size_t>(t.size());
  });
  EXPECT_EQ(bytes.size(), expect + 4);  // + the CRC-32 of version 3
  EXPECT_EQ(u32(expect), Crc32(reinterpret_cast<const uint8_t*>(bytes.data()), expect));
}

TEST(PolicyWeights, TruncatedAtEveryLength) {
  const PolicyHParams hp = Small();
  const std::string bytes = EncodeWeights(hp, InitParams(hp, 2), "note");
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto w = DecodeWeights(bytes.substr(0, len), "x.rspw");
    ASSERT_FALSE(w.ok()) << "length " << len;
    EXPECT_EQ(w.status().code(), StatusCode::kInvalidInput);
    EXPECT_EQ(w.status().message().find('\n'), std::string::npos);
    EXPECT_EQ(w.status().message().rfind("x.rspw: ", 0), 0u) << w.status().message();
  }
  EXPECT_TRUE(DecodeWeights(bytes, "x.rspw").ok());
}

TEST(PolicyWeights, TruncatedFileThroughLoad) {
  const PolicyHParams hp = Small();
  const std::string bytes = EncodeWeights(hp, InitParams(hp, 3), "");
  const std::string path = TempPath("truncated.rspw");
  WriteBytes(path, bytes.substr(0, bytes.size() - 7));
  auto p = PointerPolicy::Load(path);
  ASSERT_FALSE(p.ok());
  ExpectOneLineInvalid(p.status(), "truncated tensor dyn_w");
  EXPECT_NE(p.status().message().find(path), std::string::npos);
}

TEST(PolicyWeights, WrongMagicVersionShapeTrailing) {
  const PolicyHParams hp = Small();
  const std::string good = EncodeWeights(hp, InitParams(hp, 4), "");

  std::string bad_magic = good;
  bad_magic[0] = 'X';
  ExpectOneLineInvalid(DecodeWeights(bad_magic, "m").status(), "magic");

  std::string bad_version = good;
  bad_version[4] = 7;
  ExpectOneLineInvalid(DecodeWeights(bad_version, "v").status(), "version 7");

  std::string bad_shape = good;
  bad_shape[16] = 6;  // header says hidden 6, tensors are for hidden 5
  ExpectOneLineInvalid(DecodeWeights(bad_shape, "s").status(), "tensor enc_w has shape 20x11, expected 24x12");

  ExpectOneLineInvalid(DecodeWeights(good + "zz", "t").status(), "2 unexpected bytes");

  std::string bad_features = good;
  bad_features[8] = 23;
  ExpectOneLineInvalid(DecodeWeights(bad_features, "f").status(), "feature_dim 23");
}

// Version 3's checksum catches a flipped bit anywhere in the tensor data.
TEST(PolicyWeights, BitFlipIsRefusedByTheChecksum) {
  const PolicyHParams hp = Small();
  const std::string good = EncodeWeights(hp, InitParams(hp, 5), "");
  for (size_t at : {good.size() / 2, good.size() - 5, good.size() - 1}) {
    std::string flipped = good;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    ExpectOneLineInvalid(DecodeWeights(flipped, "b").status(), "checksum mismatch");
  }
}

TEST(PolicyWeights, NonFiniteWeightsAreRefused) {
  const PolicyHParams hp = Small();
  PolicyParams<double> p = InitParams(hp, 6);
  p.enc_w(1, 2) = std::nan("");
  ExpectOneLineInvalid(DecodeWeights(EncodeWeights(hp, p, ""), "n").status(), "tensor enc_w holds NaN");
  PolicyParams<double> q = InitParams(hp, 6);
  q.dec_b(0) = HUGE_VAL;
  ExpectOneLineInvalid(DecodeWeights(EncodeWeights(hp, q, ""), "i").status(), "tensor dec_b holds NaN or infinite");
}

// The shipped file is version 2 (no checksum) and still loads.
TEST(PolicyWeights, ShippedVersion2StillLoads) {
  std::ifstream in(DefaultWeightsPath(), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 8u);
  EXPECT_EQ(bytes[4], 2);
  EXPECT_TRUE(DecodeWeights(bytes, "shipped").ok());
}

TEST(PolicyWeights, MissingFileIsIoError) {
  auto p = PointerPolicy::Load(TempPath("does_not_exist.rspw"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kIoError);
}

TEST(PolicyWeights, DefaultPath) {
  const std::string d = DefaultWeightsPath();
  const std::string tail = "/policy/weights/respect_policy.rspw";
  ASSERT_GE(d.size(), tail.size());
  EXPECT_EQ(d.substr(d.size() - tail.size()), tail);
  EXPECT_EQ(d.rfind(RESPECT_SOURCE_DIR, 0), 0u);
  EXPECT_EQ(ResolveWeightsPath("default"), d);
  EXPECT_EQ(ResolveWeightsPath("/tmp/x.rspw"), "/tmp/x.rspw");
}

}  // namespace
}  // namespace respect
