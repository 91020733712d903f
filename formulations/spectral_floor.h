// A lower bound of a down-set's crossing from its weight alone, by the
// algebraic connectivity of the crossing links (docs/design.md "Cut lower
// bound", spectral floor).
//
// Let K be the heaviest connected piece of the links of positive crossing
// weight, L the Laplacian of those links and W = diag(parameter bytes) on K.
// For a set S of K's nodes weighing x, y = 1_S - (x / p(K)) 1 is
// W-orthogonal to the all-ones vector, so the weight of the links S cuts,
// y'Ly, is at least lambda_2 y'Wy = lambda_2 x (p(K) - x) / p(K), where
// lambda_2 is the second least generalized eigenvalue of (L, W). Nodes of
// no weight are eliminated first (the Schur complement of their block: the
// least the form takes over their values, so the inequality still holds).
// A down-set D crosses at least the links of K it cuts, and p(D n K) lies
// in [p(D) - rest, p(D)] with rest = the weight outside K.
//
// Link weights (X, before comm_weight): comm_model edge, each edge's
// crossing weight (parallel edges add up); comm_model tensor, tensor(u) /
// (u's consumer edges) on each, which a crossing tensor pays at least over
// the edges it crosses.
//
// Where it helps: graphs whose every balanced split cuts many heavy links
// (random DAGs in the crossing regime, where the chain's Lagrangian bands
// sit at 0: the empty set and the whole piece cross nothing). On DNN-like
// graphs (blocks in series) lambda_2 is tiny and so is the floor.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "cost/crossing.h"
#include "cost/problem.h"

namespace respect {

// One piece K and its floor.
struct SpectralPiece {
  double lambda = 0.0;  // lambda_2 less a safety margin for rounding; 0: no floor
  int64_t piece = 0;    // parameter bytes of K
  int64_t rest = 0;     // parameter bytes of the other nodes
  int nodes = 0;        // nodes of K

  // The least crossing (X, before comm_weight) by this bound of a down-set
  // weighing lo..hi (lo <= hi); 0 without a floor.
  double Floor(int64_t lo, int64_t hi) const;
};

// The heaviest piece, then the same piece less the weakly linked groups
// its lambda_2 sat on (see ComputeSpectralFloor); each floor holds.
struct SpectralFloor {
  std::vector<SpectralPiece> pieces;  // empty: no piece with links
  int anchor = -1;                    // a node of the first piece (every piece lies in its linked component)
  double seconds = 0.0;

  double Floor(int64_t lo, int64_t hi) const;  // the largest of the pieces' floors
  double lambda() const;                       // the first piece's lambda_2 (0: none)
};

// An upper bound of lambda_2 of the same piece in O(n + E), to skip the
// dense eigenvalues where they cannot matter: the Rayleigh quotient y'Ly /
// y'Wy of y = each node's weight prefix in topological order, centred
// (the weightless nodes at their own values, which only raises it). Small
// on blocks in series (links join nodes of nearby prefixes), large on
// random DAGs. 0 when the piece has no weight.
double SpectralUpperEstimate(const Problem& problem, const CrossingWeights& weights);

// The floor of problem's graph under `weights` (problem's crossing
// weights). lambda_2 is often held down by a few light nodes weakly linked
// to the rest (its vector sits on them): then up to `peels` times those
// nodes (90% of the vector on at most max(3, 1%) of the weighted nodes) are
// moved to the rest and the heaviest piece left is priced again, a floor
// per piece. O(k^3) time and O(k^2) memory per piece of k nodes (the
// weighted ones dominate): no floor (lambda 0, nodes set) when k >
// max_nodes or when the estimated time of its eigenvalues exceeds
// budget_s; a peel only while its solve and the next fit in budget_s. No
// floor either when the piece has fewer than two weighted nodes or the
// elimination is singular.
SpectralFloor ComputeSpectralFloor(const Problem& problem, const CrossingWeights& weights, int max_nodes,
                                   int peels = 0,
                                   double budget_s = std::numeric_limits<double>::infinity());

}  // namespace respect
