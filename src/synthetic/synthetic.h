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

// kLayered: random layered DAGs (the paper's training distribution).
// kDnn: near-chain graphs built from the blocks real CNNs are made of.
enum class SyntheticFamily { kLayered = 0, kDnn = 1 };
const char* ToString(SyntheticFamily f);
// "layered" | "dnn"; Invalid otherwise.
StatusOr<SyntheticFamily> ParseSyntheticFamily(const std::string& s);

struct SyntheticSpec {
  int nodes = 30;
  int levels_min = 10;       // number of levels (longest path in nodes), inclusive range
  int levels_max = 25;
  int max_in_degree = 4;     // 2..6
  SyntheticFamily family = SyntheticFamily::kLayered;
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
// spec.family kDnn: see SampleDnnGraph (levels and max_in_degree unused).
StatusOr<Graph> SampleSyntheticGraph(const SyntheticSpec& spec, Rng* rng, const std::string& name);

// A DNN-shaped graph of exactly `nodes` nodes (>= 2): an input, then a chain
// of blocks drawn at random — plain conv/bn/act runs, residual bottlenecks
// (shortcut Add, projection conv when the width changes), dense blocks (every
// layer concatenates all earlier ones), inception blocks (2-4 parallel
// branches joined by Concatenate), depthwise-separable blocks — with the
// width doubling and the spatial side halving every few blocks, and a
// pooling + Dense head. Nodes are created in a topological order and the
// graph is cut at `nodes` (every node keeps its parents, so it stays
// connected with one source). Sizes are fp32 bytes.
StatusOr<Graph> SampleDnnGraph(int nodes, Rng* rng, const std::string& name);

}  // namespace respect
