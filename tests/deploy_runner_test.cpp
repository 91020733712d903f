// CPU reference runner (Arm NN TfLiteParser + CpuRef) on small in-process
// fixtures: the segment chain must reproduce the whole model exactly.
// Skips when built without Arm NN.
#include <gtest/gtest.h>

#include "deploy/reference_runner.h"
#include "deploy/segmenter.h"
#include "tflite/tflite_fixtures.h"
#include "tflite/tflite_model.h"

namespace respect {
namespace {

TfliteModel Load(const std::vector<uint8_t>& bytes) {
  auto m = TfliteModel::FromBytes(bytes, "fixture");
  EXPECT_TRUE(m.ok()) << m.status().message();
  return std::move(m).value();
}

void ExpectChainMatches(const std::vector<uint8_t>& bytes, const std::vector<int>& stage, int n, int runs) {
  const TfliteModel model = Load(bytes);
  auto segs = SegmentModel(model, stage, n);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  RunnerOptions opt;
  opt.runs = runs;
  auto r = RunReferenceCheck(model, *segs, opt);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->identical) << FormatReferenceReport(*r);
  EXPECT_EQ(r->runs, runs);
  ASSERT_EQ(r->segments.size(), static_cast<size_t>(n));
  for (const auto& s : r->segments) EXPECT_EQ(s.invocations, runs);
  EXPECT_GT(r->throughput_per_s, 0);
  std::cout << FormatReferenceReport(*r);
}

#define SKIP_WITHOUT_ARMNN() \
  if (!ReferenceRunnerAvailable()) GTEST_SKIP() << "built without Arm NN"

TEST(ReferenceRunner, Uint8ChainWithForwardedTensor) {
  SKIP_WITHOUT_ARMNN();
  // conv | dw | add+reshape+fc: conv/out is forwarded through segment 1.
  ExpectChainMatches(BuildTinyConvModel(FixtureQuant::kUint8), {0, 1, 2, 2, 2}, 3, 4);
}

TEST(ReferenceRunner, Uint8EveryOperatorItsOwnSegment) {
  SKIP_WITHOUT_ARMNN();
  ExpectChainMatches(BuildTinyConvModel(FixtureQuant::kUint8), {0, 1, 2, 3, 4}, 5, 3);
}

TEST(ReferenceRunner, Int8Chain) {
  SKIP_WITHOUT_ARMNN();
  ExpectChainMatches(BuildTinyConvModel(FixtureQuant::kInt8), {0, 0, 1, 1, 1}, 2, 2);
}

TEST(ReferenceRunner, NonConstantWeightsAreReportedByOperator) {
  SKIP_WITHOUT_ARMNN();
  // Arm NN 20.08 wants FULLY_CONNECTED weights constant; here they come from
  // DEQUANTIZE, so the check is skipped with a message naming the operator.
  const TfliteModel model = Load(BuildFp16WeightsModel());
  auto segs = SegmentModel(model, {0, 1}, 2);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  auto r = RunReferenceCheck(model, *segs);
  if (r.ok()) {
    EXPECT_TRUE(r->identical) << FormatReferenceReport(*r);
  } else {
    EXPECT_NE(r.status().message().find("operator 1 (FULLY_CONNECTED 'y')"), std::string::npos)
        << r.status().message();
  }
}

TEST(ReferenceRunner, EarlyModelOutputForwardedThroughTheLastSegment) {
  SKIP_WITHOUT_ARMNN();
  // y leaves segment 0, is read by segment 1 and passes through it to the end.
  const TfliteModel model = Load(BuildSharedConstantModel());
  auto segs = SegmentModel(model, {0, 1}, 2);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  auto r = RunReferenceCheck(model, *segs);
  if (!r.ok()) GTEST_SKIP() << r.status().message();
  EXPECT_TRUE(r->identical) << FormatReferenceReport(*r);
}

TEST(ReferenceRunner, DetectionPostprocessSingleSegment) {
  SKIP_WITHOUT_ARMNN();
  ExpectChainMatches(BuildDetectionPostprocessModel(), {0}, 1, 2);
}

TEST(ReferenceRunner, UnsupportedOperatorIsNamed) {
  SKIP_WITHOUT_ARMNN();
  const TfliteModel model = Load(BuildEdgeTpuCompiledModel());
  auto segs = SegmentModel(model, {0}, 1);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  auto r = RunReferenceCheck(model, *segs);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("edgetpu-custom-op"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("Arm NN cannot"), std::string::npos) << r.status().message();
}

TEST(ReferenceRunner, StubOrRealReportsConsistently) {
  if (ReferenceRunnerAvailable()) {
    SUCCEED();
  } else {
    const TfliteModel model = Load(BuildTinyConvModel());
    auto segs = SegmentModel(model, {0, 0, 0, 0, 0}, 1);
    ASSERT_TRUE(segs.ok());
    auto r = RunReferenceCheck(model, *segs);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("built without Arm NN"), std::string::npos);
  }
}

}  // namespace
}  // namespace respect
