// The statistics of a solve, typed: one struct per engine, filled by that
// engine, carried by ScheduleResult::stats. Nothing reads a statistic by
// name; the names exist only where the figures leave the program: the
// schedule JSON's and compare JSON's "stats" object, the compare CSV's
// bb_nodes column and the Python module's dict, all written through
// ForEachStat, the one function that knows the keys (docs/formats.md fixes
// them: extend, never rename).
//
// A figure is optional: absent figures are not written. Flags written only
// when set are plain bools; flags written as 0 or 1 once their phase ran are
// std::optional<bool>. Values are plain data; no thread-safety of their own.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace respect {

using Figure = std::optional<double>;  // absent: not written
using Flag01 = std::optional<bool>;    // written as 0 / 1 when present

// exact (sched/exact.h): its starts, its model and Cbc.
struct ExactStats {
  Figure start_seconds;          // the first start provider (dp_topo) took
  Figure start_search_seconds;   // the start search took
  Flag01 start_search_improved;  // it bettered the start
  Figure start_objective;        // the MIP start's objective (cost units)
  Flag01 start_feasible;         // the solver accepted it
  Figure build_seconds;          // building the model
  Figure ilp_cols, ilp_rows, ilp_binaries;
  Figure bb_nodes;
  Figure solver_seconds;         // Cbc (or the lattice engine, which then has no ILP figures)
  Figure lattice_seconds;        // kAuto's lattice share before Cbc took over
  Figure gap;                    // relative gap of the result
  Figure proven_bound;           // the solver's own bound of an optimal result
  bool stalled = false;          // Cbc's tree stopped by MilpOptions::stall_s
  bool full_model_skipped = false;  // a large graph's start search used its share: no model built
  Figure activation_cut_rounds;  // extra Cbc solves for activation cuts / spill rows (formulations/activation_cuts.h)
};

// The ideal-lattice DP (sched/lattice.h) inside exact.
struct LatticeStats {
  Figure ideals, labels, steps;
};

// The cut lower bound (formulations/cut_bound.h) inside exact or two_phase.
struct CutBoundStats {
  Figure bound;  // key cut_bound (NaN-free: absent when it proved none)
  Figure seconds, peaks, bands, band_ilps, peak;
  Figure clusters;  // crossing clusters priced on their own (when any)
  Figure spectral_floors, spectral_seconds;  // chains with a spectral floor, its eigenvalue time (when any)
  bool stalled = false;     // ended by its stall stop
  bool concurrent = false;  // ran on its own thread beside the start search
};

// two_phase (twophase/two_phase.h); the phase clocks are seconds since its start.
struct TwoPhaseStats {
  Figure rl_seconds, coarse_objective;
  Figure hard_windows_end_s, rounds_start_s, closure_end_s, rounds_end_s, cut_bound_joined_s;
  Flag01 incumbent_from_dp_topo;
  bool recentred_on_dp_topo = false;
  Figure vars_kept, vars_full, window, widen_rounds, widened_to;
  Flag01 learned_windows, window_optimal;
  Figure ilp_seconds, stalled_rounds;
  Figure certify_seconds, certified_gap;
};

// rl (sched/rl.h).
struct RlStats {
  Figure decode_ms, split_ms, candidates, rounds, best_candidate;
  Figure decode_truncated;  // orders completed without the network (only when > 0)
};

// The order baselines (sched/list_schedule.h) and rl's splits.
struct OrderStats {
  Figure order;                 // dp_topo: index of the winning natural order
  bool split_time_limit = false;  // a split was cut short (dp_topo, rl)
  bool fallback_split = false;    // list: the greedy fill broke a constraint
};

// Brute force (sched/brute_force.h).
struct BruteForceStats {
  Figure assignments;
};

struct SolveStats {
  ExactStats exact;
  LatticeStats lattice;
  CutBoundStats cut_bound;
  TwoPhaseStats two_phase;
  RlStats rl;
  OrderStats order;
  BruteForceStats brute_force;
  // The run ended early because its stop was requested (Ctrl-C;
  // Scheduler::RunUntil): the schedule is the best found by then. Key
  // "stopped", written as 1 when set.
  bool stopped = false;

  // Every figure present, by its key (docs/formats.md), in key order.
  std::map<std::string, double> ToMap() const;
  bool empty() const { return ToMap().empty(); }
};

// Calls visit(key, value) for every figure present in `stats`: the one place
// that names them (the writers of the schedule JSON, compare CSV/JSON and the
// Python dict go through it or ToMap).
void ForEachStat(const SolveStats& stats, const std::function<void(const char* key, double value)>& visit);

}  // namespace respect
