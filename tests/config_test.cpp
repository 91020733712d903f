#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "config/config.h"
#include "quickstart_config.h"
#include "refusal.h"

namespace respect {
namespace {

TEST(Config, DesignExampleParses) {
  const char* yaml = R"(
task: schedule
model: zoo:resnet50
stages: 4
methods: [two_phase]
objective: {kind: memory_comm, comm_weight: 1.0, comm_model: tensor}
edgetpu: {sram_bytes: 8388608, link_bytes_per_s: 3.2e8, offchip_bytes_per_s: 3.2e8, macs_per_s: 2.0e12}
constraints: {nonempty_stages: true, children_same_stage: false}
solver: {time_limit_s: 600, threads: 1, relative_gap: 0.0}
policy: {weights: default, window: 1}
output: {dir: out}
)";
  auto c = ParseConfig(yaml, "run.yaml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->task, Task::kSchedule);
  EXPECT_EQ(c->models, std::vector<std::string>{"zoo:resnet50"});
  EXPECT_EQ(c->stages, std::vector<int>{4});
  EXPECT_EQ(c->methods, std::vector<Method>{Method::kTwoPhase});
  EXPECT_EQ(c->edgetpu.sram_bytes, 8388608);
  EXPECT_DOUBLE_EQ(c->edgetpu.link_bytes_per_s, 3.2e8);
  EXPECT_DOUBLE_EQ(c->solver.time_limit_s, 600);
  EXPECT_EQ(c->output_dir, "out");
  EXPECT_TRUE(ValidateConfig(*c).ok());
}

TEST(Config, ListsAndEnums) {
  auto c = ParseConfig("task: compare\nmodel: [zoo:vgg16, g.json]\nstages: [4, 5, 6]\nmethods: heuristic\n"
                       "objective: {kind: latency, comm_model: edge}\n",
                       "c.yaml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->models.size(), 2u);
  EXPECT_EQ(c->stages, (std::vector<int>{4, 5, 6}));
  EXPECT_EQ(c->methods, std::vector<Method>{Method::kHeuristic});
  EXPECT_EQ(c->objective.kind, ObjectiveKind::kLatency);
  EXPECT_EQ(c->objective.comm_model, CommModel::kEdge);
}

using test_refusal::ExpectRefused;
using test_refusal::Refusal;

StatusOr<Config> ParseRunYaml(const char* yaml) { return ParseConfig(yaml, "run.yaml"); }

TEST(Config, EmptyFileIsRefused) {
  for (const char* text : {"", "\n", "# only a comment\n"}) {
    auto c = ParseConfig(text, "empty.yaml");
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidInput);
    EXPECT_EQ(c.status().message(), "empty.yaml: the config is empty (no keys); give at least 'task:' and 'model:'");
  }
}

TEST(Config, DuplicateKeysAreRefused) {
  const Refusal cases[] = {
      {"stages: 4\nstages: 5\n", "run.yaml:2: key 'stages' is repeated (first at line 1)"},
      {"solver:\n  time_limit_s: 1\n  time_limit_s: 2\n", "run.yaml:3: key 'solver.time_limit_s' is repeated (first at line 2)"},
      {"solver: {time_limit_s: 1}\nsolver: {threads: 2}\n", "run.yaml:2: key 'solver' is repeated (first at line 1)"},
      {"solver: {time_limit_s: 1}\nsolver.time_limit_s: 2\n", "key 'solver.time_limit_s' is repeated"},
  };
  for (const Refusal& r : cases) ExpectRefused(r, ParseRunYaml);
  EXPECT_TRUE(ParseConfig("solver: {time_limit_s: 1, threads: 2}\nstages: 3\n", "run.yaml").ok());
}

TEST(Config, ErrorsNameTheKey) {
  const Refusal cases[] = {
      {"stagez: 4", "unknown key 'stagez' (did you mean 'stages'?)"},
      {"solver: {time_limt_s: 5}", "unknown key 'solver.time_limt_s' (did you mean 'solver.time_limit_s'?)"},
      {"solver: {time_limit_s: fast}", "key 'solver.time_limit_s': expected a number, got 'fast'"},
      {"stages: four", "key 'stages': expected an integer, got 'four'"},
      {"stages: 0", "key 'stages': 0 is below the minimum 1"},
      {"stages: 2.5", "key 'stages': expected an integer"},
      {"constraints: {nonempty_stages: maybe}", "key 'constraints.nonempty_stages': expected true or false"},
      {"solver: {incumbent_windows: 1.5}", "key 'solver.incumbent_windows': expected true or false"},
      {"solver: {cut_bound: sometimes}", "key 'solver.cut_bound': expected true or false"},
      {"solver: {cut_bound_ilp: 3}", "key 'solver.cut_bound_ilp': expected true or false"},
      {"solver: {incumbent_window: false}",
       "unknown key 'solver.incumbent_window' (did you mean 'solver.incumbent_windows'?)"},
      {"objective: {kind: speed}", "key 'objective.kind': 'speed' is not one of memory_comm | latency"},
      {"methods: [heuristic, magic]", "key 'methods': 'magic' is not one of"},
      {"task: dance", "key 'task': 'dance' is not one of"},
      {"solver: 5", "key 'solver' must be a mapping"},
      {"solver: {relative_gap: 2}", "above the maximum 1"},
      {"stages: []", "key 'stages': the list is empty"},
      {"model: {a: 1}", "key 'model': expected a string"},
      {"- just\n- a list", "top level must be a mapping"},
      {"stages: [4\n", "invalid YAML"},
      {"stages:\n", "key 'stages' has no value"},
  };
  for (const Refusal& r : cases) ExpectRefused(r, ParseRunYaml, "run.yaml:");
}

TEST(Config, Overrides) {
  Config c;
  EXPECT_TRUE(ApplyOverride(&c, "solver.time_limit_s", "60").ok());
  EXPECT_DOUBLE_EQ(c.solver.time_limit_s, 60);
  EXPECT_TRUE(ApplyOverride(&c, "stages", "[4,5]").ok());
  EXPECT_EQ(c.stages, (std::vector<int>{4, 5}));
  EXPECT_TRUE(c.solver.incumbent_windows);
  EXPECT_TRUE(ApplyOverride(&c, "solver.incumbent_windows", "false").ok());
  EXPECT_FALSE(c.solver.incumbent_windows);
  EXPECT_TRUE(ApplyOverride(&c, "model", "zoo:vgg19").ok());
  EXPECT_EQ(c.models, std::vector<std::string>{"zoo:vgg19"});
  Status s = ApplyOverride(&c, "solver.threads", "-1");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("key 'solver.threads'"), std::string::npos);
  EXPECT_FALSE(ApplyOverride(&c, "nope", "1").ok());
}

TEST(Config, PinsAreAMappingOfNamesToStages) {
  auto c = ParseConfig("constraints:\n  pin: {conv1: 0, \"block 2\": 3}\n", "run.yaml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->constraints.pin, (std::map<std::string, int>{{"conv1", 0}, {"block 2", 3}}));
  // An override replaces the whole mapping, and --help shows it as YAML.
  Config d = *c;
  ASSERT_TRUE(ApplyOverride(&d, "constraints.pin", "{fc: 1}").ok());
  EXPECT_EQ(d.constraints.pin, (std::map<std::string, int>{{"fc", 1}}));
  const auto differ = KeysDifferingFromDefaults(d);
  ASSERT_FALSE(differ.empty());
  EXPECT_EQ(differ.back(), (std::pair<std::string, std::string>{"constraints.pin", "{\"fc\": 1}"}));
  EXPECT_TRUE(ApplyOverride(&d, "constraints.pin", "{}").ok());
  EXPECT_TRUE(d.constraints.pin.empty());
  const Refusal cases[] = {
      {"constraints: {pin: conv1}", "key 'constraints.pin': expected a mapping {name: integer, ...}"},
      {"constraints: {pin: [conv1, 2]}", "key 'constraints.pin': expected a mapping"},
      {"constraints: {pin: {conv1: two}}", "key 'constraints.pin': 'conv1': expected an integer, got 'two'"},
      {"constraints: {pin: {conv1: -1}}", "key 'constraints.pin': 'conv1': -1 is below the minimum 0"},
      {"constraints: {pin: {conv1: 1, conv1: 2}}", "key 'constraints.pin.conv1' is repeated"},
  };
  for (const Refusal& r : cases) ExpectRefused(r, ParseRunYaml, "run.yaml:");
  // Tasks that generate their own graphs cannot have pins.
  Config label = *c;
  label.task = Task::kLabel;
  EXPECT_NE(ValidateConfig(label).message().find("key 'constraints.pin': task label generates its own graphs"),
            std::string::npos);
  EXPECT_TRUE(ValidateConfig(*c).ok());
}

TEST(Config, CrossKeyValidation) {
  Config c;
  c.synthetic.levels_min = 9;
  c.synthetic.levels_max = 3;
  EXPECT_FALSE(ValidateConfig(c).ok());
  Config d;
  d.stages = {4, 5};
  EXPECT_NE(ValidateConfig(d).message().find("task schedule takes one stage count"), std::string::npos);
  Config e;
  e.solver.write_mip_start = "start.mst";  // without the model it names
  EXPECT_NE(ValidateConfig(e).message().find("key 'solver.write_mip_start' needs solver.write_lp"), std::string::npos);
  e.solver.write_lp = "model.lp";
  EXPECT_TRUE(ValidateConfig(e).ok());
}

TEST(Config, HelpListsEveryKeyWithDefault) {
  std::string help = ConfigHelp();
  for (const std::string& k : ConfigKeys()) EXPECT_NE(help.find("--" + k), std::string::npos) << k;
  EXPECT_NE(help.find("default 600"), std::string::npos);
}

// The binary embeds configs/quickstart.yaml at configure time (CMake
// re-configures when the file changes): the copy must be the file.
TEST(Config, EmbeddedQuickstartIsTheFile) {
  std::ifstream in(std::string(RESPECT_SOURCE_DIR) + "/configs/quickstart.yaml");
  ASSERT_TRUE(in.good());
  std::stringstream file;
  file << in.rdbuf();
  EXPECT_EQ(std::string(kQuickstartYaml), file.str());
  auto c = ParseConfig(kQuickstartYaml, "quickstart");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->methods, (std::vector<Method>{Method::kHeuristic, Method::kExact, Method::kRl, Method::kTwoPhase}));
}

// docs/config.md is generated from the key table (respect-opt
// --config-reference); it must not drift from it. To update it:
//   build/respect-opt --config-reference > docs/config.md
TEST(Config, DocsConfigMdIsTheGeneratedReference) {
  std::ifstream in(std::string(RESPECT_SOURCE_DIR) + "/docs/config.md");
  ASSERT_TRUE(in.good()) << "docs/config.md is missing";
  std::stringstream file;
  file << in.rdbuf();
  const std::string reference = ConfigReferenceMarkdown();
  EXPECT_EQ(file.str(), reference)
      << "docs/config.md differs from the key table; run: build/respect-opt --config-reference > docs/config.md";
  for (const std::string& key : ConfigKeys()) EXPECT_NE(reference.find("| `" + key + "` |"), std::string::npos) << key;
  // A '|' inside a cell is escaped, so every table row has exactly six.
  std::istringstream lines(reference);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    int bars = 0;
    for (size_t k = 0; k < line.size(); ++k) bars += line[k] == '|' && (k == 0 || line[k - 1] != '\\');
    EXPECT_EQ(bars, 6) << line;
  }
}

}  // namespace
}  // namespace respect
