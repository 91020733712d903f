// MilpSolver on COIN-OR Cbc's C++ libraries: the model is loaded into an
// OsiClpSolverInterface and solved by CbcMain0/CbcMain1 (the driver behind
// the `cbc` program), so the default preprocessing, cut generators and
// heuristics of `cbc -solve` apply. Coin exceptions never escape.
//
// Concurrency: CbcMain0/CbcMain1 of the installed Cbc keep parser state in
// globals (it is built without CBC_THREAD_SAFE; coin-or/Cbc#332), so Solve
// holds a process-wide lock while Cbc runs: concurrent Solve calls are safe
// but run one after another (MilpResult::seconds includes the wait). For
// parallel solves use worker processes, or options.threads inside one solve.
#pragma once

#include <memory>
#include <string>

#include "solver/milp.h"

namespace respect {

class CbcSolver final : public MilpSolver {
 public:
  std::string name() const override { return "cbc"; }
  // Invalid model/options -> Status InvalidInput; a Coin exception or an
  // abandoned run -> Status Internal; otherwise what Cbc found:
  //   optimal     proven (within options.relative_gap),
  //   feasible    a limit was hit with an incumbent (bound and gap say how far),
  //   infeasible  proven,
  //   time_limit  the limit was hit with no incumbent,
  //   invalid     the relaxation is unbounded (message says so).
  // The MIP start, when given, is handed to Cbc by column name
  // (CbcModel::setMIPStart); result.start_feasible says whether it satisfies
  // the model, and the incumbent is never worse than a feasible start.
  StatusOr<MilpResult> Solve(const MilpModel& model, const MilpOptions& options) override;
};

// True when the linked Cbc accepts "-threads" (built with CBC_THREAD).
bool CbcHasThreads();

// Cbc's version string, e.g. "2.10.8".
std::string CbcVersion();

}  // namespace respect
