// What the formulations need from the transitive closure of a Graph, without
// keeping the closure: per node the number of descendants and ancestors (all
// and operators only), optionally their parameter bytes, the edges a longer
// path implies, and the children that can be last. The closure is computed
// one block of kBlockWords x 64 target nodes at a time, so memory is
// O(n * kBlockWords + E) (a few MB at 100,000 nodes, where the whole closure
// took 2 x n^2 / 8 bytes = 2.5 GB); time stays O((n + E) * n / 64) word
// operations. The parameter sums add O(n^2 / 8) table lookups (eight
// targets per lookup), so they are only computed when asked for.
//
// Keeps a pointer to the graph (for Reaches): the graph must outlive it.
// Thread-safe for concurrent const use.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "graph/graph.h"

namespace respect {

// Per node, the number of its descendants and ancestors (all and operators
// only) and, with_param_sums, their parameter bytes (the node excluded), as
// Reachability computes them but without its edge analysis (a third of its
// time): for the hard windows and the policy's features, at O(n + E) memory.
struct ClosureSums {
  std::vector<int> num_descendants, num_ancestors;
  std::vector<int> num_descendant_operators, num_ancestor_operators;
  std::vector<int64_t> descendant_param_bytes, ancestor_param_bytes;  // empty without param sums
};
class Reachability {
 public:
  // with_param_sums: also fill descendant/ancestor_param_bytes.
  explicit Reachability(const Graph& g, bool with_param_sums = false);
  // The same, abandoned once `give_up` returns true: it is asked before each
  // block of kBlockWords x 64 targets (n / 1,024 times in all). Then
  // complete() is false and nothing else may be read. For callers with a
  // deadline or a stop token: the pass takes O((n + E) n / 64) steps (46 s
  // at 100,000 nodes and 300,000 edges on a loaded 2-vCPU VM).
  Reachability(const Graph& g, bool with_param_sums, const std::function<bool()>& give_up);
  // False only when `give_up` ended the construction.
  bool complete() const { return complete_; }
  // True iff there is a path u -> ... -> v of at least one edge: a search
  // from u pruned by topological position, for tests and tools, not loops.
  bool Reaches(int u, int v) const;
  int num_descendants(int v) const { return sums_.num_descendants[v]; }
  int num_ancestors(int v) const { return sums_.num_ancestors[v]; }
  // The same, counting operator nodes only (Graph::is_operator).
  int num_descendant_operators(int v) const { return sums_.num_descendant_operators[v]; }
  int num_ancestor_operators(int v) const { return sums_.num_ancestor_operators[v]; }
  // param_bytes summed over the descendants / ancestors of v (v excluded);
  // only when constructed with_param_sums.
  int64_t descendant_param_bytes(int v) const { return sums_.descendant_param_bytes[v]; }
  int64_t ancestor_param_bytes(int v) const { return sums_.ancestor_param_bytes[v]; }
  // Children of u that are not ancestors of another child of u: the
  // consumers that can be last (s(w) is max over children iff over these).
  // g must be the graph given to the constructor.
  std::vector<int> LatestChildren(const Graph& g, int u) const;
  // Edges (u, w) not implied by a longer path (the transitive reduction).
  std::vector<Edge> ReducedEdges(const Graph& g) const;

  static constexpr int kBlockWords = 16;  // 1,024 target nodes per block

 private:
  void MarkSiblingsInBlock(int first_word, int words, const std::vector<uint64_t>& rows);

  const Graph* g_;
  std::vector<int> topo_pos_;
  ClosureSums sums_;
  std::vector<char> implied_;                 // per edge: implied by a longer path
  std::vector<std::vector<char>> not_latest_;  // per node u, per child index i: an ancestor of another child of u
  bool complete_ = true;
};

// The seconds a Reachability of g is expected to take on the 2-vCPU VM
// under load: (n + E) x ceil(n / 64) x time_shares::kReachabilitySecondsPerStep.
// An estimate for deciding whether to start one, not a bound.
double EstimatedReachabilitySeconds(const Graph& g);

ClosureSums ComputeClosureSums(const Graph& g, bool with_param_sums = true);
// The same, abandoned (false, *out unusable) once `give_up` returns true: it
// is asked before each block, as Reachability's. 13 s at 100,000 nodes and
// 300,000 edges on the 2-vCPU VM; O((n + E) n / 64) in general.
bool ComputeClosureSums(const Graph& g, bool with_param_sums, const std::function<bool()>& give_up,
                        ClosureSums* out);

}  // namespace respect
