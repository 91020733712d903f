// MilpSolver on COIN-OR Cbc's C++ libraries, with two drivers:
//
//  main    the model is loaded into an OsiClpSolverInterface and solved by
//          CbcMain0/CbcMain1 (the driver behind the `cbc` program), so the
//          default preprocessing, cut generators and heuristics of
//          `cbc -solve` apply. CbcMain0/CbcMain1 of the installed Cbc keep
//          parser state in globals (it is built without CBC_THREAD_SAFE;
//          coin-or/Cbc#332), so this driver holds a process-wide lock while
//          Cbc runs: concurrent Solve calls are safe but run one after another
//          (MilpResult::seconds includes the wait).
//  direct  CbcModel::branchAndBound on the same LP with a chosen set of cut
//          generators (CglProbing, CglGomory, CglKnapsackCover,
//          CglMixedIntegerRounding2, CglFlowCover, CglClique, CglTwomir) and
//          heuristics (CbcRounding, CbcHeuristicFPump, CbcHeuristicLocal,
//          CbcHeuristicGreedyCover/Equality, CbcHeuristicRINS), no
//          preprocessing, the MIP start as the first incumbent
//          (CbcModel::setBestSolution). No global state: concurrent Solve
//          calls run in parallel (tests/solver_test.cpp checks it).
//
// Coin exceptions never escape either driver.
#pragma once

#include <memory>
#include <string>

#include "solver/milp.h"

namespace respect {

// Knobs of the direct driver (defaults: every generator at the root and, when
// it pays, in the tree; Cbc's own defaults for passes and strong branching).
struct CbcDirectSettings {
  int root_cut_passes = 20;    // CbcModel::setMaximumCutPassesAtRoot (Cbc default 20; < 0 as Cbc)
  int tree_cut_passes = 10;    // CbcModel::setMaximumCutPasses (Cbc default 10)
  bool probing = true, gomory = true, knapsack = true, mir = true, flow = true, clique = true, twomir = true;
  bool heuristics = true;      // rounding, feasibility pump, local, greedy, RINS
  int strong_branching = 5;    // CbcModel::setNumberStrong
  int before_trust = 10;       // CbcModel::setNumberBeforeTrust
};

class CbcSolver final : public MilpSolver {
 public:
  explicit CbcSolver(CbcDriver driver = CbcDriver::kMain, CbcDirectSettings direct = {})
      : driver_(driver), direct_(direct) {}
  std::string name() const override { return driver_ == CbcDriver::kMain ? "cbc" : "cbc-direct"; }
  // Invalid model/options -> Status InvalidInput; a Coin exception or an
  // abandoned run -> Status Internal; otherwise what Cbc found:
  //   optimal     proven (within options.relative_gap),
  //   feasible    a limit was hit (or options.stop requested: result.stopped)
  //               with an incumbent (bound and gap say how far),
  //   infeasible  proven,
  //   time_limit  the limit was hit (or a stop requested) with no incumbent,
  //   invalid     the relaxation is unbounded (message says so).
  // The MIP start, when given, is handed to Cbc (main: by column name through
  // CbcModel::setMIPStart; direct: CbcModel::setBestSolution when it is
  // feasible); result.start_feasible says whether it satisfies the model, and
  // the incumbent is never worse than a feasible start.
  StatusOr<MilpResult> Solve(const MilpModel& model, const MilpOptions& options) override;

  CbcDriver driver() const { return driver_; }
  const CbcDirectSettings& direct_settings() const { return direct_; }

 private:
  CbcDriver driver_;
  CbcDirectSettings direct_;
};

// True when the linked Cbc accepts "-threads" (built with CBC_THREAD).
bool CbcHasThreads();

// Cbc's version string, e.g. "2.10.8".
std::string CbcVersion();

}  // namespace respect
