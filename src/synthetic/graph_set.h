// Reproducible sets of synthetic graphs with stage counts: the training
// curriculum of the learned policy and the held-out sets of its benchmark.
// Graph i of size s depends only on (seed, s, i), so sets made with
// different seeds are disjoint draws, and a set can be regrown or cut
// without changing its other members.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace respect {

struct GraphSetSpec {
  std::vector<int> sizes;          // node counts, each >= 2
  int per_size = 1;                // graphs per size
  std::string family = "mixed";    // layered | dnn | mixed (alternating layered, dnn)
  int degree_min = 2, degree_max = 6;  // layered: max in-degree drawn in this range
  int stages_min = 2, stages_max = 10; // stage count drawn in this range (at most the size)
  uint64_t seed = 1;
  std::string prefix = "g";        // graph names: <prefix>_n<size>_<i>_<family>
};

struct SetGraph {
  std::shared_ptr<const Graph> graph;
  int stages = 0;
  std::string family;              // "layered" or "dnn"
};

// Invalid (one line) on an empty size list, a size < 2, per_size < 1, an
// unknown family or an inverted range. Graphs come size by size, in the
// order of `sizes`. Layered graphs get levels in [max(2, s/3), max(2, 5s/6)]
// (10-25 at s = 30, as the paper's training set).
StatusOr<std::vector<SetGraph>> SampleGraphSet(const GraphSetSpec& spec);

}  // namespace respect
