#include "twophase/two_phase_start.h"

#include <utility>

namespace respect {

TwoPhaseStart::TwoPhaseStart(StatusOr<TwoPhaseOptions> options) : options_(std::move(options)) {
  if (!options_.ok()) return;
  TwoPhaseOptions& t = *options_;
  t.exact.progress = false;
  t.exact.write_lp.clear();
  t.exact.write_mip_start.clear();
  t.certify = false;
  t.bound_thread = false;   // exact runs its own beside the search
  t.widen_to_limit = true;  // exact's start has its share to use: look wider once the rounds stop gaining
}

StatusOr<Schedule> TwoPhaseStart::Start(const Problem& problem, const SolveContext& ctx) {
  if (!options_.ok()) return options_.status();
  auto r = TwoPhaseScheduler(*options_).Solve(problem, ctx);
  if (!r.ok()) return r.status();
  if (r->status != SolveStatus::kFeasible && r->status != SolveStatus::kOptimal)
    return Status::Internal("two_phase start: " + r->message);
  return std::move(r->schedule);
}

}  // namespace respect
