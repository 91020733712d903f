// two_phase's window search as exact's start provider (sched/start_provider.h):
// what solver.start two_phase / auto plugs into exact on large graphs.
// Built by the registry's exact factory from the config's two_phase options;
// exact calls it with its start-search share. The two_phase run it makes has
// no provider of its own, so the route of a problem from exact through here
// goes down only (two_phase -> its windowed exact runs -> the solver).
#pragma once

#include <string>

#include "sched/start_provider.h"
#include "twophase/two_phase.h"

namespace respect {

class TwoPhaseStart final : public StartProvider {
 public:
  // `options` as the config gives them (an error is returned by every Start,
  // which exact treats as "no start"). The search's own settings are fixed
  // here: no progress line, no model file, no certify, no bound thread
  // (exact runs its own), and widen_to_limit (the share is there to be used).
  explicit TwoPhaseStart(StatusOr<TwoPhaseOptions> options);
  std::string name() const override { return "two_phase"; }
  // two_phase under ctx's deadline; its schedule when feasible or optimal.
  // Thread-safe: each call runs a two_phase of its own (the options are
  // only read).
  StatusOr<Schedule> Start(const Problem& problem, const SolveContext& ctx) override;

 private:
  StatusOr<TwoPhaseOptions> options_;
};

}  // namespace respect
