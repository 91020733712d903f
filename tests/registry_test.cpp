// The registry (sched/registry.h, sched/engines.h) as the single source of
// names: the config's choices, --help, docs/config.md, validation and the
// task dispatch read its tables, and unknown names are refused with one line;
// fake engine and method rows registered here prove the seams (a new engine
// or method is one row). Also: options validate themselves
// (ExactOptions/RlOptions/TwoPhaseOptions/MilpOptions::Validate) with the
// config's bounds (core/option_bounds.h).
#include "sched/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <random>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/option_bounds.h"
#include "sched/heuristic.h"
#include "solver/cbc_solver.h"
#include "solver/milp.h"
#include "test_graphs.h"
#include "twophase/two_phase.h"

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
  EXPECT_EQ(KnownMethods(), (std::vector<std::string>{"heuristic", "exact", "rl", "two_phase", "dp_topo", "list"}));
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

// Names become ids when the config is loaded: the Config holds the rows' ids.
TEST(Registry, ALoadedConfigHoldsTheIdsOfItsNames) {
  auto c = ParseConfig(
      "task: compare\nmethods: [exact, list]\nsolver: {engine: lattice, start: dp_topo}\n"
      "policy: {window_engine: cbc_direct}\n",
      "test");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->task, Task::kCompare);
  EXPECT_EQ(c->methods, (std::vector<Method>{Method::kExact, Method::kList}));
  EXPECT_EQ(c->solver.engine, ExactEngine::kLattice);
  EXPECT_EQ(c->solver.start, StartChoice::kDpTopo);
  EXPECT_EQ(c->policy.window_engine, ExactEngine::kCbcDirect);
  const Config defaults;
  EXPECT_EQ(defaults.task, Task::kSchedule);
  EXPECT_EQ(defaults.methods, std::vector<Method>{Method::kTwoPhase});
  const std::string help = ConfigHelp();  // defaults shown by name
  EXPECT_NE(help.find("(choice, default schedule, "), std::string::npos);
  EXPECT_NE(help.find("(string or list, default two_phase, "), std::string::npos);
  EXPECT_EQ(MethodName(Method::kTwoPhase), "two_phase");
  EXPECT_EQ(TaskName(static_cast<Task>(42)), "");
}

TEST(Registry, AnIdWithoutARowIsRefusedAtValidationAndByTheFactory) {
  // A Config built in code skips the key table; an id no row holds is still refused.
  Config c;
  c.solver.engine = static_cast<ExactEngine>(99);
  const Status v = ValidateConfig(c);
  EXPECT_EQ(v.code(), StatusCode::kInvalidInput);
  EXPECT_NE(v.message().find("solver.engine"), std::string::npos) << v.message();
  EXPECT_FALSE(MakeScheduler("exact", c).ok());  // ExactOptions::Validate
  Config w;
  w.policy.window_engine = static_cast<ExactEngine>(99);
  EXPECT_FALSE(ValidateConfig(w).ok());
  EXPECT_FALSE(MakeScheduler("two_phase", w).ok());  // TwoPhaseOptions::Validate
  Config t;
  t.task = static_cast<Task>(42);
  EXPECT_FALSE(ValidateConfig(t).ok());
  Config m;
  m.methods = {Method::kExact, static_cast<Method>(77)};
  EXPECT_FALSE(ValidateConfig(m).ok());
  EXPECT_FALSE(MakeScheduler(static_cast<Method>(77), Config{}).ok());
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
    ASSERT_TRUE(ApplyOverride(&c, "solver.engine", row.name).ok());
    auto o = ExactOptionsFrom(c);
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->engine, row.id);
  }
}

// docs/config.md (generated, checked in) lists every name each table holds
// on its key's line, so the docs cannot drift from the registry.
TEST(Registry, DocsConfigMdListsEveryRegistryName) {
  std::ifstream in(std::string(RESPECT_SOURCE_DIR) + "/docs/config.md");
  ASSERT_TRUE(in.good());
  std::map<std::string, std::string> line_of;  // key -> its table line
  for (std::string line; std::getline(in, line);)
    if (line.rfind("| `", 0) == 0) line_of[line.substr(3, line.find('`', 3) - 3)] = line;
  const std::pair<const char*, std::vector<std::string>> keys[] = {
      {"task", ChoiceNames(TaskChoices())},           {"methods", ChoiceNames(MethodChoices())},
      {"solver.engine", ChoiceNames(EngineChoices())}, {"policy.window_engine", ChoiceNames(EngineChoices())},
      {"solver.start", ChoiceNames(StartChoices())},
  };
  for (const auto& [key, names] : keys) {
    ASSERT_EQ(line_of.count(key), 1u) << key << " has no line in docs/config.md";
    for (const std::string& n : names)
      EXPECT_NE(line_of[key].find("`" + n + "`"), std::string::npos) << key << ": " << n << " missing";
  }
  for (const auto& row : EngineChoices()) EXPECT_NE(line_of["solver.engine"].find(row.help), std::string::npos);
}

// A MILP solver that counts its solves and hands them to Cbc's direct driver.
class CountingSolver final : public MilpSolver {
 public:
  explicit CountingSolver(int* solves) : solves_(solves) {}
  std::string name() const override { return "fake_milp"; }
  StatusOr<MilpResult> Solve(const MilpModel& model, const MilpOptions& options) override {
    ++*solves_;
    return cbc_.Solve(model, options);
  }

 private:
  int* solves_;
  CbcSolver cbc_{CbcDriver::kDirect};
};

// The engine seam: one row (name, help, lattice use, solver factory) makes a
// new engine the config, the factory and ExactScheduler take.
TEST(Registry, AFakeEngineRowIsANewEngine) {
  static int solves = 0;
  auto id = RegisterEngine({ExactEngine::kAuto, "fake_milp", "a counting wrapper of Cbc", EngineLattice::kNone,
                            [](const ExactOptions&) { return std::make_unique<CountingSolver>(&solves); }});
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_GT(static_cast<int>(*id), static_cast<int>(ExactEngine::kLattice));
  EXPECT_FALSE(RegisterEngine({ExactEngine::kAuto, "fake_milp", "again", EngineLattice::kNone,
                               [](const ExactOptions&) { return std::unique_ptr<MilpSolver>(); }})
                   .ok());  // a name is held once
  Config c;
  ASSERT_TRUE(ApplyOverride(&c, "solver.engine", "fake_milp").ok());
  EXPECT_NE(ConfigHelp().find("fake_milp"), std::string::npos);
  auto o = ExactOptionsFrom(c);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->engine, *id);

  std::mt19937_64 rng(11);
  const Problem p = test_graphs::MakeProblem(test_graphs::RandomGraph(rng, 9, 2, "fake_engine"), 3,
                                             ObjectiveKind::kMemoryComm, CommModel::kTensor);
  ExactOptions eo = *o;
  eo.cut_bound = false;  // the cut bound could prove the start without a solver
  eo.progress = false;
  auto fake = ExactScheduler(eo).Run(p);
  ASSERT_TRUE(fake.ok()) << fake.status().message();
  EXPECT_EQ(solves, 1);  // the row's solver ran, in the one slot
  eo.engine = ExactEngine::kCbcDirect;
  auto cbc = ExactScheduler(eo).Run(p);
  ASSERT_TRUE(cbc.ok());
  EXPECT_EQ(solves, 1);
  EXPECT_EQ(fake->status, SolveStatus::kOptimal);
  EXPECT_DOUBLE_EQ(fake->objective, cbc->objective);

  EXPECT_TRUE(UnregisterEngine(*id));
  EXPECT_FALSE(ParseEngine("fake_milp").ok());
  EXPECT_FALSE(ApplyOverride(&c, "solver.engine", "fake_milp").ok());
  eo.engine = *id;  // a value no row holds is refused by the options
  const Status gone = eo.Validate();
  EXPECT_EQ(gone.code(), StatusCode::kInvalidInput);
  EXPECT_NE(gone.message().find("engine"), std::string::npos) << gone.message();
}

// The heuristic under another name.
class RenamedHeuristic final : public Scheduler {
 public:
  std::string name() const override { return "fake_method"; }
  StatusOr<ScheduleResult> Run(const Problem& problem) override {
    auto r = HeuristicScheduler().Run(problem);
    if (r.ok()) r->method = name();
    return r;
  }
};

// The method seam: one row (name, help, factory) is a method the config's
// `methods` key, --help and MakeScheduler take.
TEST(Registry, AFakeMethodRowIsANewMethod) {
  auto id = RegisterMethod({Method::kHeuristic, "fake_method", "the heuristic, renamed", [](const Config&) {
                              return StatusOr<std::unique_ptr<Scheduler>>(std::make_unique<RenamedHeuristic>());
                            }});
  ASSERT_TRUE(id.ok()) << id.status().message();
  Config c;
  ASSERT_TRUE(ApplyOverride(&c, "methods", "[heuristic, fake_method]").ok());
  EXPECT_TRUE(ValidateConfig(c).ok());
  EXPECT_NE(ConfigHelp().find("fake_method"), std::string::npos);
  EXPECT_NE(ConfigReferenceMarkdown().find("`fake_method`"), std::string::npos);
  const Problem p = test_graphs::StagesProblem(std::make_shared<const Graph>(test_graphs::ChainGraph(6)), 2);
  auto fake = ScheduleWithMethod(p, "fake_method", c);
  auto heuristic = ScheduleWithMethod(p, "heuristic", c);
  ASSERT_TRUE(fake.ok() && heuristic.ok());
  EXPECT_EQ(fake->method, "fake_method");
  EXPECT_EQ(fake->schedule.stage, heuristic->schedule.stage);
  EXPECT_TRUE(UnregisterMethod(*id));
  EXPECT_FALSE(UnregisterMethod(*id));
  EXPECT_FALSE(MakeScheduler("fake_method", c).ok());
  EXPECT_FALSE(ApplyOverride(&c, "methods", "fake_method").ok());
}

TEST(Registry, OnlyLabelAndTrainRunUnderMpi) {
  for (const auto& row : TaskChoices()) {
    EXPECT_EQ(TaskRunsUnderMpi(row.id), row.id == Task::kLabel || row.id == Task::kTrain) << row.name;
    EXPECT_EQ(TaskRunsUnderMpi(row.id), row.runs_under_mpi) << row.name;
  }
}

// Call status and solve outcome on separate channels: settings without a
// schedule are an ok() call whose result says infeasible (and why), for
// every method; a malformed problem is a call error.
TEST(SolveOutcome, NoScheduleIsAnOutcomeForEveryMethodNotAnError) {
  const auto g = std::make_shared<const Graph>(test_graphs::ChainGraph(3));
  const Problem p = test_graphs::StagesProblem(g, 5);  // 5 non-empty stages, 3 nodes
  ASSERT_TRUE(p.Validate().ok());
  ASSERT_FALSE(p.NoScheduleReason().empty());
  Problem bad = p;
  bad.stages = 0;
  Config c;
  c.solver.time_limit_s = 5;
  for (const auto& row : MethodChoices()) {
    auto r = ScheduleWithMethod(p, row.name, c);
    ASSERT_TRUE(r.ok()) << row.name << ": " << r.status().message();
    EXPECT_EQ(r->status, SolveStatus::kInfeasible) << row.name;
    EXPECT_EQ(r->message, p.NoScheduleReason()) << row.name;
    EXPECT_TRUE(std::isnan(r->objective)) << row.name;
    EXPECT_EQ(ScheduleWithMethod(bad, row.name, c).status().code(), StatusCode::kInvalidInput) << row.name;
  }
}

// A field to spoil and how: Validate() must refuse it, naming the field.
template <class Options>
struct SpoiltField {
  const char* field;
  void (*spoil)(Options*);
};

template <class Options, size_t N>
void ExpectEachRefused(const SpoiltField<Options> (&cases)[N]) {
  for (const SpoiltField<Options>& c : cases) {
    Options o;
    c.spoil(&o);
    const Status s = o.Validate();
    EXPECT_EQ(s.code(), StatusCode::kInvalidInput) << c.field;
    EXPECT_NE(s.message().find(c.field), std::string::npos) << s.message();
  }
}

TEST(OptionsValidate, ExactOptionsRefuseWhatNoRunCanUse) {
  EXPECT_TRUE(ExactOptions{}.Validate().ok());
  const SpoiltField<ExactOptions> cases[] = {
      {"threads", [](ExactOptions* o) { o->threads = 0; }},
      {"time_limit_s", [](ExactOptions* o) { o->time_limit_s = std::nan(""); }},
      {"time_limit_s", [](ExactOptions* o) { o->time_limit_s = -1; }},
      {"relative_gap", [](ExactOptions* o) { o->relative_gap = 1.5; }},
      {"stall_s", [](ExactOptions* o) { o->stall_s = -1; }},
      {"cut_bound_share", [](ExactOptions* o) { o->cut_bound_share = -0.1; }},
      {"start_search_share", [](ExactOptions* o) { o->start_search_share = 2; }},
      {"start_search_min_nodes", [](ExactOptions* o) { o->start_search_min_nodes = -1; }},
  };
  ExpectEachRefused(cases);
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

TEST(OptionsValidate, RlAndTwoPhaseOptionsRefuseWhatNoRunCanUse) {
  EXPECT_TRUE(RlOptions{}.Validate().ok());
  EXPECT_TRUE(TwoPhaseOptions{}.Validate().ok());
  const SpoiltField<TwoPhaseOptions> cases[] = {
      {"window", [](TwoPhaseOptions* o) { o->window = -1; }},
      {"max_widen", [](TwoPhaseOptions* o) { o->max_widen = 65; }},
      {"window_budget", [](TwoPhaseOptions* o) { o->window_budget = 0; }},
      {"window_group", [](TwoPhaseOptions* o) { o->window_group = -1; }},
      {"window_engine", [](TwoPhaseOptions* o) { o->window_engine = static_cast<ExactEngine>(99); }},
      {"decode.beam_width", [](TwoPhaseOptions* o) { o->rl.decode.beam_width = 0; }},
      {"decode.samples", [](TwoPhaseOptions* o) { o->rl.decode.samples = 5000; }},
      {"sample_time_s", [](TwoPhaseOptions* o) { o->rl.sample_time_s = std::nan(""); }},
      {"decode.temperature", [](TwoPhaseOptions* o) { o->rl.decode.temperature = 0; }},
      {"time_limit_s", [](TwoPhaseOptions* o) { o->rl.time_limit_s = -1; }},
      {"threads", [](TwoPhaseOptions* o) { o->exact.threads = 0; }},
  };
  ExpectEachRefused(cases);
}

// One source for the bounds: at each end of a bound the config's key and
// the options agree (accept the bound, refuse one step past it).
TEST(OptionsValidate, TheConfigAndTheOptionsShareTheirBounds) {
  struct Case {
    const char* key;
    OptionBounds bounds;
    double step;
    void (*set)(TwoPhaseOptions*, double);
  };
  const Case cases[] = {
      {"policy.window", option_bounds::kWindow, 1, [](TwoPhaseOptions* o, double v) { o->window = int(v); }},
      {"policy.max_widen", option_bounds::kMaxWiden, 1, [](TwoPhaseOptions* o, double v) { o->max_widen = int(v); }},
      {"policy.window_budget", option_bounds::kWindowBudget, 0.005,
       [](TwoPhaseOptions* o, double v) { o->window_budget = v; }},
      {"policy.window_group", option_bounds::kWindowGroup, 1,
       [](TwoPhaseOptions* o, double v) { o->window_group = int(v); }},
      {"policy.beam_width", option_bounds::kBeamWidth, 1,
       [](TwoPhaseOptions* o, double v) { o->rl.decode.beam_width = int(v); }},
      {"policy.samples", option_bounds::kSamples, 1, [](TwoPhaseOptions* o, double v) { o->rl.decode.samples = int(v); }},
      {"policy.sample_time_s", option_bounds::kSampleTimeS, 1,
       [](TwoPhaseOptions* o, double v) { o->rl.sample_time_s = v; }},
      {"solver.threads", option_bounds::kThreads, 1, [](TwoPhaseOptions* o, double v) { o->exact.threads = int(v); }},
      {"solver.relative_gap", option_bounds::kRelativeGap, 0.5,
       [](TwoPhaseOptions* o, double v) { o->exact.relative_gap = v; }},
  };
  auto text = [](double v) {
    std::ostringstream os;
    os.precision(17);
    os << v;
    return os.str();
  };
  for (const Case& c : cases) {
    for (const double v : {c.bounds.min, c.bounds.max, c.bounds.min - c.step, c.bounds.max + c.step}) {
      const bool inside = c.bounds.Contains(v);
      Config config;
      EXPECT_EQ(ApplyOverride(&config, c.key, text(v)).ok(), inside) << c.key << " " << v;
      TwoPhaseOptions o;
      c.set(&o, v);
      EXPECT_EQ(o.Validate().ok(), inside) << c.key << " " << v;
    }
  }
}

TEST(OptionsValidate, TheTwoPhaseAndRlSchedulersCheckTheirOptionsFirst) {
  std::mt19937_64 rng(5);
  const Problem p = test_graphs::MakeProblem(test_graphs::RandomGraph(rng, 8, 2, "validate2"), 2,
                                             ObjectiveKind::kMemoryComm, CommModel::kTensor);
  TwoPhaseOptions t;
  t.window = -1;
  auto r = TwoPhaseScheduler(t).Run(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_FALSE(TwoPhaseScheduler(t).RunFrom(p, Schedule{}).ok());
  RlOptions rl;
  rl.decode.samples = 0;
  auto q = RlScheduler(rl).Run(p);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(q.status().message().find("decode.samples"), std::string::npos) << q.status().message();
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
