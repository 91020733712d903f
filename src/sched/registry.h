// The single source of the names a config chooses from (methods, exact
// engines, exact starts, tasks), of the schedulers behind the method names
// (one factory per method row) and of the engines behind the engine names
// (sched/engines.h). The config's key table (config/config.cpp: choices,
// --help, docs/config.md), main's task dispatch, its MPI allow-list and the
// run's path checks (app/run_paths.cpp), and MakeScheduler all read these
// tables; a name no table holds is refused with a one-line Status (exit 2).
// Methods and engines take rows registered at run time (tests prove the
// seam with fakes); tasks and starts are fixed.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "sched/choice_ids.h"
#include "sched/engines.h"
#include "sched/exact.h"
#include "sched/scheduler.h"

namespace respect {

// Method, Task, StartChoice and ExactEngine: sched/choice_ids.h.

// One row of a name table: the enum value, its config name, a short help.
template <class E>
struct NamedChoice {
  E id;
  const char* name;
  const char* help;
};

// A method row: its name and help, and the factory of its scheduler from
// the config (its options checked there: Validate of the options it builds).
using MethodFactory = std::function<StatusOr<std::unique_ptr<Scheduler>>(const Config&)>;
struct MethodRow {
  Method id;
  const char* name;  // a string literal: rows outlive every use
  const char* help;
  MethodFactory make;
};

const std::vector<MethodRow>& MethodChoices();
const std::vector<EngineRow>& EngineChoices();  // solver.engine, policy.window_engine (sched/engines.h)
const std::vector<NamedChoice<StartChoice>>& StartChoices();
// A task row: its name, help, and whether it shares its work across ranks
// under mpirun (label, train; every other task runs as one process: main's
// MPI allow-list). Its runner is main's switch over Task (src/app/).
struct TaskRow {
  Task id;
  const char* name;
  const char* help;
  bool runs_under_mpi;
};
const std::vector<TaskRow>& TaskChoices();
bool TaskRunsUnderMpi(Task task);  // the row's runs_under_mpi

// Adds a method row whose name no row holds yet (row.id is ignored): its id
// is the next free Method value; the config's `methods` key, ParseMethod and
// MakeScheduler take it at once. For tests and plug-ins; not thread-safe:
// register before loading configs or solving.
StatusOr<Method> RegisterMethod(MethodRow row);
// Removes the row RegisterMethod returned last; false when `id` is not it.
bool UnregisterMethod(Method id);

// The names of a table (rows with a `name`), in its order.
template <class Rows>
std::vector<std::string> ChoiceNames(const Rows& rows) {
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

// Id -> name; "" when no row holds the id (a value cast in code).
std::string MethodName(Method id);
std::string EngineName(ExactEngine id);
std::string StartName(StartChoice id);
std::string TaskName(Task id);

// Known method names (heuristic, exact, rl, two_phase, dp_topo, list, then
// registered ones).
std::vector<std::string> KnownMethods();

// Exact-solver options from the config's solver section (an engine id no row
// holds is refused, by ExactOptions::Validate).
StatusOr<ExactOptions> ExactOptionsFrom(const Config& config);

// A new scheduler for `method` (its row's factory), configured from
// `config`. Caller owns it.
StatusOr<std::unique_ptr<Scheduler>> MakeScheduler(Method method, const Config& config);
StatusOr<std::unique_ptr<Scheduler>> MakeScheduler(const std::string& method, const Config& config);

// Convenience: make and run.
StatusOr<ScheduleResult> ScheduleWithMethod(const Problem& problem, Method method, const Config& config);
StatusOr<ScheduleResult> ScheduleWithMethod(const Problem& problem, const std::string& method, const Config& config);
// Make and RunUntil: the run ends early once `stop` is requested (any
// thread), with its best schedule so far and stats.stopped; `spent_s` of
// the limit is taken as used already (Scheduler::RunUntil).
StatusOr<ScheduleResult> ScheduleWithMethod(const Problem& problem, Method method, const Config& config,
                                            const StopToken& stop, double spent_s = 0.0);

}  // namespace respect
