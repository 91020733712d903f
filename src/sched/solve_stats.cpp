#include "sched/solve_stats.h"

namespace respect {

namespace {

using Visit = std::function<void(const char*, double)>;

// The keys below are the schedule JSON's (docs/formats.md): never rename.
void Put(const Visit& visit, const char* key, const Figure& f) {
  if (f) visit(key, *f);
}
void Put(const Visit& visit, const char* key, const Flag01& f) {
  if (f) visit(key, *f ? 1.0 : 0.0);
}
void PutIf(const Visit& visit, const char* key, bool set) {
  if (set) visit(key, 1.0);
}

void ExactFigures(const ExactStats& e, const LatticeStats& l, const Visit& visit) {
  Put(visit, "start_seconds", e.start_seconds);
  Put(visit, "start_search_seconds", e.start_search_seconds);
  Put(visit, "start_search_improved", e.start_search_improved);
  Put(visit, "start_objective", e.start_objective);
  Put(visit, "start_feasible", e.start_feasible);
  Put(visit, "build_seconds", e.build_seconds);
  Put(visit, "ilp_cols", e.ilp_cols);
  Put(visit, "ilp_rows", e.ilp_rows);
  Put(visit, "ilp_binaries", e.ilp_binaries);
  Put(visit, "bb_nodes", e.bb_nodes);
  Put(visit, "solver_seconds", e.solver_seconds);
  Put(visit, "lattice_seconds", e.lattice_seconds);
  Put(visit, "gap", e.gap);
  Put(visit, "proven_bound", e.proven_bound);
  PutIf(visit, "stalled", e.stalled);
  PutIf(visit, "full_model_skipped", e.full_model_skipped);
  Put(visit, "lattice_ideals", l.ideals);
  Put(visit, "lattice_labels", l.labels);
  Put(visit, "lattice_steps", l.steps);
}

void CutBoundFigures(const CutBoundStats& c, const Visit& visit) {
  Put(visit, "cut_bound", c.bound);
  Put(visit, "cut_bound_seconds", c.seconds);
  Put(visit, "cut_bound_peaks", c.peaks);
  Put(visit, "cut_bound_bands", c.bands);
  Put(visit, "cut_bound_band_ilps", c.band_ilps);
  Put(visit, "cut_bound_peak", c.peak);
  PutIf(visit, "cut_bound_stalled", c.stalled);
  PutIf(visit, "cut_bound_concurrent", c.concurrent);
}

void TwoPhaseFigures(const TwoPhaseStats& t, const Visit& visit) {
  Put(visit, "rl_seconds", t.rl_seconds);
  Put(visit, "coarse_objective", t.coarse_objective);
  Put(visit, "hard_windows_end_s", t.hard_windows_end_s);
  Put(visit, "rounds_start_s", t.rounds_start_s);
  Put(visit, "closure_end_s", t.closure_end_s);
  Put(visit, "rounds_end_s", t.rounds_end_s);
  Put(visit, "cut_bound_joined_s", t.cut_bound_joined_s);
  Put(visit, "incumbent_from_dp_topo", t.incumbent_from_dp_topo);
  PutIf(visit, "recentred_on_dp_topo", t.recentred_on_dp_topo);
  Put(visit, "vars_kept", t.vars_kept);
  Put(visit, "vars_full", t.vars_full);
  Put(visit, "window", t.window);
  Put(visit, "widen_rounds", t.widen_rounds);
  Put(visit, "widened_to", t.widened_to);
  Put(visit, "learned_windows", t.learned_windows);
  Put(visit, "window_optimal", t.window_optimal);
  Put(visit, "ilp_seconds", t.ilp_seconds);
  Put(visit, "stalled_rounds", t.stalled_rounds);
  Put(visit, "certify_seconds", t.certify_seconds);
  Put(visit, "certified_gap", t.certified_gap);
}

void OrderFigures(const RlStats& r, const OrderStats& o, const BruteForceStats& b, const Visit& visit) {
  Put(visit, "decode_ms", r.decode_ms);
  Put(visit, "split_ms", r.split_ms);
  Put(visit, "candidates", r.candidates);
  Put(visit, "rounds", r.rounds);
  Put(visit, "best_candidate", r.best_candidate);
  Put(visit, "decode_truncated", r.decode_truncated);
  Put(visit, "order", o.order);
  PutIf(visit, "split_time_limit", o.split_time_limit);
  PutIf(visit, "fallback_split", o.fallback_split);
  Put(visit, "assignments", b.assignments);
}

}  // namespace

void ForEachStat(const SolveStats& stats, const Visit& visit) {
  ExactFigures(stats.exact, stats.lattice, visit);
  CutBoundFigures(stats.cut_bound, visit);
  TwoPhaseFigures(stats.two_phase, visit);
  OrderFigures(stats.rl, stats.order, stats.brute_force, visit);
}

std::map<std::string, double> SolveStats::ToMap() const {
  std::map<std::string, double> m;
  ForEachStat(*this, [&m](const char* key, double value) { m[key] = value; });
  return m;
}

}  // namespace respect
