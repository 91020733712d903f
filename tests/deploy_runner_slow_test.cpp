// Reference runner on the real SSD MobileNet V2 (uint8) model: whole model vs
// a 3-segment chain in Arm NN CpuRef (about 8 s per inference on one core),
// and on a float16 MediaPipe model through the folded check copies.
// Label "slow". Skips without the fetched model or without Arm NN.
#include <gtest/gtest.h>

#include "deploy/check_copy.h"
#include "deploy/reference_runner.h"
#include "deploy/segmenter.h"
#include "tflite/model_cache.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"

namespace respect {
namespace {

// The real model `file` from the cache cut into `stages` segments of about
// equal operator counts; empty (with *why) when it cannot be had.
struct Cut {
  std::vector<uint8_t> bytes;
  std::vector<Segment> segments;
};
bool CutCachedModel(const std::string& file, int stages, Cut* cut, std::string* why) {
  const std::string path = FindCachedModel(file, {std::string(RESPECT_BINARY_DIR) + "/models"});
  if (path.empty()) return *why = "model not fetched; run scripts/fetch_models.sh", false;
  auto model = TfliteModel::Load(path);
  if (!model.ok()) return *why = model.status().message(), false;
  const int ops = static_cast<int>(DescribeTflite(*model).operators.size());
  std::vector<int> stage(ops);
  for (int i = 0; i < ops; ++i) stage[i] = i * stages / ops;
  auto segs = SegmentModel(*model, stage, stages);
  if (!segs.ok()) return *why = segs.status().message(), false;
  cut->bytes = model->bytes();
  cut->segments = std::move(segs).value();
  return true;
}

TEST(ReferenceRunnerSlow, SsdMobilenetV2ThreeSegmentsIdentical) {
  if (!ReferenceRunnerAvailable()) GTEST_SKIP() << "built without Arm NN";
  Cut cut;
  std::string why;
  if (!CutCachedModel(kSsdMobilenetV2Quant, 3, &cut, &why)) GTEST_SKIP() << why;
  auto model = TfliteModel::FromBytes(cut.bytes, kSsdMobilenetV2Quant);
  ASSERT_TRUE(model.ok()) << model.status().message();
  RunnerOptions opt;
  opt.runs = 1;
  auto r = RunReferenceCheck(*model, cut.segments, opt);
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::cout << FormatReferenceReport(*r);
  EXPECT_TRUE(r->identical);
  EXPECT_EQ(r->output_names.size(), 4u);
}

// face_detection_short_range: 164 operators, float16 weights behind 74
// DEQUANTIZE. Arm NN 20.08 cannot parse the model itself; the folded copies
// of the model and of a 4-segment chain run and agree exactly.
TEST(ReferenceRunnerSlow, Float16MediaPipeModelOnFoldedCopies) {
  if (!ReferenceRunnerAvailable()) GTEST_SKIP() << "built without Arm NN";
  Cut cut;
  std::string why;
  if (!CutCachedModel("face_detection_short_range.tflite", 4, &cut, &why)) GTEST_SKIP() << why;
  auto model = TfliteModel::FromBytes(cut.bytes, "face_detection_short_range");
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_FALSE(RunReferenceCheck(*model, cut.segments).ok()) << "Arm NN now parses weights behind DEQUANTIZE";
  auto c = FoldConstantOperators(*model, cut.segments);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_GT(c->folded_operators, 0);
  auto folded = TfliteModel::FromBytes(c->model, "folded");
  ASSERT_TRUE(folded.ok()) << folded.status().message();
  auto r = RunReferenceCheck(*folded, c->segments);
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::cout << FormatReferenceReport(*r);
  EXPECT_TRUE(r->identical);
}

TEST(ReferenceRunnerSlow, EdgeTpuModelIsSkippedNamingTheOperator) {
  if (!ReferenceRunnerAvailable()) GTEST_SKIP() << "built without Arm NN";
  const std::string path =
      FindCachedModel(kSsdMobilenetV2QuantEdgeTpu, {std::string(RESPECT_BINARY_DIR) + "/models"});
  if (path.empty()) GTEST_SKIP() << "model not fetched; run scripts/fetch_models.sh";
  auto model = TfliteModel::Load(path);
  ASSERT_TRUE(model.ok());
  auto segs = SegmentModel(*model, {0, 0}, 1);
  ASSERT_TRUE(segs.ok()) << segs.status().message();
  auto r = RunReferenceCheck(*model, *segs);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("edgetpu-custom-op"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace respect
