// Crossing clusters: groups of nodes that no schedule separates for free,
// and the subproblem of one group (docs/design.md "Cut lower bound",
// cluster chains).
//
// Two nodes joined by a tensor or edge of positive crossing weight pay it
// whenever they take different stages; the components of these links are
// therefore each in one stage in a schedule that pays no crossing. Links of
// weight 0 still order the stages, so components that reach each other both
// ways (through other components) must share a stage too: the clusters are
// the strongly connected pieces of the graph of components. Every proper,
// non-empty down-set of a cluster's induced subgraph crosses a positive
// weight.
//
// Why it helps the bound: the crossing of a schedule is at least the sum,
// over node-disjoint groups, of the crossing of the links inside each group,
// and each group's stages hold at most the peak. A cluster heavier than the
// peak must be split, and its least split is priced on the cluster alone,
// where the whole graph's light nodes cannot fill the weight of a cheap cut.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "cost/crossing.h"
#include "core/status.h"
#include "cost/problem.h"
#include "graph/graph.h"

namespace respect {

struct CrossingCluster {
  std::vector<int> nodes;   // ascending node indices
  int64_t param_bytes = 0;  // sum of their parameter bytes
};

// A partition of g's nodes into crossing clusters (above), heaviest first.
// O(n + E) plus the strong components of the component graph.
std::vector<CrossingCluster> CrossingClusters(const Graph& g, const CrossingWeights& weights);

// A topological order that keeps every crossing cluster contiguous (the
// clusters in a topological order of the graph of clusters, smallest
// Graph::topo_order position first; a cluster's nodes in topo_order), so
// that a split of it cuts only the clusters it must. Empty when there is a
// single cluster (the order would be topo_order itself).
std::vector<int> ClusterOrder(const Graph& g, const CrossingWeights& weights);

// The subgraph induced by `nodes` (ascending indices of problem.g()) as a
// problem of its own: the same stages and objective, every edge between the
// nodes with its bytes, node i of the result being nodes[i]; no constraints
// (no non-empty rule, pin or cap). Every schedule of `problem` restricted to
// the nodes is a schedule of it whose crossings are at most the original's,
// so a lower bound of its crossings under a peak bounds the crossings that
// the links inside the group add to any schedule of `problem` under that
// peak. Precondition: nodes non-empty, ascending, in range. An error only
// if the graph could not be rebuilt (an internal error: it is a subgraph of
// a valid one).
StatusOr<Problem> InducedProblem(const Problem& problem, const std::vector<int>& nodes);

}  // namespace respect
