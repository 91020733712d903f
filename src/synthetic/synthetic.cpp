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

const char* ToString(SyntheticFamily f) { return f == SyntheticFamily::kDnn ? "dnn" : "layered"; }

StatusOr<SyntheticFamily> ParseSyntheticFamily(const std::string& s) {
  if (s == "layered") return SyntheticFamily::kLayered;
  if (s == "dnn") return SyntheticFamily::kDnn;
  return Status::Invalid("unknown synthetic family '" + s + "' (layered | dnn)");
}

namespace {

// Builds a DNN-shaped graph node by node; stops adding once `limit` nodes
// exist (later Add calls return -1 and edges to -1 are dropped).
class DnnBuilder {
 public:
  DnnBuilder(int limit, Rng* rng, const std::string& name) : limit_(limit), rng_(rng), b_(name) {}
  bool full() const { return count_ >= limit_; }
  int count() const { return count_; }
  void set_limit(int limit) { limit_ = limit; }
  int side() const { return side_; }
  int64_t width() const { return width_; }

  // One node; returns its index or -1 when the graph is full.
  int Add(const std::string& op, int64_t params, int64_t channels, const std::vector<int>& parents) {
    if (full()) return -1;
    Node nd;
    nd.id = std::to_string(count_);
    nd.id_is_int = true;
    nd.op = op;
    nd.name = op + "_" + std::to_string(count_);
    nd.param_bytes = 4 * params;
    nd.output_bytes = 4LL * side_ * side_ * channels;
    nd.macs = params * side_ * side_;
    b_.AddNode(std::move(nd));
    for (int u : parents)
      if (u >= 0) b_.AddEdgeIdx(u, count_);
    return count_++;
  }
  int Input() {
    const int v = Add("InputLayer", 0, 3, {});
    return v;
  }
  // conv (k x k) -> BatchNormalization -> Activation; returns the last node.
  int ConvBnAct(int in, int64_t cin, int64_t cout, int k) {
    const int c = Add(k == 1 ? "Conv2D_1x1" : "Conv2D_3x3", int64_t{k} * k * cin * cout, cout, {in});
    const int bn = Add("BatchNormalization", 4 * cout, cout, {c});
    return Add("Activation", 0, cout, {bn});
  }
  int64_t Pick(std::initializer_list<int64_t> xs) {
    const int i = static_cast<int>(rng_->UniformInt(0, static_cast<int64_t>(xs.size()) - 1));
    return *(xs.begin() + i);
  }

  int Plain(int in) {
    const int64_t k = Pick({1, 3, 3});
    int v = ConvBnAct(in, width_, width_, static_cast<int>(k));
    if (rng_->UniformInt(0, 1)) v = ConvBnAct(v, width_, width_, 3);
    return v;
  }
  int Residual(int in, int64_t cout) {
    const int64_t mid = std::max<int64_t>(16, cout / 4);
    int v = ConvBnAct(in, width_, mid, 1);
    v = ConvBnAct(v, mid, mid, 3);
    const int c = Add("Conv2D_1x1", mid * cout, cout, {v});
    const int bn = Add("BatchNormalization", 4 * cout, cout, {c});
    int shortcut = in;
    if (cout != width_) {
      const int p = Add("Conv2D_1x1", width_ * cout, cout, {in});
      shortcut = Add("BatchNormalization", 4 * cout, cout, {p});
    }
    const int add = Add("Add", 0, cout, {bn, shortcut});
    width_ = cout;
    return Add("Activation", 0, cout, {add});
  }
  int Dense(int in) {
    const int layers = static_cast<int>(rng_->UniformInt(2, 6));
    const int64_t growth = Pick({16, 32, 32, 48});
    std::vector<int> feats{in};
    int64_t ch = width_;
    int cat = in;
    for (int i = 0; i < layers && !full(); ++i) {
      int v = ConvBnAct(cat, ch, 4 * growth, 1);
      v = ConvBnAct(v, 4 * growth, growth, 3);
      feats.push_back(v);
      ch += growth;
      cat = Add("Concatenate", 0, ch, feats);
    }
    // Transition: 1x1 conv halving the channels, then pooling.
    const int64_t out = std::max<int64_t>(16, ch / 2);
    int v = ConvBnAct(cat, ch, out, 1);
    width_ = out;
    return v;
  }
  int Inception(int in) {
    const int branches = static_cast<int>(rng_->UniformInt(2, 4));
    const int64_t bw = std::max<int64_t>(16, width_ / branches);
    std::vector<int> outs;
    for (int i = 0; i < branches && !full(); ++i) {
      int v = in;
      const int depth = static_cast<int>(rng_->UniformInt(0, 2));
      if (i == branches - 1 && branches > 2) {
        v = Add("AveragePooling2D", 0, width_, {in});
        v = ConvBnAct(v, width_, bw, 1);
      } else {
        v = ConvBnAct(v, width_, bw, 1);
        for (int d = 0; d < depth; ++d) v = ConvBnAct(v, bw, bw, 3);
      }
      outs.push_back(v);
    }
    width_ = bw * static_cast<int64_t>(outs.size());
    return Add("Concatenate", 0, width_, outs);
  }
  int Separable(int in, int64_t cout) {
    int v = Add("DepthwiseConv2D", 9 * width_, width_, {in});
    v = Add("BatchNormalization", 4 * width_, width_, {v});
    v = Add("Activation", 0, width_, {v});
    v = ConvBnAct(v, width_, cout, 1);
    if (cout == width_ && rng_->UniformInt(0, 2) == 0) v = Add("Add", 0, cout, {v, in});
    width_ = cout;
    return v;
  }
  int Downsample(int in) {
    if (side_ > 7) side_ /= 2;
    return Add(rng_->UniformInt(0, 1) ? "MaxPooling2D" : "ZeroPadding2D", 0, width_, {in});
  }
  int Head(int in, int64_t classes) {
    const int pool = Add("GlobalAveragePooling2D", 0, width_, {in});
    side_ = 1;
    return Add("Dense", width_ * classes + classes, classes, {pool});
  }
  void set_width(int64_t w) { width_ = w; }
  StatusOr<Graph> Build() { return b_.Build(); }

 private:
  int limit_;
  Rng* rng_;
  GraphBuilder b_;
  int count_ = 0;
  int side_ = 224;
  int64_t width_ = 3;
};

}  // namespace

StatusOr<Graph> SampleDnnGraph(int nodes, Rng* rng, const std::string& name) {
  if (nodes < 2) return Status::Invalid("synthetic.nodes must be >= 2, got " + std::to_string(nodes));
  // Blocks fill all but the last two nodes; the head (pooling + Dense) gets those.
  const int body = nodes >= 8 ? nodes - 2 : nodes;
  DnnBuilder d(body, rng, name);
  int v = d.Input();
  // Stem: a strided conv to 32-64 channels.
  const int64_t stem = d.Pick({32, 64});
  v = d.ConvBnAct(v, 3, stem, 3);
  d.set_width(stem);
  v = d.Downsample(v);
  // The model's style: which blocks it favours (real models repeat one kind).
  const int style = static_cast<int>(rng->UniformInt(0, 4));
  int blocks_in_stage = 0;
  const int per_stage = static_cast<int>(rng->UniformInt(2, 6));
  while (!d.full()) {
    if (blocks_in_stage == per_stage) {
      v = d.Downsample(v);
      blocks_in_stage = 0;
    }
    const bool widen = blocks_in_stage == 0;
    const int64_t cout = widen ? std::min<int64_t>(2048, d.width() * 2) : d.width();
    int kind = style;
    if (rng->UniformInt(0, 3) == 0) kind = static_cast<int>(rng->UniformInt(0, 4));  // a block of another kind
    switch (kind) {
      case 0: v = d.Residual(v, cout); break;
      case 1: v = d.Dense(v); break;
      case 2: v = d.Inception(v); break;
      case 3: v = d.Separable(v, cout); break;
      default: {
        d.set_width(cout);
        v = d.Plain(v);
        break;
      }
    }
    ++blocks_in_stage;
  }
  if (body < nodes) {
    // v may be -1 if the last block was cut; the head then reads the last node made.
    d.set_limit(nodes);
    d.Head(v >= 0 ? v : d.count() - 1, d.Pick({10, 100, 1000}));
  }
  return d.Build();
}

StatusOr<Graph> SampleSyntheticGraph(const SyntheticSpec& spec, Rng* rng, const std::string& name) {
  if (spec.family == SyntheticFamily::kDnn) return SampleDnnGraph(spec.nodes, rng, name);
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
