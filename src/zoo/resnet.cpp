// ResNet v1 as built by keras.applications.resnet (ResNet50/101/152):
// post-activation bottleneck blocks, biases on every convolution, the
// stride on the first 1x1 convolution of each stage's first block.
#include <string>
#include <vector>

#include "zoo/keras_builder.h"
#include "zoo/models.h"

namespace respect {
namespace zoo {
namespace {

// Keras block1: bottleneck residual block; the first block of a stack has a
// projection shortcut (_0_conv/_0_bn), the others an identity shortcut.
KTensor Block1(KerasModel& m, const KTensor& in, int filters, int stride, bool conv_shortcut,
               const std::string& name) {
  KTensor shortcut = in;
  if (conv_shortcut) {
    shortcut = m.Conv2D(in, 4 * filters, 1, stride, kValid, true, name + "_0_conv");
    shortcut = m.BatchNormalization(shortcut, name + "_0_bn");
  }
  KTensor x = m.Conv2D(in, filters, 1, stride, kValid, true, name + "_1_conv");
  x = m.BatchNormalization(x, name + "_1_bn");
  x = m.Activation(x, name + "_1_relu");
  x = m.Conv2D(x, filters, 3, 1, kSame, true, name + "_2_conv");
  x = m.BatchNormalization(x, name + "_2_bn");
  x = m.Activation(x, name + "_2_relu");
  x = m.Conv2D(x, 4 * filters, 1, 1, kValid, true, name + "_3_conv");
  x = m.BatchNormalization(x, name + "_3_bn");
  x = m.Add({shortcut, x}, name + "_add");
  return m.Activation(x, name + "_out");
}

KTensor Stack1(KerasModel& m, KTensor x, int filters, int blocks, int stride1,
               const std::string& name) {
  x = Block1(m, x, filters, stride1, true, name + "_block1");
  for (int i = 2; i <= blocks; ++i)
    x = Block1(m, x, filters, 1, false, name + "_block" + std::to_string(i));
  return x;
}

// blocks: bottleneck blocks in stages conv2..conv5.
StatusOr<Graph> BuildResNet(const std::string& name, const std::vector<int>& blocks) {
  KerasModel m(name);
  KTensor x = m.Input(224, 224, 3);
  x = m.ZeroPadding2D(x, 3, "conv1_pad");
  x = m.Conv2D(x, 64, 7, 2, kValid, true, "conv1_conv");
  x = m.BatchNormalization(x, "conv1_bn");
  x = m.Activation(x, "conv1_relu");
  x = m.ZeroPadding2D(x, 1, "pool1_pad");
  x = m.MaxPooling2D(x, 3, 2, kValid, "pool1_pool");
  x = Stack1(m, x, 64, blocks[0], 1, "conv2");
  x = Stack1(m, x, 128, blocks[1], 2, "conv3");
  x = Stack1(m, x, 256, blocks[2], 2, "conv4");
  x = Stack1(m, x, 512, blocks[3], 2, "conv5");
  return m.Finish({x});
}

}  // namespace

StatusOr<Graph> ResNet50() { return BuildResNet("resnet50", {3, 4, 6, 3}); }
StatusOr<Graph> ResNet101() { return BuildResNet("resnet101", {3, 4, 23, 3}); }
StatusOr<Graph> ResNet152() { return BuildResNet("resnet152", {3, 8, 36, 3}); }

}  // namespace zoo
}  // namespace respect
