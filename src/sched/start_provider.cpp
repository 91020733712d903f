#include "sched/start_provider.h"

#include <algorithm>

#include "sched/list_schedule.h"

namespace respect {

StatusOr<Schedule> DpTopoStart::Start(const Problem& problem, const SolveContext& ctx) {
  auto r = DpTopoScheduler().Solve(problem, ctx);
  if (!r.ok()) return r.status();
  if (r->status != SolveStatus::kFeasible && r->status != SolveStatus::kOptimal)
    return Status::Invalid("dp_topo found no start: " + r->message);
  return std::move(r->schedule);
}

}  // namespace respect
