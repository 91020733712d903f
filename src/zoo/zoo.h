// The model zoo (`model: zoo:NAME`): Keras Applications models built in code.
//
// Each model is the `include_top=False`, `pooling=None` Keras Applications
// model at its default input size (batch 1), at the granularity of Keras
// layers: one node per layer of `model.layers` (InputLayer included), with
// the Keras layer name as `name`, the Keras class name as `op`, and one edge
// per consumed tensor. Following the RESPECT paper's convention, a zero-size
// node "source" (op "Source") feeds the input layer and every model output
// feeds a zero-size node "sink" (op "Sink"). Node ids are the integer indices
// "0".."|V|-1" (id_is_int): source is 0, the layers follow in Keras creation
// order, sink is last.
//
// Node sizes (fp32):
//   param_bytes  = 4 x Keras parameter count of the layer (trainable and
//                  non-trainable). Conv2D: Kh*Kw*Cin*Cout (+Cout with bias);
//                  DepthwiseConv2D: Kh*Kw*Cin*m (+Cin*m); SeparableConv2D:
//                  Kh*Kw*Cin*m + Cin*m*Cout (+Cout); BatchNormalization:
//                  4 per channel (gamma, beta, moving mean, moving variance),
//                  3 per channel where Keras builds it with scale=False
//                  (Inception v3 and Inception-ResNet v2 have no gamma).
//   output_bytes = 4 x elements of the layer's output tensor (H*W*C).
//   macs         = multiply-accumulates, by this rule:
//                  Conv2D           Ho*Wo*Kh*Kw*Cin*Cout
//                  DepthwiseConv2D  Ho*Wo*Kh*Kw*Cin*m
//                  SeparableConv2D  depthwise part + Ho*Wo*Cin*m*Cout
//                  Max/AveragePooling2D  Ho*Wo*C*Kh*Kw (one op per window tap)
//                  BatchNormalization, Activation, ReLU, Lambda (scaled
//                  residual x + s*r): one per output element
//                  Add: (inputs - 1) per output element
//                  InputLayer, ZeroPadding2D, Concatenate, source, sink: 0
//                  (bias additions are not counted).
//
// Default input sizes: 224x224x3 (ResNet, ResNetV2, DenseNet, MobileNet,
// MobileNetV2, VGG), 299x299x3 (Xception, InceptionV3, InceptionResNetV2).
// Layer naming follows current Keras (keras.applications in Keras 3 /
// tf.keras 2.x): e.g. "conv1_pad", "conv2_block1_1_conv", DenseNet
// "conv1_conv"; layers Keras leaves unnamed get Keras's automatic names
// ("conv2d", "conv2d_1", "batch_normalization", ...), counted per model; the
// input layer is "input_1"; Inception-ResNet v2's scaled residual is a
// "Lambda" layer named like "block35_1" (Keras 3 calls the class
// CustomScaleLayer; same position and connectivity).
//
// Building is pure computation (no files), a few hundred microseconds per
// model.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace respect {

struct ZooEntry {
  std::string name;         // the NAME in `zoo:NAME`, e.g. "resnet50"
  std::string description;  // one line: architecture, input size, layer count
};

// All zoo models, sorted by name.
std::vector<ZooEntry> ListZooModels();

// Builds the named model (exact, case-sensitive name as listed). An unknown
// name gives Status::Invalid whose message lists the known names.
StatusOr<Graph> BuildZooModel(const std::string& name);

}  // namespace respect
