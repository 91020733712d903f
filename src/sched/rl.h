// "rl": the learned pointer-network policy emits topological orders of the
// graph; the optimal contiguous split (sched/split.h) turns each into stages;
// the best by evaluate() wins.
#pragma once

#include <limits>
#include <memory>
#include <string>

#include "core/solve_context.h"
#include "policy/policy.h"
#include "sched/scheduler.h"

namespace respect {

struct RlOptions {
  std::string weights = "default";  // PolicyConfig::weights ("random": the shipped shape, freshly initialised)
  uint64_t seed = 1;                // weights "random": PolicyConfig::seed
  DecodeOptions decode;             // greedy / sample / beam
  // Bounds decoding plus splitting; the splits get what decoding left
  // (BestSplitOfOrders). Only orders of thousands of nodes come near it.
  double time_limit_s = std::numeric_limits<double>::infinity();
  // decode sample: > 0 keeps drawing rounds of decode.samples orders (each
  // round split at once, the best kept) until this many seconds have passed
  // since the run started (at least one round; never past time_limit_s).
  double sample_time_s = 0;

  // decode.beam_width, decode.samples and sample_time_s within the config's
  // bounds (core/option_bounds.h), decode.temperature > 0, time_limit_s >= 0
  // (+inf: none); else InvalidInput naming the field. RlScheduler::Run calls it first.
  Status Validate() const;
};

// Where the weights of `options` come from, for reports: the file
// (policy.weights resolved: "default" is the shipped file) or
// "random (policy.seed N)".
std::string RlWeightsSource(const RlOptions& options);

// The result is always the policy's own: the best split of its candidate
// orders (greedy; or greedy plus samples / beams), never a non-learned order.
// Stats: decode_ms, split_ms, candidates, best_candidate (0 = greedy when
// candidates include it), rounds (sampling rounds).
// policy_weights names the weights (RlWeightsSource).
// Status feasible (no bound). Thread-compatible: one instance per thread.
class RlScheduler final : public Scheduler {
 public:
  explicit RlScheduler(RlOptions options) : options_(std::move(options)) {}
  // Uses an already-loaded policy (tests, two-phase); `policy` must outlive this.
  RlScheduler(RlOptions options, std::shared_ptr<const PointerPolicy> policy)
      : options_(std::move(options)), policy_(std::move(policy)) {}
  std::string name() const override { return "rl"; }
  // Solve under a context of options.time_limit_s.
  StatusOr<ScheduleResult> Run(const Problem& problem) override;
  double time_limit_s() const override { return options_.time_limit_s; }
  // The run under ctx: its deadline bounds decoding plus splitting
  // (options.time_limit_s is not read); a requested stop ends sampling
  // after the round under way.
  StatusOr<ScheduleResult> Solve(const Problem& problem, const SolveContext& ctx) override;

 private:
  Status EnsurePolicy();
  // One round: decode candidates with `decode`, split them within
  // `time_left_s`, keep the best in *best (objective *best_obj).
  RlOptions options_;
  std::shared_ptr<const PointerPolicy> policy_;
};

}  // namespace respect
