// A lower bound of the memory_comm objective J = Mpeak + w * sum_k X_k from
// minimum cuts, far above the ILP's root LP on large graphs (docs/design.md
// "Lower bounds").
//
// The root LP can spread every node evenly over the stages (z[v][k] =
// (k+1)/stages), which makes every crossing zero and leaves it near
// total / stages. The cut bound instead fixes a peak M and asks what any
// schedule with max_k P_k <= M must pay at each boundary:
//   * IncumbentWindows(M) (formulations/schedule_ilp.h) intersected with the
//     hard windows and propagated along edges give each node a stage
//     interval [lo, hi]; an empty one means no schedule has a peak <= M;
//   * at boundary k the down-set D_k = {v : s(v) <= k} holds every node with
//     hi <= k and no node with lo > k, so X_k is at least the least crossing
//     of any down-set between those two sets: a minimum s-t cut (the edge
//     model's edges, or each tensor once through an auxiliary node), solved
//     by Boost's Boykov-Kolmogorov max-flow;
//   * C(M) = w * sum_k cut_k(M) does not increase with M, so a schedule with
//     peak in (M_i, M_{i+1}] has J >= M_i + 1 + C(M_{i+1}) (peaks are whole
//     bytes).
// The bound is the least such value over a grid of peaks from
// SimpleLowerBound up to the incumbent, refined by bisecting the cell that
// gives the least value, and never above the incumbent (no better schedule
// has a peak above it). Boundaries are cut independently, so the bound
// ignores that D_0 c D_1 c ... must nest and that each D_k's parameters must
// fit; it is a relaxation, valid for every schedule.
#pragma once

#include <limits>

#include "cost/problem.h"

namespace respect {

struct CutBoundOptions {
  double time_limit_s = 1.0;  // wall clock; the grid refined so far when it ends
  int max_peaks = 96;         // evaluations of C(M), each stages - 1 max-flows
};

struct CutBoundResult {
  // Cost units (bytes); NaN for the latency objective or a single stage.
  // SimpleLowerBound <= bound <= incumbent; +inf when there is no incumbent
  // and no peak has a schedule (the problem is infeasible).
  double bound = std::numeric_limits<double>::quiet_NaN();
  // The lowest peak the bound allows (the lower end of its cell + 1), or
  // the incumbent when no better schedule can exist.
  double peak = std::numeric_limits<double>::quiet_NaN();
  int peaks_evaluated = 0;
  int max_flows = 0;
  double seconds = 0.0;
  // The least cell is one byte wide: more time would not raise the bound.
  bool converged = false;
};

// `incumbent`: the objective of a known feasible schedule (+inf: none).
// Precondition: problem.Validate() is ok. Pure function of its inputs
// except for where the time limit cuts the refinement; thread-safe.
CutBoundResult CutLowerBound(const Problem& problem, double incumbent, const CutBoundOptions& options = {});

}  // namespace respect
