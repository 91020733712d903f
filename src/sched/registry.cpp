#include "sched/registry.h"

#include "sched/exact.h"
#include "sched/heuristic.h"
#include "sched/list_schedule.h"
#include "sched/row_table.h"
#include "sched/rl.h"
#include "twophase/two_phase.h"
#include "twophase/two_phase_start.h"

namespace respect {

namespace {

StatusOr<RlOptions> RlOptionsFrom(const Config& config);
StatusOr<TwoPhaseOptions> TwoPhaseOptionsFrom(const Config& config, const RlOptions& rl);
using Made = StatusOr<std::unique_ptr<Scheduler>>;
Made MakeExact(const Config& config);

// A factory for a scheduler built from options made (and checked) from the
// config.
template <class S, class Options>
Made MadeFrom(StatusOr<Options> options) {
  if (!options.ok()) return options.status();
  RESPECT_RETURN_IF_ERROR(options->Validate());
  return Made(std::make_unique<S>(std::move(*options)));
}

Made MakeTwoPhase(const Config& config) {
  auto rl = RlOptionsFrom(config);
  if (!rl.ok()) return rl.status();
  return MadeFrom<TwoPhaseScheduler>(TwoPhaseOptionsFrom(config, *rl));
}

std::vector<MethodRow>& MutableMethodRows() {
  static std::vector<MethodRow> rows = {
      {Method::kHeuristic, "heuristic", "the vendor-style greedy split",
       [](const Config&) { return Made(std::make_unique<HeuristicScheduler>()); }},
      {Method::kExact, "exact", "the proven optimum (lattice DP, cut bound, Cbc)",
       MakeExact},
      {Method::kRl, "rl", "the learned pointer policy's orders, split optimally",
       [](const Config& c) { return MadeFrom<RlScheduler>(RlOptionsFrom(c)); }},
      {Method::kTwoPhase, "two_phase", "the policy's schedule refined by exact windows", MakeTwoPhase},
      {Method::kDpTopo, "dp_topo", "the best split of natural topological orders",
       [](const Config& c) { return Made(std::make_unique<DpTopoScheduler>(c.solver.time_limit_s)); }},
      {Method::kList, "list", "list scheduling by stage weight",
       [](const Config&) { return Made(std::make_unique<ListScheduler>()); }},
  };
  return rows;
}

constexpr size_t kBuiltInMethods = 6;

}  // namespace

const std::vector<MethodRow>& MethodChoices() { return MutableMethodRows(); }

StatusOr<Method> RegisterMethod(MethodRow row) {
  const bool has_factory = static_cast<bool>(row.make);
  return AppendRow(&MutableMethodRows(), std::move(row), has_factory, "method");
}

bool UnregisterMethod(Method id) { return RemoveLastRow(&MutableMethodRows(), id, kBuiltInMethods); }

const std::vector<EngineRow>& EngineChoices() { return EngineRows(); }

const std::vector<NamedChoice<StartChoice>>& StartChoices() {
  static const std::vector<NamedChoice<StartChoice>> rows = {
      {StartChoice::kAuto, "auto", "two_phase from 500 nodes, else dp_topo"},
      {StartChoice::kDpTopo, "dp_topo", "the best natural-order split"},
      {StartChoice::kTwoPhase, "two_phase",
       "two_phase for four fifths of the limit, 95% above 2,048 nodes, after the lattice share"},
  };
  return rows;
}

const std::vector<TaskRow>& TaskChoices() {
  static const std::vector<TaskRow> rows = {
      {Task::kSchedule, "schedule", "schedule one model", false},
      {Task::kCompare, "compare", "methods x models x stage counts", false},
      {Task::kLabel, "label", "generate a label dataset (shares work under mpirun)", true},
      {Task::kTrain, "train", "train the policy (shares work under mpirun)", true},
      {Task::kDeploy, "deploy", "segment a model by a schedule", false},
      {Task::kDevices, "devices", "list Edge TPU devices", false},
      {Task::kCalibrate, "calibrate", "fit the edgetpu.* latency constants to measured segment times", false},
  };
  return rows;
}

bool TaskRunsUnderMpi(Task task) {
  for (const TaskRow& row : TaskChoices())
    if (row.id == task) return row.runs_under_mpi;
  return false;
}

namespace {

template <class Rows>
auto ParseChoice(const Rows& rows, const char* what, const std::string& name) -> StatusOr<decltype(rows[0].id)> {
  std::string list;
  for (const auto& r : rows) {
    if (name == r.name) return r.id;
    list += (list.empty() ? "" : " | ") + std::string(r.name);
  }
  return Status::Invalid(std::string("unknown ") + what + " '" + name + "' (one of " + list + ")");
}

}  // namespace

StatusOr<Method> ParseMethod(const std::string& name) { return ParseChoice(MethodChoices(), "method", name); }
StatusOr<ExactEngine> ParseEngine(const std::string& name) { return ParseChoice(EngineChoices(), "engine", name); }
StatusOr<StartChoice> ParseStart(const std::string& name) { return ParseChoice(StartChoices(), "start", name); }
StatusOr<Task> ParseTask(const std::string& name) { return ParseChoice(TaskChoices(), "task", name); }

namespace {

template <class Rows, class Id>
std::string NameOf(const Rows& rows, Id id) {
  for (const auto& r : rows)
    if (r.id == id) return r.name;
  return "";
}

}  // namespace

std::string MethodName(Method id) { return NameOf(MethodChoices(), id); }
std::string EngineName(ExactEngine id) { return NameOf(EngineChoices(), id); }
std::string StartName(StartChoice id) { return NameOf(StartChoices(), id); }
std::string TaskName(Task id) { return NameOf(TaskChoices(), id); }

std::vector<std::string> KnownMethods() { return ChoiceNames(MethodChoices()); }

StatusOr<ExactOptions> ExactOptionsFrom(const Config& config) {
  ExactOptions o;
  o.time_limit_s = config.solver.time_limit_s;
  o.threads = config.solver.threads;
  o.relative_gap = config.solver.relative_gap;
  o.verbose = config.solver.verbose;
  o.progress = config.solver.progress;
  o.write_lp = config.solver.write_lp;
  o.write_mip_start = config.solver.write_mip_start;
  o.engine = config.solver.engine;
  o.incumbent_windows = config.solver.incumbent_windows;
  o.cut_bound = config.solver.cut_bound;
  o.cut_bound_ilp = config.solver.cut_bound_ilp;
  return o;
}

namespace {

StatusOr<RlOptions> RlOptionsFrom(const Config& config) {
  RlOptions o;
  o.weights = config.policy.weights;
  auto mode = ParseDecodeMode(config.policy.decode);
  if (!mode.ok()) return mode.status();
  o.decode.mode = *mode;
  o.decode.beam_width = config.policy.beam_width;
  o.decode.samples = config.policy.samples;
  o.sample_time_s = config.policy.sample_time_s;
  o.seed = static_cast<uint64_t>(config.policy.seed);
  o.time_limit_s = config.solver.time_limit_s;
  return o;
}

StatusOr<TwoPhaseOptions> TwoPhaseOptionsFrom(const Config& config, const RlOptions& rl) {
  auto exact = ExactOptionsFrom(config);
  if (!exact.ok()) return exact.status();
  TwoPhaseOptions t;
  t.rl = rl;
  t.exact = std::move(*exact);
  t.window = config.policy.window;
  t.max_widen = config.policy.max_widen;
  t.certify = config.policy.certify;
  t.bound_thread = true;
  t.window_engine = config.policy.window_engine;
  auto windows = ParseWindowMode(config.policy.windows);
  if (!windows.ok()) return windows.status();
  t.windows = *windows;
  t.window_weights = config.policy.weights == "random" && config.policy.window_weights == "default"
                         ? "random"
                         : config.policy.window_weights;
  t.window_seed = static_cast<uint64_t>(config.policy.seed);
  t.window_budget = config.policy.window_budget;
  t.window_group = config.policy.window_group;
  return t;
}

// exact, with solver.start two_phase / auto: two_phase's window search as its
// start search (the provider of twophase/two_phase_start.h, built here so
// that exact never names two_phase).
Made MakeExact(const Config& config) {
  auto o = ExactOptionsFrom(config);
  if (!o.ok()) return o.status();
  RESPECT_RETURN_IF_ERROR(o->Validate());
  ExactStarts starts;
  if (config.solver.start != StartChoice::kDpTopo) {
    if (config.solver.start == StartChoice::kTwoPhase) o->start_search_min_nodes = 0;
    auto rl = RlOptionsFrom(config);
    starts.search = std::make_shared<TwoPhaseStart>(rl.ok() ? TwoPhaseOptionsFrom(config, *rl)
                                                            : StatusOr<TwoPhaseOptions>(rl.status()));
  }
  return Made(std::make_unique<ExactScheduler>(std::move(*o), nullptr, std::move(starts)));
}

}  // namespace

StatusOr<std::unique_ptr<Scheduler>> MakeScheduler(Method method, const Config& config) {
  for (const MethodRow& row : MethodChoices())
    if (row.id == method) return row.make(config);
  return Status::Invalid("method " + std::to_string(static_cast<int>(method)) + " has no registry row");
}

StatusOr<std::unique_ptr<Scheduler>> MakeScheduler(const std::string& method, const Config& config) {
  auto m = ParseMethod(method);
  if (!m.ok()) return m.status();
  return MakeScheduler(*m, config);
}

StatusOr<ScheduleResult> ScheduleWithMethod(const Problem& problem, Method method, const Config& config) {
  auto s = MakeScheduler(method, config);
  if (!s.ok()) return s.status();
  return (*s)->Run(problem);
}

StatusOr<ScheduleResult> ScheduleWithMethod(const Problem& problem, const std::string& method, const Config& config) {
  auto m = ParseMethod(method);
  if (!m.ok()) return m.status();
  return ScheduleWithMethod(problem, *m, config);
}

StatusOr<ScheduleResult> ScheduleWithMethod(const Problem& problem, Method method, const Config& config,
                                            const StopToken& stop, double spent_s) {
  auto s = MakeScheduler(method, config);
  if (!s.ok()) return s.status();
  return (*s)->RunUntil(problem, stop, spent_s);
}

}  // namespace respect
