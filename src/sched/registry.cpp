#include "sched/registry.h"

#include "sched/heuristic.h"

namespace respect {

const std::vector<std::string>& KnownMethods() {
  static const std::vector<std::string> m = {"heuristic", "exact", "rl", "two_phase", "dp_topo", "list"};
  return m;
}

StatusOr<std::unique_ptr<Scheduler>> MakeScheduler(const std::string& method, const Config& config) {
  if (method == "heuristic") return std::unique_ptr<Scheduler>(new HeuristicScheduler());
  return Status::Invalid("method '" + method + "' is not available in this build");
}

StatusOr<ScheduleResult> ScheduleWithMethod(const Problem& problem, const std::string& method, const Config& config) {
  auto s = MakeScheduler(method, config);
  if (!s.ok()) return s.status();
  return (*s)->Run(problem);
}

}  // namespace respect
