#include "synthetic/synthetic.h"

#include <algorithm>

namespace respect {

Status ValidateSyntheticSpec(const SyntheticSpec& s) {
  if (s.nodes < 2) return Status::Invalid("synthetic.nodes must be >= 2, got " + std::to_string(s.nodes));
  if (s.levels_min < 2) return Status::Invalid("synthetic.levels_min must be >= 2");
  if (s.levels_min > s.levels_max) return Status::Invalid("synthetic.levels_min exceeds synthetic.levels_max");
  if (s.levels_min > s.nodes)
    return Status::Invalid("synthetic.levels_min " + std::to_string(s.levels_min) + " exceeds synthetic.nodes " +
                           std::to_string(s.nodes));
  if (s.max_in_degree < 1 || s.max_in_degree > 64)
    return Status::Invalid("synthetic.max_in_degree must be in [1, 64]");
  return Status::Ok();
}

namespace {

struct OpKind {
  const char* name;
  int weight;       // relative frequency
  int param_class;  // 0 none, 1 light (depthwise/1x1/bn), 2 regular conv, 3 heavy (wide conv / dense)
};

// Frequencies shaped after layer mixes of Keras ImageNet models: many
// parameter-free ops, mostly light weighted ops, a few heavy ones.
constexpr OpKind kOps[] = {
    {"Activation", 18, 0}, {"Add", 10, 0},  {"Concatenate", 5, 0}, {"MaxPooling2D", 4, 0},
    {"ZeroPadding2D", 4, 0}, {"AveragePooling2D", 4, 0},
    {"BatchNormalization", 16, 1}, {"DepthwiseConv2D", 6, 1}, {"Conv2D_1x1", 16, 2},
    {"Conv2D_3x3", 12, 2}, {"Conv2D_wide", 4, 3}, {"Dense", 1, 3},
};
constexpr int kChannels[] = {16, 32, 64, 128, 256, 512, 1024, 2048};

}  // namespace

StatusOr<Graph> SampleSyntheticGraph(const SyntheticSpec& spec, Rng* rng, const std::string& name) {
  RESPECT_RETURN_IF_ERROR(ValidateSyntheticSpec(spec));
  const int n = spec.nodes;
  const int levels = static_cast<int>(rng->UniformInt(spec.levels_min, std::min(spec.levels_max, n)));
  // Level sizes: level 0 is the single source; each other level >= 1 node;
  // the rest are spread uniformly.
  std::vector<int> size(levels, 1);
  for (int extra = n - levels; extra > 0; --extra) size[rng->UniformInt(1, levels - 1)] += 1;
  std::vector<std::vector<int>> at(levels);
  std::vector<int> level_of;
  for (int l = 0, v = 0; l < levels; ++l)
    for (int i = 0; i < size[l]; ++i, ++v) { at[l].push_back(v); level_of.push_back(l); }

  GraphBuilder b(name);
  std::vector<int> op_weights;
  for (const OpKind& k : kOps) op_weights.push_back(k.weight);
  for (int v = 0; v < n; ++v) {
    const int l = level_of[v];
    Node nd;
    nd.id = std::to_string(v);
    nd.id_is_int = true;
    // Spatial side shrinks 224 -> 7 and channels widen with depth.
    const int depth_frac8 = (8 * l) / std::max(1, levels - 1);        // 0..8
    const int side = std::max(7, 224 >> std::min(5, (depth_frac8 * 5 + 7) / 8));
    const int ch_idx = std::min(7, depth_frac8 * 6 / 8 + static_cast<int>(rng->UniformInt(0, 1)));
    const int64_t c = kChannels[ch_idx];
    if (l == 0) {
      nd.name = "input";
      nd.op = "InputLayer";
      nd.output_bytes = 224LL * 224 * 3 * 4;
    } else {
      const OpKind& k = kOps[rng->Categorical(op_weights)];
      nd.op = k.name;
      nd.name = std::string(k.name) + "_" + std::to_string(v);
      int64_t params = 0;
      const int64_t cin = kChannels[std::max(0, ch_idx - static_cast<int>(rng->UniformInt(0, 1)))];
      // Spatial kernels stay at <= 512 channels, as in bottleneck designs
      // (ResNet-50's largest 3x3 conv is 512x512, 9.4 MB in fp32).
      const int64_t c3 = std::min<int64_t>(c, 512), cin3 = std::min<int64_t>(cin, 512);
      switch (k.param_class) {
        case 1: params = (nd.op == "DepthwiseConv2D" ? 9 * c : 4 * c); break;
        case 2: params = nd.op == "Conv2D_3x3" ? 9 * cin3 * c3 : std::min<int64_t>(cin, 1024) * c; break;
        case 3: params = 9 * cin3 * c3 * static_cast<int64_t>(rng->UniformInt(1, 2)); break;
        default: break;
      }
      nd.param_bytes = 4 * params;
      nd.output_bytes = 4LL * side * side * c;
      nd.macs = params * side * side;
    }
    b.AddNode(std::move(nd));
  }
  for (int l = 1; l < levels; ++l) {
    for (int v : at[l]) {
      std::vector<int> parents{at[l - 1][rng->UniformInt(0, static_cast<int>(at[l - 1].size()) - 1)]};
      const int want = static_cast<int>(rng->UniformInt(1, spec.max_in_degree));
      // Extra parents from the last few levels (skip connections stay short,
      // as in residual and dense blocks); give up after a few tries.
      for (int tries = 0; static_cast<int>(parents.size()) < want && tries < 4 * want; ++tries) {
        const int pl = std::max(0, l - 1 - static_cast<int>(rng->UniformInt(0, 3)));
        const int u = at[pl][rng->UniformInt(0, static_cast<int>(at[pl].size()) - 1)];
        if (std::find(parents.begin(), parents.end(), u) == parents.end()) parents.push_back(u);
      }
      for (int u : parents) b.AddEdgeIdx(u, v);
    }
  }
  return b.Build();
}

}  // namespace respect
