#include "sched/registry.h"

#include "sched/exact.h"
#include "sched/heuristic.h"
#include "sched/list_schedule.h"
#include "sched/rl.h"
#include "twophase/two_phase.h"

namespace respect {

const std::vector<std::string>& KnownMethods() {
  static const std::vector<std::string> m = {"heuristic", "exact", "rl", "two_phase", "dp_topo", "list"};
  return m;
}

ExactEngine ParseEngine(const std::string& name) {
  if (name == "cbc_main") return ExactEngine::kCbcMain;
  if (name == "cbc_direct") return ExactEngine::kCbcDirect;
  if (name == "lattice") return ExactEngine::kLattice;
  return ExactEngine::kAuto;  // values are checked by the config table
}

ExactOptions ExactOptionsFrom(const Config& config) {
  ExactOptions o;
  o.time_limit_s = config.solver.time_limit_s;
  o.threads = config.solver.threads;
  o.relative_gap = config.solver.relative_gap;
  o.verbose = config.solver.verbose;
  o.progress = config.solver.progress;
  o.write_lp = config.solver.write_lp;
  o.engine = ParseEngine(config.solver.engine);
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

TwoPhaseOptions TwoPhaseOptionsFrom(const Config& config, const RlOptions& rl) {
  TwoPhaseOptions t;
  t.rl = rl;
  t.exact = ExactOptionsFrom(config);
  t.window = config.policy.window;
  t.max_widen = config.policy.max_widen;
  t.certify = config.policy.certify;
  t.bound_thread = true;
  t.window_engine = ParseEngine(config.policy.window_engine);
  t.windows = config.policy.windows == "learned" ? WindowMode::kLearned : WindowMode::kUniform;
  t.window_weights = config.policy.weights == "random" && config.policy.window_weights == "default"
                         ? "random"
                         : config.policy.window_weights;
  t.window_seed = static_cast<uint64_t>(config.policy.seed);
  t.window_budget = config.policy.window_budget;
  return t;
}

// exact with solver.start two_phase / auto: two_phase under the given
// seconds supplies the MIP start (ExactOptions::start_search).
ExactOptions ExactWithStartSearch(const Config& config) {
  ExactOptions o = ExactOptionsFrom(config);
  if (config.solver.start == "dp_topo") return o;
  if (config.solver.start == "two_phase") o.start_search_min_nodes = 0;
  o.start_search = [config](const Problem& problem, double seconds) -> StatusOr<Schedule> {
    auto rl = RlOptionsFrom(config);
    if (!rl.ok()) return rl.status();
    TwoPhaseOptions t = TwoPhaseOptionsFrom(config, *rl);
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
  if (method == "heuristic") return std::unique_ptr<Scheduler>(new HeuristicScheduler());
  if (method == "exact") return std::unique_ptr<Scheduler>(new ExactScheduler(ExactWithStartSearch(config)));
  if (method == "dp_topo") return std::unique_ptr<Scheduler>(new DpTopoScheduler(config.solver.time_limit_s));
  if (method == "list") return std::unique_ptr<Scheduler>(new ListScheduler());
  if (method == "rl" || method == "two_phase") {
    auto rl = RlOptionsFrom(config);
    if (!rl.ok()) return rl.status();
    if (method == "rl") return std::unique_ptr<Scheduler>(new RlScheduler(*rl));
    return std::unique_ptr<Scheduler>(new TwoPhaseScheduler(TwoPhaseOptionsFrom(config, *rl)));
  }
  return Status::Invalid("unknown method '" + method + "'");
}

StatusOr<ScheduleResult> ScheduleWithMethod(const Problem& problem, const std::string& method, const Config& config) {
  auto s = MakeScheduler(method, config);
  if (!s.ok()) return s.status();
  return (*s)->Run(problem);
}

}  // namespace respect
