// A small Keras-like functional API for writing zoo models compactly.
//
// Each call adds one Keras layer: it computes the output shape (channels
// last, batch 1), the parameter count and the MACs (rules in zoo/zoo.h), and
// records the connectivity. Layers without a name get Keras's automatic name
// for their class ("conv2d", "conv2d_1", ...). Errors (a kernel larger than
// its input, mismatched shapes, a duplicate name) never throw: the first one
// is remembered, later calls become no-ops, and Finish() returns it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace respect {
namespace zoo {

enum class Padding { kValid, kSame };
constexpr Padding kValid = Padding::kValid;
constexpr Padding kSame = Padding::kSame;

// A Keras tensor: the layer that produced it and its H x W x C shape.
struct KTensor {
  int layer = -1;
  int h = 0, w = 0, c = 0;
  int64_t elements() const { return int64_t{h} * w * c; }
};

// A kernel or pool size: `3` or `{1, 7}` (rows, cols) as in Keras.
struct Size2 {
  Size2(int k) : h(k), w(k) {}  // NOLINT: implicit like Keras's int argument
  Size2(int rows, int cols) : h(rows), w(cols) {}
  int h, w;
};

class KerasModel {
 public:
  explicit KerasModel(std::string name) : name_(std::move(name)) {}

  KTensor Input(int h, int w, int c, const std::string& name = "input_1");

  KTensor Conv2D(const KTensor& x, int filters, Size2 kernel, int stride, Padding padding,
                 bool use_bias, const std::string& name = "");
  KTensor DepthwiseConv2D(const KTensor& x, Size2 kernel, int stride, Padding padding,
                          bool use_bias, const std::string& name = "", int depth_multiplier = 1);
  KTensor SeparableConv2D(const KTensor& x, int filters, Size2 kernel, int stride,
                          Padding padding, bool use_bias, const std::string& name = "");
  // scale=false: Keras BatchNormalization(scale=False), 3 params per channel.
  KTensor BatchNormalization(const KTensor& x, const std::string& name = "", bool scale = true);
  KTensor Activation(const KTensor& x, const std::string& name = "");  // Keras Activation layer
  KTensor ReLU(const KTensor& x, const std::string& name = "");        // Keras ReLU layer (e.g. ReLU6)
  KTensor ZeroPadding2D(const KTensor& x, int top, int bottom, int left, int right,
                        const std::string& name = "");
  KTensor ZeroPadding2D(const KTensor& x, int pad, const std::string& name = "") {
    return ZeroPadding2D(x, pad, pad, pad, pad, name);
  }
  KTensor MaxPooling2D(const KTensor& x, Size2 pool, int stride, Padding padding,
                       const std::string& name = "");
  KTensor AveragePooling2D(const KTensor& x, Size2 pool, int stride, Padding padding,
                           const std::string& name = "");
  KTensor Add(const std::vector<KTensor>& xs, const std::string& name = "");
  KTensor Concatenate(const std::vector<KTensor>& xs, const std::string& name = "");
  // Inception-ResNet's scaled residual: x + scale * r (no parameters).
  KTensor ScaleSum(const KTensor& x, const KTensor& r, const std::string& name);

  int num_layers() const { return static_cast<int>(layers_.size()); }

  // Adds the source and sink and validates. Every layer except the outputs
  // must have a consumer (a dangling layer is a construction bug).
  StatusOr<Graph> Finish(const std::vector<KTensor>& outputs) const;

 private:
  struct Layer {
    std::string name, op;
    std::vector<int> inputs;
    int64_t params = 0, output_elements = 0, macs = 0;
  };
  KTensor AddLayer(const std::string& op, const std::string& auto_base, const std::string& name,
                   const std::vector<KTensor>& inputs, int h, int w, int c, int64_t params,
                   int64_t macs);
  KTensor Pool(const char* op, const char* auto_base, const KTensor& x, Size2 pool, int stride,
               Padding padding, const std::string& name);
  // Spatial output size of a window op; records an error and returns 0 when
  // the window does not fit.
  int OutSize(int in, int k, int stride, Padding padding, const std::string& what);
  bool Usable(const KTensor& x, const std::string& what);
  void Fail(const std::string& msg);

  std::string name_;
  std::vector<Layer> layers_;
  std::map<std::string, int> auto_count_;
  std::set<std::string> names_;
  Status status_;
};

}  // namespace zoo
}  // namespace respect
