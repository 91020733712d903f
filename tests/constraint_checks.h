// What the constraint suites (pins, activation) share (tests only): a quick
// config, every method that must keep a constraint, and "has a schedule".
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "sched/scheduler.h"

namespace respect {
namespace constraint_checks {

// Defaults, a 10 s limit per method, no progress lines.
inline Config SmallConfig() {
  Config c;
  c.solver.time_limit_s = 10;
  c.solver.progress = false;
  return c;
}

// Every method that keeps the constraints (issue 26), by registry name.
inline const std::vector<std::string>& AllMethods() {
  static const std::vector<std::string> methods = {"heuristic", "dp_topo", "list", "exact", "rl", "two_phase"};
  return methods;
}

inline bool HasSchedule(const ScheduleResult& r) {
  return r.status == SolveStatus::kOptimal || r.status == SolveStatus::kFeasible;
}

}  // namespace constraint_checks
}  // namespace respect
