#include "sched/registry.h"

#include "sched/exact.h"
#include "sched/heuristic.h"
#include "sched/list_schedule.h"
#include "sched/rl.h"
#include "twophase/two_phase.h"

namespace respect {

const std::vector<NamedChoice<Method>>& MethodChoices() {
  static const std::vector<NamedChoice<Method>> rows = {
      {Method::kHeuristic, "heuristic", "the vendor-style greedy split"},
      {Method::kExact, "exact", "the proven optimum (lattice DP, cut bound, Cbc)"},
      {Method::kRl, "rl", "the learned pointer policy's orders, split optimally"},
      {Method::kTwoPhase, "two_phase", "the policy's schedule refined by exact windows"},
      {Method::kDpTopo, "dp_topo", "the best split of natural topological orders"},
      {Method::kList, "list", "list scheduling by stage weight"},
  };
  return rows;
}

const std::vector<NamedChoice<ExactEngine>>& EngineChoices() {
  static const std::vector<NamedChoice<ExactEngine>> rows = {
      {ExactEngine::kAuto, "auto", "lattice DP for a share of the limit, then Cbc"},
      {ExactEngine::kCbcMain, "cbc_main", "Cbc through CbcMain, the cbc program's defaults"},
      {ExactEngine::kCbcDirect, "cbc_direct", "Cbc through CbcModel, fixed cuts and heuristics"},
      {ExactEngine::kLattice, "lattice", "the lattice DP for the whole limit"},
  };
  return rows;
}

const std::vector<NamedChoice<StartChoice>>& StartChoices() {
  static const std::vector<NamedChoice<StartChoice>> rows = {
      {StartChoice::kAuto, "auto", "two_phase from 500 nodes, else dp_topo"},
      {StartChoice::kDpTopo, "dp_topo", "the best natural-order split"},
      {StartChoice::kTwoPhase, "two_phase",
       "two_phase for four fifths of the limit, 95% above 2,048 nodes, after the lattice share"},
  };
  return rows;
}

const std::vector<NamedChoice<Task>>& TaskChoices() {
  static const std::vector<NamedChoice<Task>> rows = {
      {Task::kSchedule, "schedule", "schedule one model"},
      {Task::kCompare, "compare", "methods x models x stage counts"},
      {Task::kLabel, "label", "generate a label dataset (shares work under mpirun)"},
      {Task::kTrain, "train", "train the policy (shares work under mpirun)"},
      {Task::kDeploy, "deploy", "segment a model by a schedule"},
      {Task::kDevices, "devices", "list Edge TPU devices"},
  };
  return rows;
}

bool TaskRunsUnderMpi(Task task) { return task == Task::kLabel || task == Task::kTrain; }

namespace {

template <class E>
StatusOr<E> ParseChoice(const std::vector<NamedChoice<E>>& rows, const char* what, const std::string& name) {
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

const std::vector<std::string>& KnownMethods() {
  static const std::vector<std::string> m = ChoiceNames(MethodChoices());
  return m;
}

StatusOr<ExactOptions> ExactOptionsFrom(const Config& config) {
  auto engine = ParseEngine(config.solver.engine);
  if (!engine.ok()) return engine.status().WithContext("solver.engine");
  ExactOptions o;
  o.time_limit_s = config.solver.time_limit_s;
  o.threads = config.solver.threads;
  o.relative_gap = config.solver.relative_gap;
  o.verbose = config.solver.verbose;
  o.progress = config.solver.progress;
  o.write_lp = config.solver.write_lp;
  o.engine = *engine;
  o.incumbent_windows = config.solver.incumbent_windows;
  o.cut_bound = config.solver.cut_bound;
  o.cut_bound_ilp = config.solver.cut_bound_ilp;
  return o;
}

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

namespace {

StatusOr<TwoPhaseOptions> TwoPhaseOptionsFrom(const Config& config, const RlOptions& rl) {
  auto exact = ExactOptionsFrom(config);
  if (!exact.ok()) return exact.status();
  auto window_engine = ParseEngine(config.policy.window_engine);
  if (!window_engine.ok()) return window_engine.status().WithContext("policy.window_engine");
  TwoPhaseOptions t;
  t.rl = rl;
  t.exact = std::move(*exact);
  t.window = config.policy.window;
  t.max_widen = config.policy.max_widen;
  t.certify = config.policy.certify;
  t.bound_thread = true;
  t.window_engine = *window_engine;
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

// exact with solver.start two_phase / auto: two_phase under the given
// seconds supplies the MIP start (ExactOptions::start_search).
StatusOr<ExactOptions> ExactWithStartSearch(const Config& config) {
  auto o = ExactOptionsFrom(config);
  auto start = ParseStart(config.solver.start);
  if (!o.ok() || !start.ok()) return !o.ok() ? o.status() : start.status().WithContext("solver.start");
  if (*start == StartChoice::kDpTopo) return o;
  if (*start == StartChoice::kTwoPhase) o->start_search_min_nodes = 0;
  o->start_search = [config](const Problem& problem, double seconds) -> StatusOr<Schedule> {
    auto rl = RlOptionsFrom(config);
    if (!rl.ok()) return rl.status();
    auto two = TwoPhaseOptionsFrom(config, *rl);
    if (!two.ok()) return two.status();
    TwoPhaseOptions& t = *two;
    t.rl.time_limit_s = seconds;
    t.exact.time_limit_s = seconds;
    t.exact.progress = false;
    t.exact.write_lp.clear();
    t.certify = false;
    t.bound_thread = false;  // exact runs its own
    t.widen_to_limit = true;  // exact's start has its share to use: look wider once the rounds stop gaining
    auto r = TwoPhaseScheduler(t).Run(problem);
    if (!r.ok()) return r.status();
    if (r->status != SolveStatus::kFeasible && r->status != SolveStatus::kOptimal)
      return Status::Internal("two_phase start: " + r->message);
    return r->schedule;
  };
  return o;
}

}  // namespace

StatusOr<std::unique_ptr<Scheduler>> MakeScheduler(const std::string& method, const Config& config) {
  auto m = ParseMethod(method);
  if (!m.ok()) return m.status();
  using Made = StatusOr<std::unique_ptr<Scheduler>>;
  switch (*m) {
    case Method::kHeuristic: return Made(std::make_unique<HeuristicScheduler>());
    case Method::kDpTopo: return Made(std::make_unique<DpTopoScheduler>(config.solver.time_limit_s));
    case Method::kList: return Made(std::make_unique<ListScheduler>());
    case Method::kExact: {
      auto o = ExactWithStartSearch(config);
      if (!o.ok()) return o.status();
      return Made(std::make_unique<ExactScheduler>(std::move(*o)));
    }
    case Method::kRl:
    case Method::kTwoPhase: break;
  }
  auto rl = RlOptionsFrom(config);
  if (!rl.ok()) return rl.status();
  if (*m == Method::kRl) return Made(std::make_unique<RlScheduler>(*rl));
  auto t = TwoPhaseOptionsFrom(config, *rl);
  if (!t.ok()) return t.status();
  return Made(std::make_unique<TwoPhaseScheduler>(std::move(*t)));
}

StatusOr<ScheduleResult> ScheduleWithMethod(const Problem& problem, const std::string& method, const Config& config) {
  auto s = MakeScheduler(method, config);
  if (!s.ok()) return s.status();
  return (*s)->Run(problem);
}

}  // namespace respect
