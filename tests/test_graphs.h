// Test graphs and problems shared by the suites (tests only): random DAGs,
// hand-written small graphs, problems over them.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cost/problem.h"
#include "graph/graph.h"

namespace respect {
namespace test_graphs {

// Our own uniform integer in [lo, hi] (std::uniform_int_distribution differs
// across standard libraries). Modulo bias is irrelevant here.
inline int64_t Uni(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
}

// How RandomGraph sizes and wires its nodes. A node's parameter bytes are 0
// with probability 4/10, else param_unit * U[1, param_hi]; its output bytes 0
// with probability 1/5, else output_unit * U[1, output_hi]; its MACs 0 with
// probability 1/4, else macs_unit * U[1, macs_hi]. The defaults are like DNN
// layers (many zero, a few heavy), all sizes multiples of 1 KiB so distinct
// objective values differ by far more than solver tolerances.
struct RandomGraphSpec {
  int64_t param_hi = 4096, param_unit = 1024;
  int64_t output_hi = 1024, output_unit = 1024;
  int64_t macs_hi = 1000000, macs_unit = 1000;
  bool named = true;    // node v is named "n<v>" (else it has no name)
  int min_parents = 0;  // fewest parents of a node after the first (node 1 has at least one)
  int window = 0;       // > 0: parents among the `window` nodes before
};

// Sizes in bytes (units of 1): parameters up to param_hi, outputs up to
// output_hi, MACs up to 10^9; nodes without names.
inline RandomGraphSpec ByteSizes(int64_t param_hi, int64_t output_hi) {
  RandomGraphSpec s;
  s.param_hi = param_hi;
  s.output_hi = output_hi;
  s.macs_hi = 1000000000;
  s.param_unit = s.output_unit = s.macs_unit = 1;
  s.named = false;
  return s;
}

// A random DAG: node v picks up to `max_parents` parents among earlier nodes.
inline std::shared_ptr<const Graph> RandomGraph(std::mt19937_64& rng, int n, int max_parents, const std::string& name,
                                                const RandomGraphSpec& spec = {}) {
  GraphBuilder b(name);
  for (int v = 0; v < n; ++v) {
    Node nd;
    nd.id = std::to_string(v);
    if (spec.named) nd.name = "n" + std::to_string(v);
    nd.param_bytes = Uni(rng, 0, 9) < 4 ? 0 : spec.param_unit * Uni(rng, 1, spec.param_hi);
    nd.output_bytes = Uni(rng, 0, 4) == 0 ? 0 : spec.output_unit * Uni(rng, 1, spec.output_hi);
    nd.macs = Uni(rng, 0, 3) == 0 ? 0 : spec.macs_unit * Uni(rng, 1, spec.macs_hi);
    b.AddNode(nd);
  }
  for (int v = 1; v < n; ++v) {
    const int k = static_cast<int>(Uni(rng, std::max(spec.min_parents, v == 1 ? 1 : 0), std::min(v, max_parents)));
    const int lo = spec.window > 0 ? std::max(0, v - spec.window) : 0;
    for (int t = 0; t < k; ++t) b.AddEdgeIdx(static_cast<int>(Uni(rng, lo, v - 1)), v);
  }
  auto g = b.Build();
  EXPECT_TRUE(g.ok()) << g.status().message();
  return std::make_shared<const Graph>(std::move(*g));
}

// A uniformly random topological order (random ready node each step).
inline std::vector<int> RandomTopoOrder(std::mt19937_64& rng, const Graph& g) {
  std::vector<int> indeg(g.size()), ready, order;
  for (int v = 0; v < g.size(); ++v) {
    indeg[v] = static_cast<int>(g.parents(v).size());
    if (indeg[v] == 0) ready.push_back(v);
  }
  while (!ready.empty()) {
    const size_t i = static_cast<size_t>(Uni(rng, 0, static_cast<int64_t>(ready.size()) - 1));
    const int u = ready[i];
    ready.erase(ready.begin() + static_cast<long>(i));
    order.push_back(u);
    for (int c : g.children(u))
      if (--indeg[c] == 0) ready.push_back(c);
  }
  return order;
}

// A chain 0 -> 1 -> ... -> n-1 of empty nodes named by their index.
inline Graph ChainGraph(int n) {
  GraphBuilder b("chain");
  for (int v = 0; v < n; ++v) {
    Node nd;
    nd.id = std::to_string(v);
    b.AddNode(nd);
  }
  for (int v = 0; v + 1 < n; ++v) b.AddEdgeIdx(v, v + 1);
  auto g = b.Build();
  EXPECT_TRUE(g.ok()) << g.status().message();
  return std::move(*g);
}

inline Problem MakeProblem(std::shared_ptr<const Graph> g, int stages, ObjectiveKind kind, CommModel cm,
                           int64_t sram_bytes = 2 * 1024 * 1024) {
  Problem p;
  p.graph = std::move(g);
  p.stages = stages;
  p.objective.kind = kind;
  p.objective.comm_model = cm;
  p.objective.comm_weight = 1.0;
  // A small SRAM (by default) so the off-chip term matters for latency.
  p.edgetpu.sram_bytes = sram_bytes;
  return p;
}

// `g` on `stages` stages, every other setting at its default.
inline Problem StagesProblem(std::shared_ptr<const Graph> g, int stages) {
  Problem p;
  p.graph = std::move(g);
  p.stages = stages;
  return p;
}

// A node with these sizes (hand-written test graphs).
inline Node N(const std::string& id, int64_t param_bytes = 0, int64_t output_bytes = 0) {
  Node n;
  n.id = id;
  n.param_bytes = param_bytes;
  n.output_bytes = output_bytes;
  return n;
}

// The graph of these nodes and edges (by id); a failed build fails the test.
inline std::shared_ptr<const Graph> BuildGraph(const std::string& name, const std::vector<Node>& nodes,
                                               const std::vector<std::pair<std::string, std::string>>& edges) {
  GraphBuilder b(name);
  for (const Node& n : nodes) b.AddNode(n);
  for (const auto& [src, dst] : edges) b.AddEdge(src, dst);
  auto g = b.Build();
  EXPECT_TRUE(g.ok()) << g.status().message();
  return std::make_shared<const Graph>(std::move(*g));
}

// A random DAG with edge bytes (GML `parameter`): node ids shuffled (not
// topological), parameter bytes 0 with probability 3/10 else U[param_lo,
// param_hi]; node v > 0 takes one or two distinct parents among earlier
// nodes, each edge 0 bytes with probability 1/2 (the zero-weight links that
// leave crossings in pieces) else U[edge_lo, edge_hi].
inline std::shared_ptr<const Graph> RandomWithEdgeBytes(std::mt19937_64& rng, int n, const std::string& name,
                                                        int64_t param_lo, int64_t param_hi, int64_t edge_lo,
                                                        int64_t edge_hi) {
  GraphBuilder b(name);
  std::vector<int> ids(n);
  for (int v = 0; v < n; ++v) ids[v] = v;
  std::shuffle(ids.begin(), ids.end(), rng);
  for (int v = 0; v < n; ++v) {
    Node nd;
    nd.id = std::to_string(ids[v]);
    nd.param_bytes = Uni(rng, 0, 9) < 3 ? 0 : Uni(rng, param_lo, param_hi);
    b.AddNode(nd);
  }
  for (int v = 1; v < n; ++v) {
    const int a = static_cast<int>(Uni(rng, 0, v - 1)), c = static_cast<int>(Uni(rng, 0, v - 1));
    for (int u : a == c ? std::vector<int>{a} : std::vector<int>{a, c})  // one edge per pair
      b.AddEdgeIdx(u, v, Uni(rng, 0, 1) ? 0 : Uni(rng, edge_lo, edge_hi));
  }
  auto g = b.Build();
  EXPECT_TRUE(g.ok()) << g.status().message();
  return std::make_shared<const Graph>(std::move(*g));
}

}  // namespace test_graphs
}  // namespace respect
