// "exact": the ILP of formulations/schedule_ilp.h solved by a MilpSolver
// (COIN-OR Cbc by default), warm-started from the best natural-order split.
#pragma once

#include <memory>
#include <string>

#include "formulations/schedule_ilp.h"
#include "sched/scheduler.h"
#include "solver/milp.h"

namespace respect {

struct ExactOptions {
  double time_limit_s = 600.0;
  int threads = 1;
  double relative_gap = 0.0;
  bool verbose = false;
  std::string write_lp;     // write the model to this .lp/.mps path before solving ("" = no)
  bool warm_start = true;   // pass the best dp_topo split as MIP start
};

// Results:
//   optimal     proven optimal (within relative_gap); objective == bound;
//               stats["proven_bound"] is the solver's bound;
//   feasible    the time limit stopped the search; bound = the proven lower
//               bound (NaN if none), stats["gap"];
//   infeasible  Problem::Validate() or the formulation found no schedule, or
//               the solver proved it; message says why; Status is ok;
//   time_limit  the limit hit before any schedule (only without a start).
// Every schedule is decoded from the solver's columns and judged by
// evaluate() (FinishResult); an optimal ILP objective that differs from
// evaluate() by more than 1e-6 relative is a bug and returns Internal (for a
// feasible one, evaluate() may only be lower).
// Stats: bb_nodes, ilp_cols, ilp_rows, ilp_binaries, solver_seconds, gap,
// start_objective (cost units; absent without a start), start_feasible.
class ExactScheduler final : public Scheduler {
 public:
  // solver == nullptr: Cbc.
  explicit ExactScheduler(ExactOptions options = {}, std::unique_ptr<MilpSolver> solver = nullptr);
  std::string name() const override { return "exact"; }
  StatusOr<ScheduleResult> Run(const Problem& problem) override;

  // The ILP restricted to `windows` (nullptr: none), warm-started from
  // `start` when given (else from the dp_topo split, if it fits the windows).
  // For two-phase: a proven optimum here is optimal within the windows only.
  StatusOr<ScheduleResult> RunWindowed(const Problem& problem, const Windows* windows,
                                       const Schedule* start);

  const ExactOptions& options() const { return options_; }

 private:
  ExactOptions options_;
  std::unique_ptr<MilpSolver> solver_;
};

}  // namespace respect
