// The vendor-style baseline: walk a topological order and cut it into
// `stages` contiguous segments of about equal parameter bytes — the rule of
// the Edge TPU tools' public parameter-count based partitioner.
#pragma once

#include <vector>

#include "sched/scheduler.h"
#include "sched/split.h"

namespace respect {

// Cuts `order` (a topological order) where the running parameter sum is
// closest to k * total / stages, among the cuts that keep every segment
// non-empty and, when asked, every tensor's consumers in one segment, every
// segment under max_stage_param_bytes and max_stage_activation_bytes and
// every pinned node in its stage,
// and that still leave the rest of the order a way to meet them all
// (constraints.pin needs an order listing the pins by stage: the scheduler
// passes PinConsistentOrder of the graph's order). The stage per node, or
// found false (why) when the rule finds no cut for some stage; InvalidInput
// when `order` is not topological.
StatusOr<SplitOutcome> EqualParamSplit(const Problem& problem, const std::vector<int>& order);

class HeuristicScheduler final : public Scheduler {
 public:
  std::string name() const override { return "heuristic"; }
  // Uses the graph's topological order (for zoo and TFLite graphs this is the
  // model's own layer/execution order).
  StatusOr<ScheduleResult> Run(const Problem& problem) override;
};

}  // namespace respect
