// Issue 23, one test (or more) per item: hostile input gives no crash, loses
// no file and is refused up front in one line. Library-level checks call the
// parsers; end-to-end checks run the respect-opt executable.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config.h"
#include "deploy/segmenter.h"
#include "io/graph_io.h"
#include "io/json_guard.h"
#include "report/report.h"

namespace respect {
namespace {

namespace fs = std::filesystem;

const std::string kBin = std::string(RESPECT_BINARY_DIR) + "/respect-opt";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh directory per test (ctest runs tests in parallel processes).
std::string Dir(const std::string& name) {
  const std::string d = ::testing::TempDir() + "/hostile_" + std::to_string(getpid()) + "_" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string Put(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

struct RunOut {
  int code;
  std::string err;
};

RunOut Exec(const std::string& dir, const std::string& args) {
  const std::string err = dir + "/.stderr";
  const std::string cmd = "cd " + dir + " && " + kBin + " " + args + " > /dev/null 2> " + err + " < /dev/null";
  const int st = std::system(cmd.c_str());
  RunOut r{WIFEXITED(st) ? WEXITSTATUS(st) : -1, Slurp(err)};
  fs::remove(err);
  return r;
}

int Lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

void ExpectRefused(const RunOut& r, const std::string& needle) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}

const char kTinyGraph[] =
    R"({"name": "tiny", "nodes": [{"id": 0, "param_bytes": 10}, {"id": 1, "param_bytes": 20}, )"
    R"({"id": 2, "param_bytes": 30}], "edges": [{"src": 0, "dst": 1}, {"src": 1, "dst": 2}]})";

// ---- 1, 2: YAML aliases --------------------------------------------------

TEST(HostileYaml, SelfReferencingAliasIsRefused) {
  auto c = ParseConfig("task: schedule\nmodel: zoo:vgg16\noutput: &a {dir: out, x: *a}\n", "r.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("self-referencing alias"), std::string::npos) << c.status().message();
  Config cfg;
  EXPECT_FALSE(ApplyOverride(&cfg, "model", "&a [x, *a]").ok());
}

TEST(HostileYaml, AliasBombIsRefusedQuickly) {
  std::string y = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 11; ++level) {
    y += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int k = 0; k < 10; ++k) y += std::string(k ? ", " : "") + "*a" + std::to_string(level - 1);
    y += "]\n";
  }
  auto c = ParseConfig(y, "bomb.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("alias bomb"), std::string::npos) << c.status().message();
}

// A second YAML document used to be ignored silently (found by the suite).
TEST(HostileYaml, SecondDocumentIsRefused) {
  auto c = ParseConfig("task: schedule\n---\ntask: label\n", "two.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("2 or more YAML documents"), std::string::npos) << c.status().message();
  // YAML::LoadAll never returns on this input (config_yaml fuzzer): counted up to 2, refused.
  const std::string endless =
      std::string("\0, window: 1, ma\x88\xa0\x88\x96""den: 3}\n\0\xa6\0\0\0\0\0\0\0\0\0\0", 40) + std::string(29, ']');
  EXPECT_FALSE(ParseConfig(endless, "endless.yaml").ok());
}

// ---- 3: deep JSON --------------------------------------------------------

TEST(HostileJson, DeepNestingIsRefusedWithAShortMessage) {
  const int depth = 1000000;
  for (const char* field : {"param_bytes", "id"}) {
    std::string text = std::string(R"({"nodes": [{"id": 0, ")") + field + "\": ";
    if (std::string(field) == "id") text = R"({"nodes": [{"param_bytes": 1, "id": )";
    text += std::string(depth, '[') + std::string(depth, ']') + "}]}";
    auto g = ParseGraphJson(text, "deep.json");
    ASSERT_FALSE(g.ok()) << field;
    EXPECT_NE(g.status().message().find("nests deeper than"), std::string::npos) << g.status().message();
    EXPECT_LT(g.status().message().size(), 200u);
  }
  auto tiny = ParseGraphJson(kTinyGraph, "tiny.json");
  ASSERT_TRUE(tiny.ok());
  const std::string sched = R"({"assignment": [{"id": 0, "stage": )" + std::string(depth, '[') +
                            std::string(depth, ']') + "}]}";
  auto s = ParseScheduleJson(sched, "s.json", *tiny, nullptr, true);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("nests deeper than"), std::string::npos);
}

TEST(HostileJson, ErrorMessagesShowValuesBriefly) {
  auto g = ParseGraphJson(R"({"nodes": [{"id": 0, "param_bytes": [1, 2, 3]}]})", "g.json");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("an array of 3 items"), std::string::npos) << g.status().message();
  // nlohmann's overflow message quotes the whole number: cut.
  auto big = ParseGraphJson(R"({"nodes": [{"id": 0, "param_bytes": )" + std::string(5000, '1') + "}]}", "g.json");
  ASSERT_FALSE(big.ok());
  EXPECT_LT(big.status().message().size(), 300u) << big.status().message().size();
  EXPECT_EQ(BriefJson(nlohmann::json(std::string(500, 'x'))).size(), 43u);
}

// ---- 4: non-regular files ------------------------------------------------

TEST(HostileFiles, DevZeroSymlinksAreRefusedForEveryInputKind) {
  const std::string d = Dir("devzero");
  for (const char* name : {"m.json", "m.gml", "m.tflite", "c.yaml", "w.rspw", "s.json"})
    fs::create_symlink("/dev/zero", d + "/" + name);
  const std::string out = " --output.dir " + d + "/out";
  ExpectRefused(Exec(d, "--model m.json" + out), "not a regular file");
  ExpectRefused(Exec(d, "--model m.gml" + out), "not a regular file");
  ExpectRefused(Exec(d, "--model m.tflite" + out), "not a regular file");
  ExpectRefused(Exec(d, "--config c.yaml"), "not a regular file");
  ExpectRefused(Exec(d, "--model zoo:vgg16 --methods rl --policy.weights w.rspw" + out), "not a regular file");
  Put(d + "/g.json", kTinyGraph);
  ExpectRefused(Exec(d, "--task deploy --model g.json --deploy.schedule s.json" + out), "not a regular file");
  EXPECT_FALSE(fs::exists(d + "/out"));
}

TEST(HostileFiles, OversizedConfigIsRefused) {
  const std::string d = Dir("bigconfig");
  Put(d + "/c.yaml", "task: schedule\n#" + std::string(kMaxConfigBytes, 'x') + "\n");
  ExpectRefused(Exec(d, "--config c.yaml"), "above the limit");
}

// ---- 5: overflowing sums -------------------------------------------------

TEST(HostileGraph, HugeByteTotalsAreRefused) {
  const std::string p62 = "4611686018427387904";  // 2^62
  for (const char* field : {"param_bytes", "output_bytes"}) {
    std::string text = R"({"nodes": [)";
    for (int v = 0; v < 3; ++v)
      text += std::string(v ? ", " : "") + "{\"id\": " + std::to_string(v) + ", \"param_bytes\": 1, \"" + field +
              "\": " + p62 + "}";
    text += R"(], "edges": [{"src": 0, "dst": 1}, {"src": 1, "dst": 2}]})";
    // A JSON object keeps the last of two equal keys; param_bytes 2^62 wins.
    auto g = ParseGraphJson(text, "big.json");
    ASSERT_FALSE(g.ok()) << field;
    EXPECT_NE(g.status().message().find("2^53"), std::string::npos) << g.status().message();
  }
  const std::string d = Dir("overflow");
  Put(d + "/g.json", R"({"nodes": [{"id": 0, "param_bytes": )" + p62 + R"(}, {"id": 1, "param_bytes": )" + p62 +
                         R"(}, {"id": 2, "param_bytes": )" + p62 + "}], \"edges\": []}");
  ExpectRefused(Exec(d, "--model g.json --stages 1 --methods heuristic --output.dir out"), "2^53");
}

// ---- 6, 7, 12: train paths -----------------------------------------------

TEST(HostileTrain, OutputsNamingAnInputAreRefusedBeforeAnyWork) {
  const std::string d = Dir("train");
  const std::string weights = Put(d + "/w.rspw", "weights-bytes");
  const std::string data = Put(d + "/labels.bin", "dataset-bytes");
  fs::create_directories(d + "/ck");
  Put(d + "/ck/curve.csv", "dataset-as-curve");
  const std::string base = "--task train --output.dir out --train.checkpoint_dir ck ";
  ExpectRefused(Exec(d, base + "--train.dataset labels.bin --train.init_weights w.rspw --train.weights_out w.rspw"),
                "refusing to overwrite input file");
  ExpectRefused(Exec(d, base + "--train.dataset labels.bin --train.weights_out labels.bin"),
                "refusing to overwrite input file");
  ExpectRefused(Exec(d, base + "--train.dataset ck/curve.csv --train.weights_out x.rspw"),
                "refusing to overwrite input file");
  Put(d + "/g.json", kTinyGraph);
  ExpectRefused(Exec(d, base + "--model g.json --train.dataset labels.bin --train.weights_out g.json"),
                "refusing to overwrite input file");
  EXPECT_EQ(Slurp(weights), "weights-bytes");
  EXPECT_EQ(Slurp(data), "dataset-bytes");
  EXPECT_EQ(Slurp(d + "/ck/curve.csv"), "dataset-as-curve");
  EXPECT_EQ(Slurp(d + "/g.json"), kTinyGraph);
}

// ---- 8, 9, 15: temporaries and write_lp ----------------------------------

TEST(HostileOutputs, ConfigNamedLikeATemporaryIsKept) {
  const std::string d = Dir("tmpname");
  Put(d + "/g.json", kTinyGraph);
  fs::create_directories(d + "/out");
  const std::string cfg = "task: schedule\nmodel: g.json\nstages: 2\nmethods: heuristic\noutput: {dir: out}\n";
  const std::string path = Put(d + "/out/tiny.2.heuristic.schedule.json.tmp", cfg);
  RunOut r = Exec(d, "--config out/tiny.2.heuristic.schedule.json.tmp");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Slurp(path), cfg);
  EXPECT_TRUE(fs::exists(d + "/out/tiny.2.heuristic.schedule.json"));
}

TEST(HostileOutputs, WriteLpNamingTheConfigIsRefused) {
  const std::string d = Dir("writelp");
  Put(d + "/g.json", kTinyGraph);
  const std::string cfg = "task: schedule\nmodel: g.json\nstages: 2\nmethods: exact\noutput: {dir: out}\n";
  Put(d + "/run.lp", cfg);
  ExpectRefused(Exec(d, "--config run.lp --solver.write_lp run.lp"), "refusing to overwrite input file");
  ExpectRefused(Exec(d, "--config run.lp --solver.write_lp ./sub/../run.lp"), "refusing to overwrite input file");
  EXPECT_EQ(Slurp(d + "/run.lp"), cfg);
  fs::create_hard_link(d + "/run.lp", d + "/link.lp");
  ExpectRefused(Exec(d, "--config run.lp --solver.write_lp link.lp"), "refusing to overwrite input file");
  EXPECT_EQ(Slurp(d + "/run.lp"), cfg);
}

TEST(HostileOutputs, AMipStartNamingAnInputIsRefused) {
  const std::string d = Dir("writemst");
  Put(d + "/g.json", kTinyGraph);
  const std::string cfg = "task: schedule\nmodel: g.json\nstages: 2\nmethods: exact\noutput: {dir: out}\n";
  Put(d + "/run.mst", cfg);
  ExpectRefused(Exec(d, "--config run.mst --solver.write_lp m.lp --solver.write_mip_start run.mst"),
                "refusing to overwrite input file");
  ExpectRefused(Exec(d, "--config run.mst --write-lp m.lp --write-mip-start ./sub/../run.mst"),
                "refusing to overwrite input file");
  EXPECT_EQ(Slurp(d + "/run.mst"), cfg);
  ExpectRefused(Exec(d, "--config run.mst --solver.write_lp m.lp --solver.write_mip_start start.txt"),
                "must end in .mst or .sol");
  ExpectRefused(Exec(d, "--config run.mst --solver.write_mip_start start.mst"),
                "key 'solver.write_mip_start' needs solver.write_lp");
  EXPECT_FALSE(fs::exists(d + "/m.lp"));
  // With both, the run writes both.
  RunOut ok = Exec(d, "--config run.mst --write-lp m.lp --write-mip-start start.mst");
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_TRUE(fs::exists(d + "/m.lp"));
  EXPECT_TRUE(fs::exists(d + "/start.mst"));
}

TEST(HostileOutputs, TemporaryNamesAreUniqueAndFailedWritesLeaveNone) {
  const std::string d = Dir("tmpfail");
  EXPECT_NE(TempPathFor(d + "/a"), TempPathFor(d + "/a"));
  EXPECT_EQ(TempPathFor(d + "/a").rfind(d + "/a.tmp." + std::to_string(getpid()) + ".", 0), 0u);
  fs::create_directories(d + "/x.schedule.json/inner");  // rename onto a non-empty directory fails
  EXPECT_FALSE(WriteTextFile(d + "/x.schedule.json", "{}").ok());
  for (const auto& e : fs::directory_iterator(d))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
}

TEST(HostileOutputs, StaleDeployTempOfADeadProcessIsRemoved) {
  const std::string d = Dir("stale");
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int st = 0;
  waitpid(child, &st, 0);
  const std::string stale = d + "/.segments.tmp." + std::to_string(child);
  const std::string live = d + "/.segments.tmp." + std::to_string(getppid());
  fs::create_directories(stale + "/junk");
  fs::create_directories(live);
  ASSERT_TRUE(PublishSegments({}, {}, "manifest: {}\n", d + "/segments", "").ok());
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(d + "/segments/manifest.yaml"));
}

// ---- 10, 11, 13, 14 ------------------------------------------------------

TEST(HostilePaths, DefaultLabelAndTrainPathsLieUnderOutputDir) {
  Config c;
  c.output_dir = "myout";
  ResolveOutputPaths(&c);
  EXPECT_EQ(c.label.dataset, "myout/labels.bin");
  EXPECT_EQ(c.train.dataset, "myout/labels.bin");
  EXPECT_EQ(c.train.checkpoint_dir, "myout/train");
  EXPECT_EQ(c.train.weights_out, "myout/train/policy.rspw");
  Config given;
  given.label.dataset = "a.bin";
  given.train.dataset = "b.bin";
  ResolveOutputPaths(&given);
  EXPECT_EQ(given.label.dataset, "a.bin");
  EXPECT_EQ(given.train.dataset, "b.bin");
}

TEST(HostilePaths, SymlinkLoopOutputDirGivesTheRealError) {
  const std::string d = Dir("loop");
  fs::create_symlink("loop", d + "/loop");
  Put(d + "/g.json", kTinyGraph);
  RunOut r = Exec(d, "--model g.json --stages 2 --methods heuristic --output.dir loop");
  ExpectRefused(r, "Too many levels of symbolic links");
  EXPECT_EQ(r.err.find("lies inside"), std::string::npos) << r.err;
}

TEST(HostilePaths, CompareLoadsEveryModelFirst) {
  const std::string d = Dir("compare");
  Put(d + "/g.json", kTinyGraph);
  Put(d + "/bad.json", "{\"nodes\": 3}");
  ExpectRefused(Exec(d, "--task compare --model [g.json,bad.json] --stages 2 --methods heuristic --output.dir out"),
                "bad.json");
  EXPECT_FALSE(fs::exists(d + "/out"));
}

TEST(HostilePaths, SeedsUpTo1Point8e19Parse) {
  Config c;
  ASSERT_TRUE(ApplyOverride(&c, "label.seed", "1e19").ok());
  EXPECT_EQ(c.label.seed, 10000000000000000000ULL);
  ASSERT_TRUE(ApplyOverride(&c, "train.seed", "18000000000000000000").ok());
  EXPECT_EQ(c.train.seed, 18000000000000000000ULL);
  EXPECT_FALSE(ApplyOverride(&c, "label.seed", "1.85e19").ok());
  EXPECT_FALSE(ApplyOverride(&c, "label.seed", "-1").ok());
  EXPECT_FALSE(ApplyOverride(&c, "label.seed", "1.5").ok());
}

}  // namespace
}  // namespace respect
