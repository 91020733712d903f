// A random layered DAG for the policy's tests, benchmarks and examples (not
// the project's synthetic-graph generator, which lives in src/synthetic/).
// `levels` levels (clamped to 1..nodes), every level holds at least one node;
// a node on level l > 0 has 1..max_in_degree distinct parents on earlier
// levels, at least one on level l-1 (so its ASAP level is exactly l).
// Parameter sizes are drawn like DNN layers: about 60% zero-size ops, the rest
// log-uniform between 1 KiB and 4 MiB; output sizes log-uniform 1 KiB..1 MiB.
// Deterministic for a seed on every platform (PolicyRng).
#pragma once

#include <cstdint>

#include "core/status.h"
#include "graph/graph.h"

namespace respect {

StatusOr<Graph> RandomLayeredDag(int nodes, int levels, int max_in_degree, uint64_t seed);

}  // namespace respect
