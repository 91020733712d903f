// "two_phase": the policy's coarse schedule s0, a window of slack around each
// node, and Cbc closing the windows exactly (DESIGN.md "Two-phase").
//
//  1. rl: policy order -> optimal split -> s0 (dp_topo's split if the policy
//     yields nothing feasible).
//  2. window of v: [max(lo_v, s0(v) - w), min(hi_v, s0(v) + w)], lo/hi the hard
//     bounds of FullWindows (precedence + non-empty stages).
//  3. the windowed ILP, warm-started from the incumbent.
//  4. where the optimum sits on a window edge that is not a hard bound, that
//     side of the node's window opens by w more and the ILP is solved again,
//     until nothing presses, nothing improves, or max_widen rounds.
//  5. certify (optional): the full ILP warm-started from the result, under
//     the time limit, proves the gap.
// Without certify the status is `feasible`: optimal inside the windows is not
// a proof for the full problem. Stats: window, widen_rounds, vars_kept,
// vars_full, coarse_objective, rl_seconds, ilp_seconds, certify_seconds,
// certified_gap.
#pragma once

#include <chrono>
#include <memory>

#include "sched/exact.h"
#include "sched/rl.h"
#include "sched/scheduler.h"

namespace respect {

struct TwoPhaseOptions {
  RlOptions rl;
  ExactOptions exact;
  int window = 1;
  int max_widen = 3;
  bool certify = false;
};

class TwoPhaseScheduler final : public Scheduler {
 public:
  // `policy` may be null: loaded from options.rl.weights on first use.
  explicit TwoPhaseScheduler(TwoPhaseOptions options, std::shared_ptr<const PointerPolicy> policy = nullptr,
                             std::unique_ptr<MilpSolver> solver = nullptr);
  std::string name() const override { return "two_phase"; }
  StatusOr<ScheduleResult> Run(const Problem& problem) override;
  // Phases 2..5 from a given coarse schedule (instead of the policy's):
  // tests and benchmarks. Stats as Run (rl_seconds 0).
  StatusOr<ScheduleResult> RunFrom(const Problem& problem, const Schedule& coarse);

 private:
  StatusOr<ScheduleResult> Refine(const Problem& problem, ScheduleResult coarse,
                                  std::chrono::steady_clock::time_point t0, ScheduleResult out);

  TwoPhaseOptions options_;
  RlScheduler rl_;
  ExactScheduler exact_;
};

}  // namespace respect
