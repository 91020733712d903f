// Synthetic DNN-like DAGs: the training distribution of the learned policy and
// the scale benchmarks. Reproducible for a seed on every platform (integer
// arithmetic on respect::Rng only).
#pragma once

#include <cstdint>
#include <string>

#include "core/rng.h"
#include "core/status.h"
#include "graph/graph.h"

namespace respect {

struct SyntheticSpec {
  int nodes = 30;
  int levels_min = 10;       // number of levels (longest path in nodes), inclusive range
  int levels_max = 25;
  int max_in_degree = 4;     // 2..6
};

Status ValidateSyntheticSpec(const SyntheticSpec& spec);

// Properties of every sampled graph:
//  - exactly `nodes` nodes, one source (level 0), weakly connected, acyclic;
//  - level L (drawn in [levels_min, min(levels_max, nodes)]) levels; every node
//    on level l > 0 has a parent on level l-1, so its level is its ASAP depth;
//  - in-degree between 1 and max_in_degree for non-source nodes;
//  - sizes drawn like DNN layers: ~45% zero-parameter ops (activations, adds,
//    pooling), most weighted ops light, a few heavy; tensors shrink spatially
//    and widen in channels with depth.
StatusOr<Graph> SampleSyntheticGraph(const SyntheticSpec& spec, Rng* rng, const std::string& name);

}  // namespace respect
