// Transitive closure of a Graph as bitsets, both directions (n^2/4 bytes:
// 150 KB at 782 nodes, 25 MB at 10,000). The counts come from word popcounts;
// the parameter sums walk every reachable pair (n^2/2 at worst: 0.4 s at
// 10,000 nodes), so they are only computed when asked for.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/graph.h"

namespace respect {

class Reachability {
 public:
  // with_param_sums: also fill descendant/ancestor_param_bytes.
  explicit Reachability(const Graph& g, bool with_param_sums = false);
  // True iff there is a path u -> ... -> v of at least one edge.
  bool Reaches(int u, int v) const { return (desc_[u][v >> 6] >> (v & 63)) & 1u; }
  int num_descendants(int v) const { return ndesc_[v]; }
  int num_ancestors(int v) const { return nanc_[v]; }
  // The same, counting operator nodes only (Graph::is_operator).
  int num_descendant_operators(int v) const { return ndesc_ops_[v]; }
  int num_ancestor_operators(int v) const { return nanc_ops_[v]; }
  // param_bytes summed over the descendants / ancestors of v (v excluded);
  // only when constructed with_param_sums.
  int64_t descendant_param_bytes(int v) const { return desc_param_[v]; }
  int64_t ancestor_param_bytes(int v) const { return anc_param_[v]; }
  // Children of u that are not ancestors of another child of u: the
  // consumers that can be last (s(w) is max over children iff over these).
  std::vector<int> LatestChildren(const Graph& g, int u) const;
  // Edges (u, w) not implied by a longer path (the transitive reduction).
  std::vector<Edge> ReducedEdges(const Graph& g) const;

 private:
  int words_ = 0;
  std::vector<std::vector<uint64_t>> desc_, anc_;
  std::vector<int> ndesc_, nanc_, ndesc_ops_, nanc_ops_;
  std::vector<int64_t> desc_param_, anc_param_;
};

}  // namespace respect
