// Replays the fuzz targets' seeds and regression inputs (tests/fuzz/) in
// every unit run, without libFuzzer: an input that once crashed a parser
// must keep giving a one-line error (or parse), never a crash.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.h"

namespace respect {
namespace {

namespace fs = std::filesystem;

using Target = int (*)(const uint8_t*, size_t);

std::vector<uint8_t> Bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs `target` on every file of the given folders; returns how many.
int Replay(Target target, const std::vector<fs::path>& dirs) {
  int n = 0;
  for (const fs::path& dir : dirs) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      SCOPED_TRACE(e.path().string());
      const std::vector<uint8_t> b = Bytes(e.path());
      EXPECT_EQ(target(b.data(), b.size()), 0);
      ++n;
    }
  }
  return n;
}

const fs::path kFuzz = fs::path(RESPECT_SOURCE_DIR) / "tests" / "fuzz";

void ExpectReplayed(Target target, const std::string& name, std::vector<fs::path> extra = {}) {
  extra.push_back(kFuzz / "seeds" / name);
  const int seeds = Replay(target, extra);
  const int regressions = Replay(target, {kFuzz / "regressions" / name});
  EXPECT_GT(seeds, 0) << name;
  EXPECT_GT(regressions, 0) << name;
}

TEST(FuzzReplay, TfliteReader) {
  ExpectReplayed(fuzz::TfliteReader, "tflite_reader", {fs::path(RESPECT_SOURCE_DIR) / "tests" / "data" / "tflite"});
}
TEST(FuzzReplay, GraphJson) { ExpectReplayed(fuzz::GraphJson, "graph_json"); }
TEST(FuzzReplay, GraphGml) { ExpectReplayed(fuzz::GraphGml, "graph_gml"); }
TEST(FuzzReplay, ConfigYaml) { ExpectReplayed(fuzz::ConfigYaml, "config_yaml"); }
TEST(FuzzReplay, ScheduleJson) { ExpectReplayed(fuzz::ScheduleJson, "schedule_json"); }
TEST(FuzzReplay, YamlAlias) { ExpectReplayed(fuzz::YamlAlias, "yaml_alias"); }
TEST(FuzzReplay, JsonDepth) { ExpectReplayed(fuzz::JsonDepth, "json_depth"); }

}  // namespace
}  // namespace respect
