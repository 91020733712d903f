// Exhaustive search: the test oracle for tiny graphs. Every candidate is
// judged by evaluate(), nothing else.
#pragma once

#include <vector>

#include "core/status.h"
#include "sched/scheduler.h"
#include "sched/split.h"

namespace respect {

// Largest graph BruteForceScheduler accepts.
constexpr int kBruteForceMaxNodes = 12;

// Enumerates every monotone assignment (s(u) <= s(v) on every edge) of a
// graph with at most kBruteForceMaxNodes nodes, keeps the feasible one with
// the least evaluate() objective (ties: the first in lexicographic order of
// the stage vector along the topological order). Status optimal, or
// infeasible when no assignment is feasible. InvalidInput for larger graphs.
class BruteForceScheduler final : public Scheduler {
 public:
  std::string name() const override { return "brute_force"; }
  StatusOr<ScheduleResult> Run(const Problem& problem) override;
};

// Every split of `order` into contiguous segments (with nonempty_stages off,
// empty trailing stages too), judged by evaluate(); the best feasible one, or
// found false when there is none. For graphs of at most 24 nodes.
StatusOr<SplitOutcome> BruteForceSplit(const Problem& problem, const std::vector<int>& order);

}  // namespace respect
