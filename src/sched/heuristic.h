// The vendor-style baseline: walk a topological order and cut it into
// `stages` contiguous segments of about equal parameter bytes — the rule of
// the Edge TPU tools' public parameter-count based partitioner.
#pragma once

#include <vector>

#include "sched/scheduler.h"
#include "sched/split.h"

namespace respect {

// Cuts `order` (a topological order) where the running parameter sum is
// closest to k * total / stages, keeping every segment non-empty and, when
// asked, every tensor's consumers in one segment. The stage per node, or
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
