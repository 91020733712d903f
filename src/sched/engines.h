// The exact engines as rows of one table: a name and help for the config
// (solver.engine, policy.window_engine, --help, docs/config.md), how the
// engine uses the lattice DP, and the factory of its MILP solver. A new MILP
// engine is its solver's file plus one row here (kEngineRows in engines.cpp);
// ExactScheduler knows engines only through their rows (one solver slot made
// by the row's factory), so nothing else changes. Tests register fake rows
// (RegisterEngine).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "core/status.h"
#include "sched/exact.h"
#include "solver/milp.h"

namespace respect {

// How an engine uses the ideal-lattice DP of sched/lattice.h before its
// MILP solver.
enum class EngineLattice {
  kNone,   // the MILP solver only
  kShare,  // the DP for AutoLatticeSeconds of the limit on graphs it handles, unless a solver is injected (auto)
  kWhole,  // the DP for the whole limit; the MILP solver where its lattice is too large (lattice)
};

struct EngineRow {
  ExactEngine id;
  const char* name;  // the config's name (a string literal: rows outlive every use)
  const char* help;  // one line for --help and docs/config.md
  EngineLattice lattice = EngineLattice::kNone;
  // The MILP solver of a run with these options (ExactScheduler makes it
  // once, on first use, and keeps it).
  std::function<std::unique_ptr<MilpSolver>(const ExactOptions&)> make_solver;
};

// The rows, built-in ones first in ExactEngine's order, then registered ones.
const std::vector<EngineRow>& EngineRows();
// The row of `id`; null when no row has it.
const EngineRow* FindEngine(ExactEngine id);

// Adds a row whose name no row holds yet (row.id is ignored): its id is the
// next free ExactEngine value, which ParseEngine and ExactOptions::engine then
// take. For tests and plug-ins; not thread-safe: register before any solve.
StatusOr<ExactEngine> RegisterEngine(EngineRow row);
// Removes the row `RegisterEngine` returned last (tests restore the table);
// false when `id` is not the last registered row.
bool UnregisterEngine(ExactEngine id);

}  // namespace respect
