// MobileNet v1 and v2 as built by keras.applications.mobilenet and
// mobilenet_v2 at alpha 1.0, depth multiplier 1, 224x224x3 (current Keras:
// the stem convolution uses padding "same", no stem ZeroPadding2D; strided
// depthwise convolutions are preceded by an explicit ZeroPadding2D).
#include <string>

#include "zoo/keras_builder.h"
#include "zoo/models.h"

namespace respect {
namespace zoo {
namespace {

// Conv2D (no bias), BatchNormalization and ReLU, named conv, bn and relu.
KTensor ConvBnRelu(KerasModel& m, const KTensor& in, int filters, Size2 kernel, int stride, Padding padding,
                   const std::string& conv, const std::string& bn, const std::string& relu) {
  KTensor x = m.Conv2D(in, filters, kernel, stride, padding, false, conv);
  x = m.BatchNormalization(x, bn);
  return m.ReLU(x, relu);
}

// MobileNet v1 depthwise-separable block conv_dw_<id> / conv_pw_<id>.
KTensor DepthwiseBlock(KerasModel& m, const KTensor& in, int pointwise_filters, int stride,
                       int id) {
  const std::string n = std::to_string(id);
  KTensor x = in;
  if (stride != 1) x = m.ZeroPadding2D(x, 0, 1, 0, 1, "conv_pad_" + n);
  x = m.DepthwiseConv2D(x, 3, stride, stride == 1 ? kSame : kValid, false, "conv_dw_" + n);
  x = m.BatchNormalization(x, "conv_dw_" + n + "_bn");
  x = m.ReLU(x, "conv_dw_" + n + "_relu");
  return ConvBnRelu(m, x, pointwise_filters, 1, 1, kSame, "conv_pw_" + n, "conv_pw_" + n + "_bn",
                    "conv_pw_" + n + "_relu");
}

// MobileNetV2 inverted residual block (filters already divisible by 8 at alpha 1).
KTensor InvertedResBlock(KerasModel& m, const KTensor& in, int expansion, int stride,
                         int filters, int id) {
  std::string prefix = "block_" + std::to_string(id) + "_";
  KTensor x = in;
  if (id != 0) {
    x = ConvBnRelu(m, x, expansion * in.c, 1, 1, kSame, prefix + "expand", prefix + "expand_BN",
                   prefix + "expand_relu");
  } else {
    prefix = "expanded_conv_";
  }
  if (stride == 2) {
    // Keras correct_pad for a 3x3 kernel: ((1 - adj, 1), (1 - adj, 1)),
    // adj = 1 for an even input size.
    const int top = x.h % 2 == 0 ? 0 : 1, left = x.w % 2 == 0 ? 0 : 1;
    x = m.ZeroPadding2D(x, top, 1, left, 1, prefix + "pad");
  }
  x = m.DepthwiseConv2D(x, 3, stride, stride == 1 ? kSame : kValid, false, prefix + "depthwise");
  x = m.BatchNormalization(x, prefix + "depthwise_BN");
  x = m.ReLU(x, prefix + "depthwise_relu");
  x = m.Conv2D(x, filters, 1, 1, kSame, false, prefix + "project");
  x = m.BatchNormalization(x, prefix + "project_BN");
  if (in.c == filters && stride == 1) return m.Add({in, x}, prefix + "add");
  return x;
}

}  // namespace

StatusOr<Graph> MobileNet() {
  KerasModel m("mobilenet");
  KTensor x = m.Input(224, 224, 3);
  x = ConvBnRelu(m, x, 32, 3, 2, kSame, "conv1", "conv1_bn", "conv1_relu");
  struct Spec { int filters, stride; };
  const Spec specs[] = {{64, 1},  {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1},
                        {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
  int id = 1;
  for (const Spec& s : specs) x = DepthwiseBlock(m, x, s.filters, s.stride, id++);
  return m.Finish({x});
}

StatusOr<Graph> MobileNetV2() {
  KerasModel m("mobilenetv2");
  KTensor x = m.Input(224, 224, 3);
  x = ConvBnRelu(m, x, 32, 3, 2, kSame, "Conv1", "bn_Conv1", "Conv1_relu");
  struct Spec { int filters, stride, expansion; };
  const Spec specs[] = {{16, 1, 1},  {24, 2, 6},  {24, 1, 6},  {32, 2, 6},  {32, 1, 6},
                        {32, 1, 6},  {64, 2, 6},  {64, 1, 6},  {64, 1, 6},  {64, 1, 6},
                        {96, 1, 6},  {96, 1, 6},  {96, 1, 6},  {160, 2, 6}, {160, 1, 6},
                        {160, 1, 6}, {320, 1, 6}};
  int id = 0;
  for (const Spec& s : specs) x = InvertedResBlock(m, x, s.expansion, s.stride, s.filters, id++);
  x = ConvBnRelu(m, x, 1280, 1, 1, kValid, "Conv_1", "Conv_1_bn", "out_relu");
  return m.Finish({x});
}

}  // namespace zoo
}  // namespace respect
