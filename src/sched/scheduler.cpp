#include "sched/scheduler.h"

#include <algorithm>
#include <cmath>

namespace respect {

Status BeginResult(const Problem& problem, const std::string& method, ScheduleResult* r) {
  r->method = method;
  r->bound = std::nan("");
  RESPECT_RETURN_IF_ERROR(problem.Validate());
  std::string why = problem.NoScheduleReason();
  if (!why.empty()) {
    r->status = SolveStatus::kInfeasible;
    r->message = std::move(why);
    r->objective = std::nan("");  // as FinishResult leaves an infeasible result
  }
  return Status::Ok();
}

Status FinishResult(const Problem& problem, ScheduleResult* r) {
  if (r->status == SolveStatus::kInfeasible || r->status == SolveStatus::kTimeLimit ||
      r->status == SolveStatus::kInvalid) {
    r->objective = std::nan("");
    return Status::Ok();
  }
  r->eval = Evaluate(problem, r->schedule);
  if (!r->eval.feasible)
    return Status::Internal(r->method + " returned an infeasible schedule: " + r->eval.violation);
  r->objective = r->eval.objective;
  if (r->status == SolveStatus::kOptimal) r->bound = r->objective;
  return Status::Ok();
}

StatusOr<ScheduleResult> Scheduler::RunUntil(const Problem& problem, const StopToken& stop, double spent_s) {
  auto r = Solve(problem, SolveContext(std::max(0.0, time_limit_s() - std::max(0.0, spent_s)), stop));
  // Marked when the request came before the result: every phase after it
  // returned what it had (a request after the run ended changed nothing).
  if (r.ok() && stop.Requested()) r->stats.stopped = true;
  return r;
}

}  // namespace respect
