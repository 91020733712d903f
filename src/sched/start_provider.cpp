#include "sched/start_provider.h"

#include <algorithm>

#include "sched/list_schedule.h"

namespace respect {

StatusOr<Schedule> DpTopoStart::Start(const Problem& problem, const SolveContext& ctx) {
  DpTopoScheduler dp(std::max(0.0, ctx.Left()));
  auto r = dp.Run(problem);
  if (!r.ok()) return r.status();
  if (r->status != SolveStatus::kFeasible && r->status != SolveStatus::kOptimal)
    return Status::Invalid("dp_topo found no start: " + r->message);
  return std::move(r->schedule);
}

}  // namespace respect
