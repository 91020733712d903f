// The scheduler interface. Every method returns a ScheduleResult whose figures
// come from evaluate() (never from the method itself).
#pragma once

#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/deadline.h"
#include "core/solve_context.h"
#include "core/status.h"
#include "cost/evaluate.h"
#include "cost/problem.h"
#include "sched/solve_stats.h"

namespace respect {

struct ScheduleResult {
  std::string method;
  SolveStatus status = SolveStatus::kInvalid;
  Schedule schedule;
  Evaluation eval;        // evaluate(problem, schedule)
  double objective = 0;   // == eval.objective
  double bound = 0;       // proven lower bound; == objective for optimal; NaN if unknown
  double seconds = 0;     // wall time of the whole method
  std::string message;    // e.g. why infeasible
  // The policy weights the method ran (rl, two_phase): the file loaded, or
  // "random (seed N)"; "" for methods without a policy.
  std::string policy_weights;
  // Method-specific figures, typed per engine (sched/solve_stats.h); written
  // to the schedule JSON under their keys by ForEachStat.
  SolveStats stats;
  // (seconds since the method started, objective) each time its best
  // schedule improved, when the method records it (two_phase): the primal
  // curve. Written to the schedule JSON as "incumbent_trace".
  std::vector<std::pair<double, double>> incumbent_trace;
  // two_phase's window rounds, in order. Written to the schedule JSON as
  // "window_rounds".
  struct WindowRound {
    double start_s = 0;         // seconds since the method started, when its ILP began
    double end_s = 0;           // seconds since the method started, when the round ended
    double limit_s = 0;         // the round's time limit (what was left, or an LNS round's share)
    double build_s = 0;         // of which building the windowed model
    double solver_s = 0;        // and the solver (Cbc) itself
    int64_t free_binaries = 0;  // sum of hi - lo over its windows
    int open_nodes = 0;         // nodes whose window was open
    double scale = 1;           // RoundHistory::scale (learned LNS)
    bool closed = false;        // Cbc proved the windows' optimum
    bool improved = false;      // the round bettered the best schedule
    double objective = 0;       // the best objective after the round
  };
  std::vector<WindowRound> window_rounds;
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual std::string name() const = 0;
  // Status is an error when the call failed (bad input, solver failure).
  // A proven-infeasible problem is ok() with result.status == kInfeasible.
  virtual StatusOr<ScheduleResult> Run(const Problem& problem) = 0;
  // The run as a phase of a larger solve: under ctx's deadline (its stop
  // token and trace where the method reads them). The default is Run, for
  // methods without a limit (heuristic, list, brute force); exact,
  // two_phase, rl and dp_topo override it and then read no limit of their
  // options.
  virtual StatusOr<ScheduleResult> Solve(const Problem& problem, const SolveContext& ctx) {
    (void)ctx;
    return Run(problem);
  }
  // The limit Run gives itself (its options'); +inf for methods without one.
  virtual double time_limit_s() const { return std::numeric_limits<double>::infinity(); }
  // Run that ends early once `stop` is requested (from any thread: a signal
  // watcher, core/signal_stop.h): Solve under a root context of
  // time_limit_s() whose token is a child of `stop`. A stopped run returns
  // the best schedule it has (evaluate()d by FinishResult, as always) with
  // the bound proven by then, its status what was proven (feasible unless
  // the proof was complete), and stats.stopped set. A request before the
  // call still runs the methods without a limit (heuristic, list) and gives
  // exact the start it finds first. `spent_s`: seconds of the limit the
  // caller used already (the schedule task's reading of the model: a limit
  // is judged by the wall clock of the whole run); the run gets
  // time_limit_s() - spent_s, at least 0. Status as Run.
  StatusOr<ScheduleResult> RunUntil(const Problem& problem, const StopToken& stop, double spent_s = 0.0);
};

// Starts a result for `method`: an error Status for a malformed problem
// (Problem::Validate), or Ok with result->status == kInfeasible (and
// Problem::NoScheduleReason in message) when the settings admit no schedule.
// Callers return early then.
Status BeginResult(const Problem& problem, const std::string& method, ScheduleResult* result);

// Fills eval/objective from the schedule and stamps the method name.
// Returns Internal if a method produced an infeasible schedule it called feasible.
Status FinishResult(const Problem& problem, ScheduleResult* result);

// The frame of a scheduler's Run: BeginResult (a problem proven infeasible
// is returned as it is), fill(&result) (an error stops there), the wall time
// since the start, FinishResult.
template <class Fill>
StatusOr<ScheduleResult> RunWithResult(const Problem& problem, const std::string& method, Fill fill) {
  const Stopwatch clock;
  ScheduleResult r;
  RESPECT_RETURN_IF_ERROR(BeginResult(problem, method, &r));
  if (r.status == SolveStatus::kInfeasible) return r;
  RESPECT_RETURN_IF_ERROR(fill(&r));
  r.seconds = clock.Seconds();
  RESPECT_RETURN_IF_ERROR(FinishResult(problem, &r));
  return r;
}

}  // namespace respect
