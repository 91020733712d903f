#include "sched/solve_stats.h"

#include <cstddef>

namespace respect {

namespace {

using Visit = std::function<void(const char*, double)>;

// A figure's key (the schedule JSON's, docs/formats.md: never rename) and
// where the engine's struct keeps it: a Figure, a Flag01 (written 0 / 1) or
// a bool (written as 1 when set).
template <class S>
struct Key {
  const char* name;
  Figure S::*figure = nullptr;
  Flag01 S::*flag01 = nullptr;
  bool S::*flag = nullptr;
};

template <class S, size_t N>
void Emit(const S& s, const Key<S> (&keys)[N], const Visit& visit) {
  for (const Key<S>& k : keys) {
    if (k.figure && s.*k.figure) visit(k.name, *(s.*k.figure));
    if (k.flag01 && s.*k.flag01) visit(k.name, *(s.*k.flag01) ? 1.0 : 0.0);
    if (k.flag && s.*k.flag) visit(k.name, 1.0);
  }
}

using E = ExactStats;
const Key<E> kExact[] = {
    {"start_seconds", &E::start_seconds},       {"start_search_seconds", &E::start_search_seconds},
    {"start_search_improved", nullptr, &E::start_search_improved},
    {"start_objective", &E::start_objective},   {"start_feasible", nullptr, &E::start_feasible},
    {"build_seconds", &E::build_seconds},       {"ilp_cols", &E::ilp_cols},
    {"ilp_rows", &E::ilp_rows},                 {"ilp_binaries", &E::ilp_binaries},
    {"bb_nodes", &E::bb_nodes},                 {"solver_seconds", &E::solver_seconds},
    {"lattice_seconds", &E::lattice_seconds},   {"gap", &E::gap},
    {"proven_bound", &E::proven_bound},         {"stalled", nullptr, nullptr, &E::stalled},
    {"full_model_skipped", nullptr, nullptr, &E::full_model_skipped},
    {"activation_cut_rounds", &E::activation_cut_rounds}};

using L = LatticeStats;
const Key<L> kLattice[] = {{"lattice_ideals", &L::ideals}, {"lattice_labels", &L::labels}, {"lattice_steps", &L::steps}};

using C = CutBoundStats;
const Key<C> kCutBound[] = {
    {"cut_bound", &C::bound},           {"cut_bound_seconds", &C::seconds}, {"cut_bound_peaks", &C::peaks},
    {"cut_bound_bands", &C::bands},     {"cut_bound_band_ilps", &C::band_ilps}, {"cut_bound_peak", &C::peak},
    {"cut_bound_clusters", &C::clusters},
    {"cut_bound_spectral_floors", &C::spectral_floors}, {"cut_bound_spectral_s", &C::spectral_seconds},
    {"cut_bound_stalled", nullptr, nullptr, &C::stalled},
    {"cut_bound_concurrent", nullptr, nullptr, &C::concurrent}};

using T = TwoPhaseStats;
const Key<T> kTwoPhase[] = {
    {"rl_seconds", &T::rl_seconds},                 {"coarse_objective", &T::coarse_objective},
    {"hard_windows_end_s", &T::hard_windows_end_s}, {"rounds_start_s", &T::rounds_start_s},
    {"closure_end_s", &T::closure_end_s},           {"rounds_end_s", &T::rounds_end_s},
    {"cut_bound_joined_s", &T::cut_bound_joined_s}, {"incumbent_from_dp_topo", nullptr, &T::incumbent_from_dp_topo},
    {"recentred_on_dp_topo", nullptr, nullptr, &T::recentred_on_dp_topo},
    {"vars_kept", &T::vars_kept},                   {"vars_full", &T::vars_full},
    {"window", &T::window},                         {"widen_rounds", &T::widen_rounds},
    {"widened_to", &T::widened_to},                 {"learned_windows", nullptr, &T::learned_windows},
    {"window_optimal", nullptr, &T::window_optimal}, {"ilp_seconds", &T::ilp_seconds},
    {"stalled_rounds", &T::stalled_rounds},         {"certify_seconds", &T::certify_seconds},
    {"certified_gap", &T::certified_gap}};

using R = RlStats;
const Key<R> kRl[] = {{"decode_ms", &R::decode_ms},         {"split_ms", &R::split_ms},
                      {"candidates", &R::candidates},       {"rounds", &R::rounds},
                      {"best_candidate", &R::best_candidate}, {"decode_truncated", &R::decode_truncated}};

using O = OrderStats;
const Key<O> kOrder[] = {{"order", &O::order},
                         {"split_time_limit", nullptr, nullptr, &O::split_time_limit},
                         {"fallback_split", nullptr, nullptr, &O::fallback_split}};

const Key<BruteForceStats> kBruteForce[] = {{"assignments", &BruteForceStats::assignments}};

}  // namespace

void ForEachStat(const SolveStats& stats, const Visit& visit) {
  Emit(stats.exact, kExact, visit);
  Emit(stats.lattice, kLattice, visit);
  Emit(stats.cut_bound, kCutBound, visit);
  Emit(stats.two_phase, kTwoPhase, visit);
  Emit(stats.rl, kRl, visit);
  Emit(stats.order, kOrder, visit);
  Emit(stats.brute_force, kBruteForce, visit);
  if (stats.stopped) visit("stopped", 1.0);
}

std::map<std::string, double> SolveStats::ToMap() const {
  std::map<std::string, double> m;
  ForEachStat(*this, [&m](const char* key, double value) { m[key] = value; });
  return m;
}

}  // namespace respect
