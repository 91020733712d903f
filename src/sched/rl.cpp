#include "sched/rl.h"

#include <cmath>
#include <limits>

#include "core/deadline.h"
#include "core/time_shares.h"
#include "core/option_bounds.h"
#include "sched/split.h"

namespace respect {

std::string RlWeightsSource(const RlOptions& options) {
  if (options.weights == "random") return "random (policy.seed " + std::to_string(options.seed) + ")";
  return ResolveWeightsPath(options.weights);
}

Status RlScheduler::EnsurePolicy() {
  if (policy_) return Status::Ok();
  if (options_.weights == "random") {
    // The shipped network's shape with fresh weights: the control that shows
    // what training adds (policy.weights: random).
    auto shipped = PointerPolicy::Load(DefaultWeightsPath());
    auto random = PointerPolicy::Random(shipped.ok() ? (*shipped)->hparams() : PolicyHParams{}, options_.seed);
    if (!random) return Status::Internal("random policy: invalid shipped hyper-parameters");
    policy_ = std::shared_ptr<const PointerPolicy>(std::move(random));
    return Status::Ok();
  }
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

Status RlOptions::Validate() const {
  const std::string owner = "rl options";
  RESPECT_RETURN_IF_ERROR(CheckOptionBounds(owner, "decode.beam_width", decode.beam_width, option_bounds::kBeamWidth));
  RESPECT_RETURN_IF_ERROR(CheckOptionBounds(owner, "decode.samples", decode.samples, option_bounds::kSamples));
  RESPECT_RETURN_IF_ERROR(CheckOptionBounds(owner, "sample_time_s", sample_time_s, option_bounds::kSampleTimeS));
  if (!(decode.temperature > 0.0) || std::isinf(decode.temperature))
    return Status::Invalid(owner + ": decode.temperature = " + std::to_string(decode.temperature) + " (must be > 0)");
  if (!(time_limit_s >= 0.0))
    return Status::Invalid(owner + ": time_limit_s = " + std::to_string(time_limit_s) + " (must be >= 0, +inf: none)");
  return Status::Ok();
}

StatusOr<ScheduleResult> RlScheduler::Run(const Problem& problem) {
  return Solve(problem, SolveContext(options_.time_limit_s));
}

StatusOr<ScheduleResult> RlScheduler::Solve(const Problem& problem, const SolveContext& ctx) {
  RESPECT_RETURN_IF_ERROR(options_.Validate());
  const Stopwatch t0(ctx.deadline().start());
  const double limit_s = ctx.limit_s();
  ScheduleResult r;
  RESPECT_RETURN_IF_ERROR(BeginResult(problem, name(), &r));
  if (r.status == SolveStatus::kInfeasible) return r;
  RESPECT_RETURN_IF_ERROR(EnsurePolicy());
  const bool budgeted = options_.decode.mode == DecodeMode::kSample && options_.sample_time_s > 0;
  double decode_ms = 0, split_ms = 0, best_obj = std::numeric_limits<double>::infinity();
  int candidates = 0, best_i = -1, rounds = 0, truncated = 0;
  bool all_optimal = true;
  std::string last_error;
  DecodeOptions decode = options_.decode;
  for (;;) {
    const Stopwatch t_dec;
    decode.time_limit_s = ctx.ShareOfLeft(time_shares::kRlDecode);
    auto cands = policy_->DecodeCandidates(problem.g(), decode);
    if (!cands.ok()) return cands.status();
    decode_ms += 1e3 * t_dec.Seconds();
    for (const auto& c : *cands)
      if (c.network_steps < static_cast<int>(c.order.size())) ++truncated;
    const Stopwatch t_split;
    std::vector<const std::vector<int>*> orders;
    for (const auto& c : *cands) orders.push_back(&c.order);
    auto split = BestSplitOfOrders(problem, orders, limit_s - t0.Seconds(), ctx.stop());
    if (!split.ok()) return split.status();
    split_ms += 1e3 * t_split.Seconds();
    all_optimal = all_optimal && split->all_optimal;
    if (split->best < 0) last_error = split->last_infeasible;
    if (split->best >= 0 && split->objective < best_obj) {
      best_obj = split->objective;
      best_i = candidates + split->best;
      r.schedule = std::move(split->schedule);
    }
    candidates += static_cast<int>(cands->size());
    ++rounds;
    const double spent = t0.Seconds();
    if (!budgeted || spent >= options_.sample_time_s || spent >= limit_s || ctx.stop().Requested()) break;
    // The next round: fresh samples only (greedy is in already).
    decode.include_greedy = false;
    decode.seed = options_.decode.seed + 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(rounds);
  }
  r.stats.order.split_time_limit = !all_optimal;
  if (truncated > 0) r.stats.rl.decode_truncated = truncated;
  r.stats.rl.decode_ms = decode_ms;
  r.stats.rl.split_ms = split_ms;
  r.stats.rl.candidates = candidates;
  r.stats.rl.rounds = rounds;
  r.seconds = t0.Seconds();
  if (best_i < 0) {
    // No order of the policy splits feasibly (e.g. children_same_stage); not
    // a proof that the problem is infeasible.
    r.status = SolveStatus::kInvalid;
    r.message = "no decoded order has a feasible split: " + last_error;
    return r;
  }
  r.policy_weights = RlWeightsSource(options_);
  r.stats.rl.best_candidate = best_i;
  r.status = SolveStatus::kFeasible;
  RESPECT_RETURN_IF_ERROR(FinishResult(problem, &r));
  return r;
}

}  // namespace respect
