#include "sched/engines.h"

#include <string>
#include <utility>

#include "sched/row_table.h"
#include "solver/cbc_solver.h"

namespace respect {

namespace {

// The Cbc driver of auto and lattice. On the Table I zoo (30 instances,
// 400..3900 columns, bench/results/two_phase_engines.md) the direct driver
// proved optimality faster on 28 (median 1.95x, up to 3.1x) and lost two
// sub-second ones by at most 1.4x; label-sized models go to the lattice. So:
// direct, except when several threads are asked for and the linked Cbc has
// them (only CbcMain1 runs a parallel tree search).
std::unique_ptr<MilpSolver> CbcFor(CbcDriver driver, const ExactOptions& o) {
  if (driver == CbcDriver::kMain) return MakeCbcSolver(CbcDriver::kMain);
  return std::make_unique<CbcSolver>(CbcDriver::kDirect, o.cbc_direct);
}

std::unique_ptr<MilpSolver> AutoCbc(const ExactOptions& o) {
  return CbcFor(o.threads > 1 && CbcHasThreads() ? CbcDriver::kMain : CbcDriver::kDirect, o);
}

std::vector<EngineRow>& MutableRows() {
  static std::vector<EngineRow> rows = {
      {ExactEngine::kAuto, "auto", "lattice DP for a share of the limit, then Cbc", EngineLattice::kShare, AutoCbc},
      {ExactEngine::kCbcMain, "cbc_main", "Cbc through CbcMain, the cbc program's defaults", EngineLattice::kNone,
       [](const ExactOptions& o) { return CbcFor(CbcDriver::kMain, o); }},
      {ExactEngine::kCbcDirect, "cbc_direct", "Cbc through CbcModel, fixed cuts and heuristics",
       EngineLattice::kNone, [](const ExactOptions& o) { return CbcFor(CbcDriver::kDirect, o); }},
      {ExactEngine::kLattice, "lattice", "the lattice DP for the whole limit", EngineLattice::kWhole, AutoCbc},
  };
  return rows;
}

constexpr size_t kBuiltInEngines = 4;

}  // namespace

const std::vector<EngineRow>& EngineRows() { return MutableRows(); }

const EngineRow* FindEngine(ExactEngine id) {
  for (const EngineRow& row : EngineRows())
    if (row.id == id) return &row;
  return nullptr;
}

StatusOr<ExactEngine> RegisterEngine(EngineRow row) {
  const bool has_factory = static_cast<bool>(row.make_solver);
  return AppendRow(&MutableRows(), std::move(row), has_factory, "engine");
}

bool UnregisterEngine(ExactEngine id) { return RemoveLastRow(&MutableRows(), id, kBuiltInEngines); }

}  // namespace respect
