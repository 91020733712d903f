// An exact combinatorial solver for small graphs: dynamic programming over
// the lattice of down-sets (ideals) of the graph.
//
// A schedule s is the chain of down-sets S_k = {v : s(v) <= k},
//   {} = S_-1 <= S_0 <= ... <= S_{n-2} <= S_{n-1} = V,
// (with nonempty_stages, each inclusion adds at least one operator node). Every term of the cost model is a
// function of one boundary set or of two consecutive ones:
//   X_k       = X(S_k): tensors (or edges) leaving S_k, per comm model;
//   P_k, M_k  = p(S_k) - p(S_{k-1}), macs(S_k) - macs(S_{k-1});
//   T_k       = from (S_{k-1}, S_k) and X(S_{k-1}), X(S_k).
// So J = max_k A(S_{k-1}, S_k) + w * sum_k X(S_k), with A = P_k, w =
// comm_weight (memory_comm) or A = T_k, w = 0 (latency). The DP walks the
// layers k = 0..n-1 and keeps, per (ideal, k), the Pareto set of (max A so
// far, sum X so far); a label is dropped when a lower bound on every
// completion (the largest remaining node, the remaining parameters spread
// over the remaining stages, the least X each remaining layer admits) reaches
// the incumbent. The result is proven optimal: every chain is either
// enumerated or bounded by a feasible schedule at least as good.
//
// children_same_stage holds iff every S_k keeps each node's consumers all in
// or all out; windows and max_stage_param_bytes restrict the layers and the
// steps; every figure is computed in the same arithmetic as evaluate().
// Graphs of at most 64 nodes use one machine word per set and enumerate the
// successors of a set directly; with options.wide, graphs of up to 2048
// nodes use multi-word sets and a table of all down-sets (inside the global
// window bounds) built up front (lattice_wide.cpp) — cheap when the graph is
// made of blocks in series, like DNNs, hopeless for wide random DAGs. The
// work is bounded (max_ideals, max_steps); beyond the bounds the solver says
// so and the caller uses the ILP instead. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>

#include "core/stop_token.h"
#include "cost/problem.h"
#include "formulations/schedule_ilp.h"

namespace respect {

constexpr int kLatticeMaxNodes = 64;        // one machine word per set
constexpr int kLatticeWideMaxNodes = 2048;   // LatticeOptions::wide

struct LatticeOptions {
  // Down-sets enumerated up front: the wide solver gives up (kTooLarge)
  // above this; the narrow one only drops its per-layer crossing bound.
  int64_t max_ideals = 200000;
  int64_t max_steps = 100000000;    // give up (kTooLarge) after more (set, successor) steps
  double time_limit_s = 600.0;      // stop with the incumbent (kTimeLimit)
  StopToken stop;                   // requested: stop as at the time limit (checked with the clock)
  bool wide = false;                // also graphs of 65..2048 nodes (else kTooLarge)
  bool wide_only = false;           // tests: the multi-word solver for small graphs too
};

struct LatticeResult {
  enum class Outcome {
    kOptimal,     // schedule is optimal (within the windows, when given)
    kInfeasible,  // no schedule satisfies the constraints (message says which)
    kTooLarge,    // the graph or its lattice exceeds the bounds: nothing proven
    kTimeLimit,   // stopped; schedule is the incumbent (may be empty), bound a lower bound
  };
  Outcome outcome = Outcome::kTooLarge;
  Schedule schedule;           // empty unless optimal or an incumbent exists
  double objective = 0.0;      // evaluate() of schedule (when not empty)
  double bound = 0.0;          // proven lower bound (== objective when optimal)
  bool start_used = false;     // the start was feasible, inside the windows, and bounded the search
  bool start_optimal = false;  // ... and nothing better exists
  std::string message;
  int64_t ideals = 0;          // down-sets enumerated (narrow solver: -1 when over max_ideals)
  int64_t labels = 0;          // (ideal, layer) Pareto labels kept
  int64_t steps = 0;           // (ideal, ideal) pairs examined
};

// Solves problem (restricted to `windows` when not null) exactly. `start`,
// when not null, feasible and inside the windows, is the initial incumbent.
// Precondition for a meaningful result: problem.Validate() is ok; anything
// else (invalid input, too many nodes) comes back as kTooLarge with a message.
// A problem with constraints.max_stage_activation_bytes, or a latency
// problem with edgetpu.activation_spill, is not solved here: kTooLarge, so
// that exact hands it to the ILP (formulations/activation_cuts.h).
LatticeResult SolveOnIdealLattice(const Problem& problem, const Windows* windows, const Schedule* start,
                                  const LatticeOptions& options = {});

}  // namespace respect
