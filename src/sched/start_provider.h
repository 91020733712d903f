// The seam where exact gets its MIP start (docs/design.md "The solve path").
// ExactScheduler asks a StartProvider for a schedule and never knows who
// answers: dp_topo's best natural-order split (DpTopoStart, the default),
// two_phase's window search (twophase/two_phase_start.h, plugged in by the
// registry for large graphs), or a fake in tests. The provider gets the
// problem and a SolveContext whose deadline is its share of exact's run; it
// must return by then (a late answer only delays the run).
//
// So exact never calls back into a scheduler above it: the provider is
// built by whoever builds exact (the registry's factory), and two_phase's
// own exact runs are built without one.
#pragma once

#include <string>

#include "core/solve_context.h"
#include "core/status.h"
#include "cost/problem.h"

namespace respect {

class StartProvider {
 public:
  virtual ~StartProvider() = default;
  virtual std::string name() const = 0;
  // A schedule for `problem` within ctx.deadline(). An error, an empty or
  // infeasible schedule means "none": exact then keeps the start it has (the
  // call status is only read as found / not found). Called on the solving
  // thread, at most once per use named by ExactScheduler; an implementation
  // need not be thread-safe.
  virtual StatusOr<Schedule> Start(const Problem& problem, const SolveContext& ctx) = 0;
};

// dp_topo's best split of the natural orders (sched/list_schedule.h), for
// what is left of ctx's deadline. Stateless; thread-safe.
class DpTopoStart final : public StartProvider {
 public:
  std::string name() const override { return "dp_topo"; }
  StatusOr<Schedule> Start(const Problem& problem, const SolveContext& ctx) override;
};

}  // namespace respect
