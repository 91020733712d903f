#include "synthetic/graph_set.h"

#include <algorithm>

#include "core/rng.h"
#include "synthetic/synthetic.h"

namespace respect {

StatusOr<std::vector<SetGraph>> SampleGraphSet(const GraphSetSpec& spec) {
  if (spec.sizes.empty()) return Status::Invalid("graph set: no sizes");
  if (spec.per_size < 1) return Status::Invalid("graph set: per_size must be >= 1");
  if (spec.family != "layered" && spec.family != "dnn" && spec.family != "mixed")
    return Status::Invalid("graph set: unknown family '" + spec.family + "' (layered | dnn | mixed)");
  if (spec.degree_min < 1 || spec.degree_min > spec.degree_max)
    return Status::Invalid("graph set: degree range is empty or below 1");
  if (spec.stages_min < 1 || spec.stages_min > spec.stages_max)
    return Status::Invalid("graph set: stage range is empty or below 1");
  std::vector<SetGraph> out;
  for (int s : spec.sizes) {
    if (s < 2) return Status::Invalid("graph set: size " + std::to_string(s) + " is below 2");
    for (int i = 0; i < spec.per_size; ++i) {
      Rng rng(MixSeed(MixSeed(spec.seed, static_cast<uint64_t>(s)), static_cast<uint64_t>(i)));
      SyntheticSpec ss;
      ss.nodes = s;
      const bool dnn = spec.family == "dnn" || (spec.family == "mixed" && i % 2 == 1);
      ss.family = dnn ? SyntheticFamily::kDnn : SyntheticFamily::kLayered;
      ss.levels_max = std::max(2, 5 * s / 6);
      ss.levels_min = std::min(ss.levels_max, std::max(2, s / 3));
      ss.max_in_degree = static_cast<int>(rng.UniformInt(spec.degree_min, spec.degree_max));
      SetGraph sg;
      sg.family = dnn ? "dnn" : "layered";
      sg.stages = static_cast<int>(rng.UniformInt(std::min(spec.stages_min, s), std::min(spec.stages_max, s)));
      const std::string name = spec.prefix + "_n" + std::to_string(s) + "_" + std::to_string(i) + "_" + sg.family;
      auto g = SampleSyntheticGraph(ss, &rng, name);
      if (!g.ok()) return g.status().WithContext(name);
      sg.graph = std::make_shared<const Graph>(std::move(g).value());
      out.push_back(std::move(sg));
    }
  }
  return out;
}

}  // namespace respect
