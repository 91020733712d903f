#include "sched/rl.h"

#include <chrono>
#include <cmath>

#include "sched/split.h"

namespace respect {

namespace {
double Ms(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}
}  // namespace

Status RlScheduler::EnsurePolicy() {
  if (policy_) return Status::Ok();
  const std::string path = ResolveWeightsPath(options_.weights);
  auto p = PointerPolicy::Load(path);
  if (!p.ok()) {
    if (p.status().code() == StatusCode::kIoError)
      return Status::Io("policy weights '" + path + "' cannot be read (train them with scripts/train.sh, or set "
                        "policy.weights): " + p.status().message());
    return p.status();
  }
  policy_ = std::shared_ptr<const PointerPolicy>(std::move(p).value());
  return Status::Ok();
}

StatusOr<ScheduleResult> RlScheduler::Run(const Problem& problem) {
  const auto t0 = std::chrono::steady_clock::now();
  ScheduleResult r;
  RESPECT_RETURN_IF_ERROR(BeginResult(problem, name(), &r));
  if (r.status == SolveStatus::kInfeasible) return r;
  RESPECT_RETURN_IF_ERROR(EnsurePolicy());
  const auto t_dec = std::chrono::steady_clock::now();
  auto cands = policy_->DecodeCandidates(problem.g(), options_.decode);
  if (!cands.ok()) return cands.status();
  const auto t_split = std::chrono::steady_clock::now();
  std::vector<const std::vector<int>*> orders;
  for (const auto& c : *cands) orders.push_back(&c.order);
  const double decode_s = std::chrono::duration<double>(t_split - t0).count();
  auto split = BestSplitOfOrders(problem, orders, options_.time_limit_s - decode_s);
  if (!split.ok()) return split.status();
  const int best_i = split->best;
  const std::string last_error = split->last_infeasible;
  if (best_i >= 0) r.schedule = std::move(split->schedule);
  if (!split->all_optimal) r.stats["split_time_limit"] = 1;
  const auto t_end = std::chrono::steady_clock::now();
  r.stats["decode_ms"] = Ms(t_dec, t_split);
  r.stats["split_ms"] = Ms(t_split, t_end);
  r.stats["candidates"] = static_cast<double>(cands->size());
  r.seconds = std::chrono::duration<double>(t_end - t0).count();
  if (best_i < 0) {
    // No order of the policy splits feasibly (e.g. children_same_stage); not
    // a proof that the problem is infeasible.
    r.status = SolveStatus::kInvalid;
    r.message = "no decoded order has a feasible split: " + last_error;
    return r;
  }
  r.stats["best_candidate"] = best_i;
  r.status = SolveStatus::kFeasible;
  RESPECT_RETURN_IF_ERROR(FinishResult(problem, &r));
  return r;
}

}  // namespace respect
