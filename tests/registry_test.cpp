// The registry (sched/registry.h) as the single source of names: the config's
// choices, --help, validation and the task dispatch read its tables, and
// unknown names are refused with one line. Also: options validate
// themselves (ExactOptions::Validate, MilpOptions::Validate).
#include "sched/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "config/config.h"
#include "solver/milp.h"
#include "test_graphs.h"

namespace respect {
namespace {

std::string Joined(const std::vector<std::string>& names, const std::string& sep) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}

// Every name of `names` is accepted for `key`, and a name no table holds is
// refused naming the key; --help lists exactly these choices.
void ExpectKeyTakesExactly(const std::string& key, const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    Config c;
    EXPECT_TRUE(ApplyOverride(&c, key, n).ok()) << key << " " << n;
  }
  Config c;
  const Status bad = ApplyOverride(&c, key, "no_such_name");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidInput) << key;
  EXPECT_NE(bad.message().find(key), std::string::npos) << bad.message();
  const std::string help = ConfigHelp();
  const size_t line = help.find("--" + key + " ");
  ASSERT_NE(line, std::string::npos) << key;
  const std::string text = help.substr(line, help.find('\n', line) - line);
  EXPECT_NE(text.find(Joined(names, "|") + ")"), std::string::npos) << text;
}

TEST(Registry, ConfigChoicesAreTheRegistryNames) {
  ExpectKeyTakesExactly("task", ChoiceNames(TaskChoices()));
  ExpectKeyTakesExactly("methods", ChoiceNames(MethodChoices()));
  ExpectKeyTakesExactly("solver.engine", ChoiceNames(EngineChoices()));
  ExpectKeyTakesExactly("policy.window_engine", ChoiceNames(EngineChoices()));
  ExpectKeyTakesExactly("solver.start", ChoiceNames(StartChoices()));
  EXPECT_EQ(KnownMethods(), ChoiceNames(MethodChoices()));
}

TEST(Registry, TheReferenceListsTheRegistryNames) {
  const std::string md = ConfigReferenceMarkdown();
  for (const auto& row : EngineChoices()) {
    EXPECT_NE(md.find(std::string("`") + row.name + "`"), std::string::npos) << row.name;
    EXPECT_NE(md.find(row.help), std::string::npos) << row.help;  // the help comes from the row
  }
  for (const auto& row : TaskChoices()) EXPECT_NE(md.find(std::string("`") + row.name + "`"), std::string::npos);
}

TEST(Registry, NamesParseToTheirRowsAndUnknownNamesAreRefused) {
  for (const auto& row : EngineChoices()) {
    auto e = ParseEngine(row.name);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(*e, row.id);
  }
  for (const auto& row : TaskChoices()) EXPECT_EQ(*ParseTask(row.name), row.id);
  for (const auto& row : MethodChoices()) EXPECT_EQ(*ParseMethod(row.name), row.id);
  for (const auto& row : StartChoices()) EXPECT_EQ(*ParseStart(row.name), row.id);
  // Before: ParseEngine mapped any unknown name to auto.
  auto bad = ParseEngine("cbc_fast");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(bad.status().message(), "unknown engine 'cbc_fast' (one of auto | cbc_main | cbc_direct | lattice)");
  EXPECT_FALSE(ParseTask("").ok());
  EXPECT_FALSE(ParseMethod("Exact").ok());  // names are case-sensitive
}

TEST(Registry, ANameSetInCodeIsRefusedAtValidationAndByTheFactory) {
  // A Config built in code skips the key table; the registry still refuses.
  Config c;
  c.solver.engine = "cbc_fast";
  const Status v = ValidateConfig(c);
  EXPECT_EQ(v.code(), StatusCode::kInvalidInput);
  EXPECT_NE(v.message().find("solver.engine"), std::string::npos) << v.message();
  EXPECT_FALSE(ExactOptionsFrom(c).ok());
  EXPECT_FALSE(MakeScheduler("exact", c).ok());
  Config w;
  w.policy.window_engine = "nope";
  EXPECT_FALSE(ValidateConfig(w).ok());
  EXPECT_FALSE(MakeScheduler("two_phase", w).ok());
  Config t;
  t.task = "scheduel";
  EXPECT_FALSE(ValidateConfig(t).ok());
  EXPECT_FALSE(MakeScheduler("nope", Config{}).ok());
}

TEST(Registry, EveryMethodRowMakesItsScheduler) {
  Config c;
  for (const auto& row : MethodChoices()) {
    auto s = MakeScheduler(row.name, c);
    ASSERT_TRUE(s.ok()) << row.name << ": " << s.status().message();
    EXPECT_EQ((*s)->name(), row.name);
  }
}

TEST(Registry, EngineNamesReachExactOptions) {
  for (const auto& row : EngineChoices()) {
    Config c;
    c.solver.engine = row.name;
    auto o = ExactOptionsFrom(c);
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->engine, row.id);
  }
}

TEST(Registry, OnlyLabelAndTrainRunUnderMpi) {
  for (const auto& row : TaskChoices())
    EXPECT_EQ(TaskRunsUnderMpi(row.id), row.id == Task::kLabel || row.id == Task::kTrain) << row.name;
}

TEST(OptionsValidate, ExactOptionsRefuseWhatNoRunCanUse) {
  EXPECT_TRUE(ExactOptions{}.Validate().ok());
  struct Case {
    const char* field;
    void (*spoil)(ExactOptions*);
  };
  const Case cases[] = {
      {"threads", [](ExactOptions* o) { o->threads = 0; }},
      {"time_limit_s", [](ExactOptions* o) { o->time_limit_s = std::nan(""); }},
      {"time_limit_s", [](ExactOptions* o) { o->time_limit_s = -1; }},
      {"relative_gap", [](ExactOptions* o) { o->relative_gap = 1.5; }},
      {"stall_s", [](ExactOptions* o) { o->stall_s = -1; }},
      {"cut_bound_share", [](ExactOptions* o) { o->cut_bound_share = -0.1; }},
      {"start_search_share", [](ExactOptions* o) { o->start_search_share = 2; }},
      {"start_search_min_nodes", [](ExactOptions* o) { o->start_search_min_nodes = -1; }},
  };
  for (const Case& c : cases) {
    ExactOptions o;
    c.spoil(&o);
    const Status s = o.Validate();
    EXPECT_EQ(s.code(), StatusCode::kInvalidInput) << c.field;
    EXPECT_NE(s.message().find(c.field), std::string::npos) << s.message();
  }
  ExactOptions zero;
  zero.time_limit_s = 0;  // allowed: the start at once
  EXPECT_TRUE(zero.Validate().ok());
}

TEST(OptionsValidate, TheExactSchedulerChecksItsOptionsFirst) {
  std::mt19937_64 rng(7);
  auto g = test_graphs::RandomGraph(rng, 6, 2, "validate");
  const Problem p = test_graphs::MakeProblem(g, 2, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  ExactOptions o;
  o.threads = 0;
  auto r = ExactScheduler(o).Run(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  o.threads = 1;
  auto fine = ExactScheduler(o).Run(p);
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ(fine->status, SolveStatus::kOptimal);
}

TEST(OptionsValidate, MilpOptionsRefuseWhatNoSolveCanUse) {
  EXPECT_TRUE(MilpOptions{}.Validate().ok());
  void (*const spoils[])(MilpOptions*) = {
      [](MilpOptions* o) { o->time_limit_s = 0; },
      [](MilpOptions* o) { o->threads = 0; },
      [](MilpOptions* o) { o->relative_gap = std::numeric_limits<double>::infinity(); },
      [](MilpOptions* o) { o->cutoff = -kMilpInf; },
      [](MilpOptions* o) { o->stall_s = std::nan(""); },
  };
  for (auto spoil : spoils) {
    MilpOptions o;
    spoil(&o);
    EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidInput);
  }
  MilpOptions fine;
  fine.stall_s = 0;  // 0: as long as the root took (MilpOptions::stall_s)
  fine.cutoff = 12.5;
  EXPECT_TRUE(fine.Validate().ok());
}

}  // namespace
}  // namespace respect
