#include "policy/random_dag.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "policy/rng.h"

namespace respect {

StatusOr<Graph> RandomLayeredDag(int nodes, int levels, int max_in_degree, uint64_t seed) {
  if (nodes < 1) return Status::Invalid("random dag: nodes must be >= 1");
  if (max_in_degree < 1) return Status::Invalid("random dag: max_in_degree must be >= 1");
  levels = std::clamp(levels, 1, nodes);
  PolicyRng rng(seed);
  // Level of each node: one per level, the rest uniform; sorted.
  std::vector<int> level(nodes);
  for (int i = 0; i < nodes; ++i) {
    level[i] = i < levels ? i : static_cast<int>(rng.Below(static_cast<uint64_t>(levels)));
  }
  std::sort(level.begin(), level.end());
  std::vector<std::vector<int>> by_level(levels);
  for (int i = 0; i < nodes; ++i) by_level[level[i]].push_back(i);

  static const char* kOps[] = {"Conv2D", "DepthwiseConv2D", "Add", "Concatenation",
                               "AveragePool2D", "Relu", "FullyConnected", "Reshape"};
  GraphBuilder b("random_dag_" + std::to_string(nodes) + "_" + std::to_string(seed));
  for (int i = 0; i < nodes; ++i) {
    Node nd;
    nd.id = std::to_string(i);
    nd.id_is_int = true;
    nd.name = "n" + std::to_string(i);
    const bool heavy = rng.Uniform01() < 0.4;
    nd.op = kOps[heavy ? rng.Below(2) * 6 : 1 + rng.Below(6)];  // heavy: Conv2D / FullyConnected
    nd.param_bytes =
        heavy ? static_cast<int64_t>(std::exp(rng.Uniform(std::log(1024.0), std::log(4194304.0)))) : 0;
    nd.output_bytes =
        static_cast<int64_t>(std::exp(rng.Uniform(std::log(1024.0), std::log(1048576.0))));
    nd.macs = nd.param_bytes * 50;
    b.AddNode(std::move(nd));
  }
  std::vector<int> pool;
  for (int l = 1; l < levels; ++l) {
    for (int v : by_level[l]) {
      std::vector<int> parents;
      const auto& prev = by_level[l - 1];
      parents.push_back(prev[rng.Below(prev.size())]);
      const int want = 1 + static_cast<int>(rng.Below(static_cast<uint64_t>(max_in_degree)));
      // Extra parents: mostly from the last few levels (like skip connections).
      for (int tries = 0; static_cast<int>(parents.size()) < want && tries < 4 * want; ++tries) {
        const int back = 1 + static_cast<int>(rng.Below(static_cast<uint64_t>(std::min(l, 3))));
        const auto& lv = by_level[l - back];
        const int u = lv[rng.Below(lv.size())];
        if (std::find(parents.begin(), parents.end(), u) == parents.end()) parents.push_back(u);
      }
      for (int u : parents) b.AddEdgeIdx(u, v);
    }
  }
  return b.Build();
}

}  // namespace respect
