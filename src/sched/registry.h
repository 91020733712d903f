// The single source of the names a config chooses from (methods, exact
// engines, exact starts, tasks) and of the schedulers behind the method
// names. The config's key table (config/config.cpp: choices, --help,
// docs/config.md), main's task dispatch and MPI allow-list, and
// MakeScheduler all read these tables; a name no table holds is refused
// with a one-line Status (exit 2).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "sched/exact.h"
#include "sched/scheduler.h"

namespace respect {

enum class Method { kHeuristic, kExact, kRl, kTwoPhase, kDpTopo, kList };
enum class Task { kSchedule, kCompare, kLabel, kTrain, kDeploy, kDevices };
// solver.start: exact's MIP start (registry.cpp ExactWithStartSearch).
enum class StartChoice { kAuto, kDpTopo, kTwoPhase };

// One row of a name table: the enum value, its config name, a short help.
template <class E>
struct NamedChoice {
  E id;
  const char* name;
  const char* help;
};

const std::vector<NamedChoice<Method>>& MethodChoices();
const std::vector<NamedChoice<ExactEngine>>& EngineChoices();  // solver.engine, policy.window_engine
const std::vector<NamedChoice<StartChoice>>& StartChoices();
const std::vector<NamedChoice<Task>>& TaskChoices();
// Whether the task shares its work across ranks under mpirun (label, train);
// every other task runs as one process.
bool TaskRunsUnderMpi(Task task);

// The names of a table, in its order.
template <class E>
std::vector<std::string> ChoiceNames(const std::vector<NamedChoice<E>>& rows) {
  std::vector<std::string> names;
  for (const auto& r : rows) names.push_back(r.name);
  return names;
}

// Name -> enum; an unknown name is InvalidInput "unknown <what> 'x' (one of
// a | b | c)".
StatusOr<Method> ParseMethod(const std::string& name);
StatusOr<ExactEngine> ParseEngine(const std::string& name);
StatusOr<StartChoice> ParseStart(const std::string& name);
StatusOr<Task> ParseTask(const std::string& name);

// Known method names (heuristic, exact, rl, two_phase, dp_topo, list).
const std::vector<std::string>& KnownMethods();

// Exact-solver options from the config's solver section (an unknown engine
// name is refused).
StatusOr<ExactOptions> ExactOptionsFrom(const Config& config);

// A new scheduler for `method`, configured from `config`. Caller owns it.
StatusOr<std::unique_ptr<Scheduler>> MakeScheduler(const std::string& method, const Config& config);

// Convenience: make and run.
StatusOr<ScheduleResult> ScheduleWithMethod(const Problem& problem, const std::string& method, const Config& config);

}  // namespace respect
