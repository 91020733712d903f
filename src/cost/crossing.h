// What one crossing of a stage boundary weighs (docs/design.md "Cost model"),
// in one place for every consumer of X_k: evaluate(), the split DP, the
// lattice DPs and the ILP.
//
// comm_model tensor: node u's tensor weighs output_bytes(u) and crosses every
// boundary from s(u) up to its last consumer, once per boundary.
// comm_model edge: edge u -> w weighs EdgeCrossingWeight at each boundary
// between s(u) and s(w):
//   edge_weight tensor:    the edge's bytes if the file gives them, else
//                          output_bytes(u), else (0) 1;
//   edge_weight indicator: 1 if (the edge's bytes if given, else
//                          output_bytes(u)) > 0, else 0;
//   edge_weight unit:      1.
#pragma once

#include <cstdint>
#include <vector>

#include "cost/problem.h"
#include "graph/graph.h"

namespace respect {

// comm_model edge: the weight of edge e at each boundary it spans.
int64_t EdgeCrossingWeight(const Graph& g, const Edge& e, EdgeWeight mode);

// The crossing weights of a graph under an objective, computed once.
// Immutable after construction; shares nothing with the graph.
class CrossingWeights {
 public:
  CrossingWeights(const Graph& g, const ObjectiveSpec& objective);

  // comm_model tensor: a node's tensor is counted once per boundary.
  bool per_tensor() const { return per_tensor_; }
  // comm_model tensor: the weight of u's tensor (output_bytes).
  int64_t tensor(int u) const { return tensor_[u]; }
  // comm_model edge: the weight of u -> g.children(u)[i].
  int64_t edge(int u, int i) const { return edge_[first_[u] + i]; }
  // True when u adds nothing to any crossing (no consumer, or weight 0).
  bool silent(int u) const { return silent_[u] != 0; }
  // An upper bound on any X_k: the sum of every tensor's (or edge's) weight.
  int64_t total() const { return total_; }

  // The bytes u, inside a down-set, sends across the boundary after it;
  // outside(c) says whether consumer c lies beyond that boundary.
  template <class Outside>
  int64_t Outgoing(const Graph& g, int u, Outside outside) const {
    const std::vector<int>& ch = g.children(u);
    int64_t x = 0;
    for (size_t i = 0; i < ch.size(); ++i) {
      if (!outside(ch[i])) continue;
      if (per_tensor_) return tensor_[u];
      x += edge(u, static_cast<int>(i));
    }
    return x;
  }

  // The bytes u sends when every consumer lies beyond the boundary (0 for
  // a silent node).
  int64_t OutgoingAll(const Graph& g, int u) const {
    return Outgoing(g, u, [](int) { return true; });
  }

  // Adds every crossing to a difference array over places (stages, or
  // positions of an order): a weight running from place a to place b > a
  // adds w at diff[a + shift] and -w at diff[b + shift]. Prefix sums then
  // give X at each boundary. diff must have room for max(place) + shift + 1.
  void AddToDiff(const Graph& g, const std::vector<int>& place, int shift, std::vector<int64_t>* diff) const;

 private:
  bool per_tensor_ = true;
  std::vector<int64_t> tensor_;  // per node
  std::vector<int64_t> edge_;    // per out-edge, grouped by source node
  std::vector<int> first_;       // per node: its first entry in edge_
  std::vector<char> silent_;
  int64_t total_ = 0;
};

}  // namespace respect
