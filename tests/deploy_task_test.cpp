// Tasks `deploy` and `devices` end to end on fixture files: segments and
// manifest.yaml written, schedule from a JSON file or the heuristic,
// refusals, the CPU reference check when Arm NN is there.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "deploy/deploy.h"
#include "deploy/devices.h"
#include "deploy/reference_runner.h"
#include "tflite/tflite_fixtures.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"

namespace respect {
namespace {

namespace fs = std::filesystem;

fs::path FreshDir(const std::string& name) {
  const fs::path d = fs::path(testing::TempDir()) / ("respect_deploy_task_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string WriteModel(const fs::path& dir, const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string p = (dir / name).string();
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return p;
}

Config DeployConfig(const std::string& model, const fs::path& out, int stages) {
  Config c;
  c.task = Task::kDeploy;
  c.models = {model};
  c.stages = {stages};
  c.methods = {Method::kHeuristic};
  c.output_dir = out.string();
  return c;
}

// Deploys `model` on 2 stages with a schedule file giving operator i the
// stage op_stage[i]; the file is written to dir/<file>.
Status DeployWithScheduleFile(const std::string& model, const fs::path& dir, const std::string& file,
                              const std::vector<int>& op_stage) {
  const std::string sched = (dir / file).string();
  std::ofstream f(sched);
  f << R"({"stages": 2, "assignment": [)";
  for (size_t i = 0; i < op_stage.size(); ++i)
    f << (i ? ", " : "") << R"({"id": )" << i << R"(, "stage": )" << op_stage[i] << "}";
  f << "]}";
  f.close();
  Config c = DeployConfig(model, dir / "out", 2);
  c.deploy.schedule = sched;
  return RunDeploy(c, std::cout);
}

TEST(DeployTask, ScheduleComesFromTheFirstConfiguredMethod) {
  const fs::path dir = FreshDir("exact_method");
  const std::string model = WriteModel(dir, "fc.tflite", BuildLargeFcModel(1 << 20, 6));
  Config c = DeployConfig(model, dir / "out", 2);
  c.methods = {Method::kExact, Method::kHeuristic};
  Status st = RunDeploy(c, std::cout);
  ASSERT_TRUE(st.ok()) << st.message();
  YAML::Node m = YAML::LoadFile((dir / "out" / "segments" / "manifest.yaml").string());
  EXPECT_EQ(m["schedule"].as<std::string>(), "method exact");
}

// On the tiny model one stage is best: the exact schedule for 2 stages used
// to put only the pipeline end in stage 1 (an empty segment, refused). Now
// nonempty_stages gives every stage an operator and the deploy runs.
TEST(DeployTask, ExactScheduleGivesEveryStageAnOperator) {
  const fs::path dir = FreshDir("boundary_only");
  const std::string model = WriteModel(dir, "tiny.tflite", BuildTinyConvModel());
  Config c = DeployConfig(model, dir / "out", 2);
  c.methods = {Method::kExact};
  Status st = RunDeploy(c, std::cout);
  ASSERT_TRUE(st.ok()) << st.message();
  YAML::Node m = YAML::LoadFile((dir / "out" / "segments" / "manifest.yaml").string());
  ASSERT_EQ(m["segments"].size(), 2u);
  for (const auto& seg : m["segments"]) EXPECT_GE(seg["operators"].as<int>(), 1);
  EXPECT_TRUE(m["objective"]["feasible"].as<bool>());
}

// A schedule file can still leave a stage without an operator: refused.
TEST(DeployTask, StageWithoutOperatorsFromAFileIsRefused) {
  const fs::path dir = FreshDir("boundary_only_file");
  const std::string model = WriteModel(dir, "tiny.tflite", BuildTinyConvModel());
  Status st = DeployWithScheduleFile(model, dir, "s.json", {0, 0, 0, 0, 0});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);  // exit 2, as before
  EXPECT_EQ(st.message(),
            "file " + (dir / "s.json").string() + ": stage 1 of 2 holds no operator; deploy on fewer stages");
  EXPECT_FALSE(fs::exists(dir / "out" / "segments"));
}

// The manifest's crossing bytes are what the segment files pass, and the
// deploy path checks it before writing anything.
TEST(DeployTask, ManifestCrossingBytesAreWhatSegmentsPass) {
  const fs::path dir = FreshDir("honest_crossing");
  const std::string model = WriteModel(dir, "fp16.tflite", BuildFp16WeightsModel());
  Status st = RunDeploy(DeployConfig(model, dir / "out", 2), std::cout);
  ASSERT_TRUE(st.ok()) << st.message();
  YAML::Node m = YAML::LoadFile((dir / "out" / "segments" / "manifest.yaml").string());
  std::set<std::string> next_inputs;
  for (const auto& t : m["segments"][1]["inputs"]) next_inputs.insert(t["name"].as<std::string>());
  int64_t passed = 0;
  for (const auto& t : m["segments"][0]["outputs"])
    if (next_inputs.count(t["name"].as<std::string>())) passed += t["bytes"].as<int64_t>();
  EXPECT_GT(passed, 0);
  EXPECT_EQ(m["objective"]["total_crossing_bytes"].as<int64_t>(), passed);
  EXPECT_EQ(m["segments"][0]["cost_model"]["crossing_bytes_to_next"].as<int64_t>(), passed);
  // Activation peaks per segment: every input a segment's operators read is
  // live at its first step (nothing is forwarded on two stages).
  int64_t peak = 0;
  for (const auto& seg : m["segments"]) {
    int64_t in = 0;
    for (const auto& t : seg["inputs"]) in += t["bytes"].as<int64_t>();
    const int64_t act = seg["cost_model"]["stage_activation_bytes"].as<int64_t>();
    EXPECT_GE(act, in);
    peak = std::max(peak, act);
  }
  EXPECT_GT(peak, 0);
  EXPECT_EQ(m["objective"]["max_stage_activation_bytes"].as<int64_t>(), peak);
}

TEST(DeployTask, HeuristicScheduleWritesSegmentsAndManifest) {
  const fs::path dir = FreshDir("heuristic");
  const std::string model = WriteModel(dir, "tiny.tflite", BuildTinyConvModel());
  const auto original = ReadFileBytes(model);
  Status st = RunDeploy(DeployConfig(model, dir / "out", 2), std::cout);
  ASSERT_TRUE(st.ok()) << st.message();
  const fs::path seg = dir / "out" / "segments";
  EXPECT_TRUE(fs::exists(seg / "tiny_segment_0_of_2.tflite"));
  EXPECT_TRUE(fs::exists(seg / "tiny_segment_1_of_2.tflite"));
  EXPECT_EQ(*ReadFileBytes(model), *original);  // input untouched
  YAML::Node m = YAML::LoadFile((seg / "manifest.yaml").string());
  EXPECT_EQ(m["stages"].as<int>(), 2);
  EXPECT_EQ(m["schedule"].as<std::string>(), "method heuristic");
  EXPECT_TRUE(m["objective"]["feasible"].as<bool>());
  // deploy.run_check is off: recorded as skipped, with the reason.
  EXPECT_EQ(m["reference_check"]["status"].as<std::string>(), "skipped");
  EXPECT_EQ(m["reference_check"]["reason"].as<std::string>(), "deploy.run_check is false");
  ASSERT_EQ(m["segments"].size(), 2u);
  EXPECT_EQ(m["segments"][0]["file"].as<std::string>(), "tiny_segment_0_of_2.tflite");
  EXPECT_EQ(m["segments"][0]["inputs"][0]["name"].as<std::string>(), "input");
  EXPECT_EQ(m["segments"][1]["outputs"][0]["name"].as<std::string>(), "logits");
  EXPECT_EQ(m["segments"][1]["outputs"][0]["shape"][1].as<int>(), 10);
  EXPECT_TRUE(m["segments"][0]["cost_model"]["crossing_bytes_to_next"]);
  // Segment 1's inputs are segment 0's outputs, by name.
  std::set<std::string> out0, in1;
  for (const auto& t : m["segments"][0]["outputs"]) out0.insert(t["name"].as<std::string>());
  for (const auto& t : m["segments"][1]["inputs"]) in1.insert(t["name"].as<std::string>());
  EXPECT_EQ(out0, in1);
  for (int k = 0; k < 2; ++k)
    EXPECT_TRUE(TfliteModel::Load((seg / ("tiny_segment_" + std::to_string(k) + "_of_2.tflite")).string()).ok());
}

TEST(DeployTask, ScheduleFromJsonWithForwardingAndCheck) {
  const fs::path dir = FreshDir("json");
  const std::string model = WriteModel(dir, "tiny_u8.tflite", BuildTinyConvModel(FixtureQuant::kUint8));
  const std::string sched = (dir / "s.json").string();
  std::ofstream(sched) << R"({"graph": "tiny_u8", "stages": 3, "assignment": [
      {"id": 0, "stage": 0}, {"id": 1, "stage": 1}, {"id": 2, "stage": 2},
      {"id": 3, "stage": 2}, {"name": "logits", "stage": 2}]})";
  Config c = DeployConfig(model, dir / "out", 4);  // the file's 3 stages win
  c.deploy.schedule = sched;
  c.deploy.run_check = true;
  c.deploy.runs = 2;
  Status st = RunDeploy(c, std::cout);
  ASSERT_TRUE(st.ok()) << st.message();
  YAML::Node m = YAML::LoadFile((dir / "out" / "segments" / "manifest.yaml").string());
  EXPECT_EQ(m["stages"].as<int>(), 3);
  EXPECT_EQ(m["segments"][1]["forwarded"][0].as<std::string>(), "conv/out");
  ASSERT_TRUE(m["reference_check"]);
  if (ReferenceRunnerAvailable()) {
    EXPECT_EQ(m["reference_check"]["status"].as<std::string>(), "passed");
    EXPECT_TRUE(m["reference_check"]["identical"].as<bool>());
    EXPECT_EQ(m["reference_check"]["runs"].as<int>(), 2);
  } else {
    EXPECT_EQ(m["reference_check"]["status"].as<std::string>(), "skipped");
    EXPECT_NE(m["reference_check"]["reason"].as<std::string>().find("Arm NN"), std::string::npos);
  }
}

TEST(DeployTask, Refusals) {
  const fs::path dir = FreshDir("refusals");
  Status not_tflite = RunDeploy(DeployConfig("zoo:resnet50", dir / "out", 2), std::cout);
  EXPECT_EQ(not_tflite.code(), StatusCode::kInvalidInput);
  EXPECT_NE(not_tflite.message().find(".tflite"), std::string::npos);

  const std::string tpu = WriteModel(dir, "tpu.tflite", BuildEdgeTpuCompiledModel());
  Status compiled = RunDeploy(DeployConfig(tpu, dir / "out", 1), std::cout);
  EXPECT_EQ(compiled.code(), StatusCode::kInvalidInput);
  EXPECT_NE(compiled.message().find("already compiled"), std::string::npos);

  const std::string model = WriteModel(dir, "tiny.tflite", BuildTinyConvModel());
  Status back = DeployWithScheduleFile(model, dir, "back.json", {1, 0, 1, 1, 1});
  EXPECT_EQ(back.code(), StatusCode::kInvalidInput);
  EXPECT_NE(back.message().find("later stage"), std::string::npos) << back.message();

  Status missing = RunDeploy(DeployConfig((dir / "nope.tflite").string(), dir / "out", 2), std::cout);
  EXPECT_EQ(missing.code(), StatusCode::kIoError);

  Status too_many = RunDeploy(DeployConfig(model, dir / "out", 9), std::cout);
  EXPECT_FALSE(too_many.ok());
}

// The lines of `text` that mention the reference check.
std::vector<std::string> CheckLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l.find("reference check") != std::string::npos) out.push_back(l);
  return out;
}

// One short line per outcome: skipped by configuration, skipped because the
// runtime cannot run it, passed.
TEST(DeployTask, ReferenceCheckOutcomeIsOneShortLine) {
  const fs::path dir = FreshDir("check_line");
  const std::string model = WriteModel(dir, "fp16.tflite", BuildFp16WeightsModel());
  std::ostringstream off;
  ASSERT_TRUE(RunDeploy(DeployConfig(model, dir / "out", 2), off).ok());
  EXPECT_EQ(CheckLines(off.str()), std::vector<std::string>{"reference check: skipped (deploy.run_check is false)"});
  Config c = DeployConfig(model, dir / "out", 2);
  c.deploy.run_check = true;
  c.deploy.runs = 1;
  std::ostringstream on;
  Status st = RunDeploy(c, on);
  ASSERT_TRUE(st.ok()) << st.message();
  const auto lines = CheckLines(on.str());
  ASSERT_EQ(lines.size(), 1u) << on.str();
  EXPECT_LE(lines[0].size(), 140u) << lines[0];
  YAML::Node m = YAML::LoadFile((dir / "out" / "segments" / "manifest.yaml").string());
  const std::string status = m["reference_check"]["status"].as<std::string>();
  EXPECT_TRUE(status == "passed" || status == "skipped") << status;
  EXPECT_EQ(lines[0].rfind("reference check: " + status, 0), 0u) << lines[0];
  if (status == "skipped") {
    EXPECT_FALSE(m["reference_check"]["reason"].as<std::string>().empty());
  }
}

std::set<std::string> Files(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

// A second deploy of another stage count replaces the first whole: no stale
// *_of_4 files beside the *_of_2 ones, no temporary folder left behind.
TEST(DeployTask, RedeployReplacesThePreviousSegments) {
  const fs::path dir = FreshDir("redeploy");
  const std::string model = WriteModel(dir, "fc.tflite", BuildLargeFcModel(1 << 20, 6));
  ASSERT_TRUE(RunDeploy(DeployConfig(model, dir / "out", 4), std::cout).ok());
  const fs::path seg = dir / "out" / "segments";
  EXPECT_EQ(Files(seg).size(), 5u);
  ASSERT_TRUE(RunDeploy(DeployConfig(model, dir / "out", 2), std::cout).ok());
  EXPECT_EQ(Files(seg), (std::set<std::string>{"fc_segment_0_of_2.tflite", "fc_segment_1_of_2.tflite", "manifest.yaml"}));
  EXPECT_EQ(Files(dir / "out"), std::set<std::string>{"segments"});
  // A refused deploy leaves the previous one as it was.
  Config bad = DeployConfig(model, dir / "out", 2);
  bad.deploy.schedule = (dir / "missing.json").string();
  EXPECT_FALSE(RunDeploy(bad, std::cout).ok());
  EXPECT_EQ(Files(seg).size(), 3u);
  EXPECT_EQ(Files(dir / "out"), std::set<std::string>{"segments"});
}

// The deploy replaces <output.dir>/segments as a whole, so a model inside it
// would be deleted: refused, model untouched.
TEST(DeployTask, ModelInsideTheSegmentsFolderIsRefused) {
  const fs::path dir = FreshDir("inside");
  fs::create_directories(dir / "out" / "segments");
  const std::string model = WriteModel(dir / "out" / "segments", "fc.tflite", BuildLargeFcModel(1 << 20, 6));
  const auto before = ReadFileBytes(model);
  Status st = RunDeploy(DeployConfig(model, dir / "out", 2), std::cout);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("which the deploy replaces as a whole"), std::string::npos) << st.message();
  EXPECT_EQ(*ReadFileBytes(model), *before);
}

// compile_segments.sh compiles what the manifest lists, in order, and
// nothing else in the folder (a fake edgetpu_compiler records its calls).
TEST(DeployTask, CompileSegmentsReadsTheManifest) {
  const fs::path dir = FreshDir("compile");
  const std::string model = WriteModel(dir, "fc.tflite", BuildLargeFcModel(1 << 20, 6));
  ASSERT_TRUE(RunDeploy(DeployConfig(model, dir / "out", 2), std::cout).ok());
  const fs::path seg = dir / "out" / "segments";
  WriteModel(seg, "stale_segment_0_of_4.tflite", {1, 2, 3});  // not in the manifest
  const fs::path bin = dir / "bin";
  fs::create_directories(bin);
  {
    std::ofstream f(bin / "edgetpu_compiler");
    f << "#!/bin/sh\n[ \"$1\" = --version ] && { echo fake; exit 0; }\necho \"$@\" >> " << (dir / "calls.txt").string()
      << "\n";
  }
  fs::permissions(bin / "edgetpu_compiler", fs::perms::owner_all);
  const std::string cmd = "PATH=" + bin.string() + ":$PATH bash " + std::string(RESPECT_SOURCE_DIR) +
                          "/scripts/compile_segments.sh " + seg.string() + " " + (dir / "tpu").string() + " > " +
                          (dir / "log.txt").string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream calls(dir / "calls.txt");
  std::vector<std::string> lines;
  for (std::string l; std::getline(calls, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("fc_segment_0_of_2.tflite"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("fc_segment_1_of_2.tflite"), std::string::npos) << lines[1];
}

TEST(Devices, CoralIdsAndScan) {
  bool loaded = true;
  std::string desc;
  EXPECT_TRUE(IsCoralUsbId(0x1a6e, 0x089a, &loaded, &desc));
  EXPECT_FALSE(loaded);
  EXPECT_NE(desc.find("Global Unichip"), std::string::npos);
  EXPECT_TRUE(IsCoralUsbId(0x18d1, 0x9302, &loaded, &desc));
  EXPECT_TRUE(loaded);
  EXPECT_NE(desc.find("Google"), std::string::npos);
  EXPECT_FALSE(IsCoralUsbId(0x18d1, 0x4ee7, nullptr, nullptr));
  const DeviceScan scan = ScanCoralDevices();
  const std::string text = FormatDeviceScan(scan);
  if (scan.corals.empty()) {
    EXPECT_NE(text.find("No Coral USB Accelerator found"), std::string::npos) << text;
  }
  DeviceScan fake;
  fake.usb_ok = true;
  fake.usb_devices_seen = 3;
  fake.corals.push_back({1, 4, "1-2.1", 0x18d1, 0x9302, true, "Google Inc."});
  const std::string one = FormatDeviceScan(fake);
  EXPECT_NE(one.find("18d1:9302 bus 1 port 1-2.1"), std::string::npos) << one;
  EXPECT_NE(one.find("1 Coral USB Accelerator(s) found"), std::string::npos);
  EXPECT_TRUE(ListDevices(std::cout).ok());
}

TEST(DeployTask, DeploysExactUnlessOneMethodIsNamed) {
  Config c;
  std::string why;
  c.methods = {Method::kHeuristic, Method::kExact, Method::kRl, Method::kTwoPhase};  // the quickstart's list
  EXPECT_EQ(DeployMethod(c, &why), Method::kExact);
  EXPECT_NE(why.find("lists 4"), std::string::npos) << why;
  c.methods = {Method::kHeuristic};
  EXPECT_EQ(DeployMethod(c, &why), Method::kHeuristic);
  EXPECT_NE(why.find("the one method"), std::string::npos) << why;
  c.methods = {Method::kRl, Method::kDpTopo};  // several, exact not among them: still exact
  EXPECT_EQ(DeployMethod(c), Method::kExact);
  c.methods.clear();
  EXPECT_EQ(DeployMethod(c), Method::kExact);
}

// The deploy says which method it ran and why, on its output.
TEST(DeployTask, SaysWhichMethodItDeploysAndWhy) {
  const fs::path dir = FreshDir("says_method");
  const std::string model = WriteModel(dir, "tiny.tflite", BuildTinyConvModel(FixtureQuant::kUint8));
  Config c = DeployConfig(model, dir / "out", 2);
  c.methods = {Method::kHeuristic, Method::kExact, Method::kRl, Method::kTwoPhase};
  std::ostringstream out, warnings;
  Status st = RunDeploy(c, out, warnings);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_NE(out.str().find("deploy: scheduling with exact (`methods` lists 4;"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("schedule: method exact, 2 stage(s), objective "), std::string::npos) << out.str();
  EXPECT_EQ(warnings.str(), "");  // uint8: no float warning
}

// A float model deploys (the segments are valid .tflite files) but warns, in
// one line on the warnings stream, that it will not map to an Edge TPU.
TEST(DeployTask, FloatModelWarnsInOneLine) {
  const fs::path dir = FreshDir("float_warning");
  const std::string model = WriteModel(dir, "fp16.tflite", BuildFp16TwoLayerModel());
  std::ostringstream out, warnings;
  Status st = RunDeploy(DeployConfig(model, dir / "out", 2), out, warnings);
  ASSERT_TRUE(st.ok()) << st.message();
  const std::string w = warnings.str();
  EXPECT_EQ(w.rfind("warning: " + model + " is a float model (", 0), 0u) << w;
  EXPECT_NE(w.find("float16"), std::string::npos) << w;
  EXPECT_NE(w.find("Edge TPU"), std::string::npos) << w;
  EXPECT_EQ(std::count(w.begin(), w.end(), '\n'), 1) << w;
  EXPECT_EQ(out.str().find("warning: "), std::string::npos) << out.str();
}

TEST(DeployTask, FloatModelWarningOnlyForFloatParameters) {
  for (FixtureQuant q : {FixtureQuant::kInt8, FixtureQuant::kUint8}) {
    auto quantized = ReadTfliteBytes(BuildTinyConvModel(q).data(), BuildTinyConvModel(q).size(), "tiny");
    ASSERT_TRUE(quantized.ok());
    EXPECT_EQ(FloatModelWarning(*quantized), "");
  }
  const std::vector<uint8_t> fp16 = BuildFp16WeightsModel();
  auto half = ReadTfliteBytes(fp16.data(), fp16.size(), "fp16");
  ASSERT_TRUE(half.ok());
  EXPECT_NE(FloatModelWarning(*half).find("float16"), std::string::npos);
  const std::vector<uint8_t> sparse = BuildSparseWeightsModel();  // float32 weights
  auto f32 = ReadTfliteBytes(sparse.data(), sparse.size(), "sparse");
  ASSERT_TRUE(f32.ok());
  EXPECT_NE(FloatModelWarning(*f32).find("float32"), std::string::npos) << FloatModelWarning(*f32);
}

}  // namespace
}  // namespace respect
