// Method names -> schedulers, configured from the Config.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "sched/exact.h"
#include "sched/scheduler.h"

namespace respect {

// Known method names (heuristic, exact, rl, two_phase, dp_topo, list).
const std::vector<std::string>& KnownMethods();

// Exact-solver options from the config's solver section.
ExactOptions ExactOptionsFrom(const Config& config);

// A new scheduler for `method`, configured from `config`. Caller owns it.
StatusOr<std::unique_ptr<Scheduler>> MakeScheduler(const std::string& method, const Config& config);

// Convenience: make and run.
StatusOr<ScheduleResult> ScheduleWithMethod(const Problem& problem, const std::string& method, const Config& config);

}  // namespace respect
