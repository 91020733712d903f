#include "zoo/keras_builder.h"

#include <utility>

namespace respect {
namespace zoo {

void KerasModel::Fail(const std::string& msg) {
  if (status_.ok()) status_ = Status::Internal("zoo model '" + name_ + "': " + msg);
}

bool KerasModel::Usable(const KTensor& x, const std::string& what) {
  if (!status_.ok()) return false;
  if (x.layer < 0 || x.layer >= num_layers()) {
    Fail(what + ": input tensor does not come from this model");
    return false;
  }
  return true;
}

int KerasModel::OutSize(int in, int k, int stride, Padding padding, const std::string& what) {
  if (stride < 1 || k < 1) {
    Fail(what + ": kernel and stride must be positive");
    return 0;
  }
  if (padding == kSame) return (in + stride - 1) / stride;
  if (in < k) {
    Fail(what + ": window " + std::to_string(k) + " larger than input " + std::to_string(in));
    return 0;
  }
  return (in - k) / stride + 1;
}

KTensor KerasModel::AddLayer(const std::string& op, const std::string& auto_base,
                             const std::string& name, const std::vector<KTensor>& inputs, int h,
                             int w, int c, int64_t params, int64_t macs) {
  if (!status_.ok()) return {};
  std::string layer_name = name;
  if (layer_name.empty()) {
    // Keras: first "<base>", then "<base>_1", "<base>_2", ...
    int& n = auto_count_[auto_base];
    layer_name = n == 0 ? auto_base : auto_base + "_" + std::to_string(n);
    ++n;
  }
  if (!names_.insert(layer_name).second) {
    Fail("duplicate layer name '" + layer_name + "'");
    return {};
  }
  if (h <= 0 || w <= 0 || c <= 0) {
    Fail("layer '" + layer_name + "' has an empty output shape");
    return {};
  }
  Layer layer;
  layer.name = std::move(layer_name);
  layer.op = op;
  for (const KTensor& t : inputs) layer.inputs.push_back(t.layer);
  layer.params = params;
  layer.output_elements = int64_t{h} * w * c;
  layer.macs = macs;
  layers_.push_back(std::move(layer));
  return KTensor{num_layers() - 1, h, w, c};
}

KTensor KerasModel::Input(int h, int w, int c, const std::string& name) {
  if (!status_.ok()) return {};
  return AddLayer("InputLayer", "input", name, {}, h, w, c, 0, 0);
}

KTensor KerasModel::Conv2D(const KTensor& x, int filters, Size2 kernel, int stride,
                           Padding padding, bool use_bias, const std::string& name) {
  if (!Usable(x, "Conv2D " + name)) return {};
  int ho = OutSize(x.h, kernel.h, stride, padding, "Conv2D " + name);
  int wo = OutSize(x.w, kernel.w, stride, padding, "Conv2D " + name);
  const int64_t taps = int64_t{kernel.h} * kernel.w * x.c;
  const int64_t params = taps * filters + (use_bias ? filters : 0);
  const int64_t macs = int64_t{ho} * wo * taps * filters;
  return AddLayer("Conv2D", "conv2d", name, {x}, ho, wo, filters, params, macs);
}

KTensor KerasModel::DepthwiseConv2D(const KTensor& x, Size2 kernel, int stride, Padding padding,
                                    bool use_bias, const std::string& name, int depth_multiplier) {
  if (!Usable(x, "DepthwiseConv2D " + name)) return {};
  int ho = OutSize(x.h, kernel.h, stride, padding, "DepthwiseConv2D " + name);
  int wo = OutSize(x.w, kernel.w, stride, padding, "DepthwiseConv2D " + name);
  const int c = x.c * depth_multiplier;
  const int64_t k = int64_t{kernel.h} * kernel.w;
  const int64_t params = k * c + (use_bias ? c : 0);
  const int64_t macs = int64_t{ho} * wo * k * c;
  return AddLayer("DepthwiseConv2D", "depthwise_conv2d", name, {x}, ho, wo, c, params, macs);
}

KTensor KerasModel::SeparableConv2D(const KTensor& x, int filters, Size2 kernel, int stride,
                                    Padding padding, bool use_bias, const std::string& name) {
  if (!Usable(x, "SeparableConv2D " + name)) return {};
  int ho = OutSize(x.h, kernel.h, stride, padding, "SeparableConv2D " + name);
  int wo = OutSize(x.w, kernel.w, stride, padding, "SeparableConv2D " + name);
  const int64_t k = int64_t{kernel.h} * kernel.w;
  const int64_t depthwise = k * x.c, pointwise = int64_t{x.c} * filters;
  const int64_t params = depthwise + pointwise + (use_bias ? filters : 0);
  const int64_t macs = int64_t{ho} * wo * (depthwise + pointwise);
  return AddLayer("SeparableConv2D", "separable_conv2d", name, {x}, ho, wo, filters, params,
                  macs);
}

KTensor KerasModel::BatchNormalization(const KTensor& x, const std::string& name, bool scale) {
  if (!Usable(x, "BatchNormalization " + name)) return {};
  const int64_t params = int64_t{scale ? 4 : 3} * x.c;
  return AddLayer("BatchNormalization", "batch_normalization", name, {x}, x.h, x.w, x.c, params,
                  x.elements());
}

KTensor KerasModel::Activation(const KTensor& x, const std::string& name) {
  if (!Usable(x, "Activation " + name)) return {};
  return AddLayer("Activation", "activation", name, {x}, x.h, x.w, x.c, 0, x.elements());
}

KTensor KerasModel::ReLU(const KTensor& x, const std::string& name) {
  if (!Usable(x, "ReLU " + name)) return {};
  return AddLayer("ReLU", "re_lu", name, {x}, x.h, x.w, x.c, 0, x.elements());
}

KTensor KerasModel::ZeroPadding2D(const KTensor& x, int top, int bottom, int left, int right,
                                  const std::string& name) {
  if (!Usable(x, "ZeroPadding2D " + name)) return {};
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    Fail("ZeroPadding2D " + name + ": negative padding");
    return {};
  }
  return AddLayer("ZeroPadding2D", "zero_padding2d", name, {x}, x.h + top + bottom,
                  x.w + left + right, x.c, 0, 0);
}

KTensor KerasModel::Pool(const char* op, const char* auto_base, const KTensor& x, Size2 pool,
                         int stride, Padding padding, const std::string& name) {
  if (!Usable(x, std::string(op) + " " + name)) return {};
  int ho = OutSize(x.h, pool.h, stride, padding, std::string(op) + " " + name);
  int wo = OutSize(x.w, pool.w, stride, padding, std::string(op) + " " + name);
  const int64_t macs = int64_t{ho} * wo * x.c * pool.h * pool.w;
  return AddLayer(op, auto_base, name, {x}, ho, wo, x.c, 0, macs);
}

KTensor KerasModel::MaxPooling2D(const KTensor& x, Size2 pool, int stride, Padding padding,
                                 const std::string& name) {
  return Pool("MaxPooling2D", "max_pooling2d", x, pool, stride, padding, name);
}

KTensor KerasModel::AveragePooling2D(const KTensor& x, Size2 pool, int stride, Padding padding,
                                     const std::string& name) {
  return Pool("AveragePooling2D", "average_pooling2d", x, pool, stride, padding, name);
}

KTensor KerasModel::Add(const std::vector<KTensor>& xs, const std::string& name) {
  if (xs.size() < 2) {
    Fail("Add " + name + ": needs at least two inputs");
    return {};
  }
  for (const KTensor& x : xs) {
    if (!Usable(x, "Add " + name)) return {};
    if (x.h != xs[0].h || x.w != xs[0].w || x.c != xs[0].c) {
      Fail("Add " + name + ": input shapes differ");
      return {};
    }
  }
  const KTensor& x = xs[0];
  const int64_t macs = x.elements() * static_cast<int64_t>(xs.size() - 1);
  return AddLayer("Add", "add", name, xs, x.h, x.w, x.c, 0, macs);
}

KTensor KerasModel::Concatenate(const std::vector<KTensor>& xs, const std::string& name) {
  if (xs.size() < 2) {
    Fail("Concatenate " + name + ": needs at least two inputs");
    return {};
  }
  int c = 0;
  for (const KTensor& x : xs) {
    if (!Usable(x, "Concatenate " + name)) return {};
    if (x.h != xs[0].h || x.w != xs[0].w) {
      Fail("Concatenate " + name + ": spatial shapes differ");
      return {};
    }
    c += x.c;
  }
  return AddLayer("Concatenate", "concatenate", name, xs, xs[0].h, xs[0].w, c, 0, 0);
}

KTensor KerasModel::ScaleSum(const KTensor& x, const KTensor& r, const std::string& name) {
  if (!Usable(x, "Lambda " + name) || !Usable(r, "Lambda " + name)) return {};
  if (x.h != r.h || x.w != r.w || x.c != r.c) {
    Fail("Lambda " + name + ": input shapes differ");
    return {};
  }
  return AddLayer("Lambda", "lambda", name, {x, r}, x.h, x.w, x.c, 0, x.elements());
}

StatusOr<Graph> KerasModel::Finish(const std::vector<KTensor>& outputs) const {
  if (!status_.ok()) return status_;
  if (layers_.empty()) return Status::Internal("zoo model '" + name_ + "' has no layers");
  const int n = num_layers();
  std::vector<char> consumed(n, 0), is_output(n, 0);
  for (const Layer& l : layers_)
    for (int u : l.inputs) consumed[u] = 1;
  for (const KTensor& t : outputs) {
    if (t.layer < 0 || t.layer >= n)
      return Status::Internal("zoo model '" + name_ + "': output is not a layer of the model");
    is_output[t.layer] = 1;
  }
  for (int v = 0; v < n; ++v)
    if (!consumed[v] && !is_output[v])
      return Status::Internal("zoo model '" + name_ + "': layer '" + layers_[v].name +
                              "' is neither consumed nor an output");

  // Index 0 is the source, layers are 1..n, the sink is n+1.
  GraphBuilder gb(name_);
  auto make_node = [](int index, const std::string& name, const std::string& op) {
    Node node;
    node.id = std::to_string(index);
    node.id_is_int = true;
    node.name = name;
    node.op = op;
    return node;
  };
  gb.AddNode(make_node(0, "source", "Source"));
  for (int v = 0; v < n; ++v) {
    const Layer& l = layers_[v];
    Node node = make_node(v + 1, l.name, l.op);
    node.param_bytes = 4 * l.params;
    node.output_bytes = 4 * l.output_elements;
    node.macs = l.macs;
    gb.AddNode(std::move(node));
  }
  const int sink = gb.AddNode(make_node(n + 1, "sink", "Sink"));
  for (int v = 0; v < n; ++v) {
    if (layers_[v].inputs.empty()) gb.AddEdgeIdx(0, v + 1);
    for (int u : layers_[v].inputs) gb.AddEdgeIdx(u + 1, v + 1);
    if (is_output[v]) gb.AddEdgeIdx(v + 1, sink);
  }
  return gb.Build();
}

}  // namespace zoo
}  // namespace respect
