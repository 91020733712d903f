// Random test graphs shared by the exact-solver suites (tests only).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "cost/problem.h"
#include "graph/graph.h"

namespace respect {
namespace test_graphs {

// Our own uniform integer in [lo, hi] (std::uniform_int_distribution differs
// across standard libraries). Modulo bias is irrelevant here.
inline int64_t Uni(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
}

// A random DAG: node v picks up to `max_parents` parents among earlier nodes;
// parameter sizes like DNN layers (many zero, a few heavy), all multiples of
// 1 KiB so distinct objective values differ by far more than solver tolerances.
inline std::shared_ptr<const Graph> RandomGraph(std::mt19937_64& rng, int n, int max_parents, const std::string& name) {
  GraphBuilder b(name);
  for (int v = 0; v < n; ++v) {
    Node nd;
    nd.id = std::to_string(v);
    nd.name = "n" + std::to_string(v);
    nd.param_bytes = Uni(rng, 0, 9) < 4 ? 0 : 1024 * Uni(rng, 1, 4096);
    nd.output_bytes = Uni(rng, 0, 4) == 0 ? 0 : 1024 * Uni(rng, 1, 1024);
    nd.macs = Uni(rng, 0, 3) == 0 ? 0 : 1000 * Uni(rng, 1, 1000000);
    b.AddNode(nd);
  }
  for (int v = 1; v < n; ++v) {
    const int k = static_cast<int>(Uni(rng, v == 1 ? 1 : 0, std::min(v, max_parents)));
    for (int t = 0; t < k; ++t) b.AddEdgeIdx(static_cast<int>(Uni(rng, 0, v - 1)), v);
  }
  auto g = b.Build();
  EXPECT_TRUE(g.ok()) << g.status().message();
  return std::make_shared<const Graph>(std::move(*g));
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

inline Problem MakeProblem(std::shared_ptr<const Graph> g, int stages, ObjectiveKind kind, CommModel cm) {
  Problem p;
  p.graph = std::move(g);
  p.stages = stages;
  p.objective.kind = kind;
  p.objective.comm_model = cm;
  p.objective.comm_weight = 1.0;
  // A small SRAM so the off-chip term matters for latency.
  p.edgetpu.sram_bytes = 2 * 1024 * 1024;
  return p;
}

}  // namespace test_graphs
}  // namespace respect
