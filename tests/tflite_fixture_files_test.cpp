// tests/data/tflite/*.tflite (fuzz seeds, CLI examples) are exactly what the
// fixture builders produce. Regenerate with RESPECT_WRITE_FIXTURES=1.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>

#include "tflite/tflite_fixtures.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"

namespace respect {
namespace {

struct Fixture {
  const char* file;
  std::function<std::vector<uint8_t>()> build;
};

const std::vector<Fixture>& Fixtures() {
  static const std::vector<Fixture> f = {
      {"tiny_int8.tflite", [] { return BuildTinyConvModel(FixtureQuant::kInt8); }},
      {"tiny_uint8.tflite", [] { return BuildTinyConvModel(FixtureQuant::kUint8); }},
      {"fp16_dequantize.tflite", [] { return BuildFp16WeightsModel(); }},
      {"sparse_densify.tflite", [] { return BuildSparseWeightsModel(); }},
      {"detection_postprocess.tflite", [] { return BuildDetectionPostprocessModel(); }},
      {"edgetpu_compiled.tflite", [] { return BuildEdgeTpuCompiledModel(); }},
  };
  return f;
}

TEST(TfliteFixtureFiles, MatchBuilders) {
  const std::string dir = std::string(RESPECT_SOURCE_DIR) + "/tests/data/tflite/";
  const char* write = std::getenv("RESPECT_WRITE_FIXTURES");
  for (const Fixture& f : Fixtures()) {
    SCOPED_TRACE(f.file);
    const std::vector<uint8_t> want = f.build();
    EXPECT_LT(want.size(), 100u * 1024);
    if (write && std::string(write) == "1") {
      std::ofstream out(dir + f.file, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(want.data()), static_cast<std::streamsize>(want.size()));
      ASSERT_TRUE(out.good());
    }
    auto got = ReadFileBytes(dir + f.file);
    ASSERT_TRUE(got.ok()) << got.status().message() << " (run with RESPECT_WRITE_FIXTURES=1)";
    EXPECT_EQ(*got, want) << "stale fixture file; regenerate with RESPECT_WRITE_FIXTURES=1";
    EXPECT_TRUE(ReadTfliteFile(dir + f.file).ok());
  }
}

}  // namespace
}  // namespace respect
