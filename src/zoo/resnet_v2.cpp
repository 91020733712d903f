// ResNet v2 as built by keras.applications.resnet_v2 (ResNet50V2/101V2/152V2):
// pre-activation bottleneck blocks; the stride sits on the 3x3 convolution of
// the *last* block of a stack, whose identity shortcut is then subsampled by
// an (unnamed) 1x1 MaxPooling2D; the final stack keeps stride 1.
#include <string>
#include <vector>

#include "zoo/keras_builder.h"
#include "zoo/models.h"

namespace respect {
namespace zoo {
namespace {

KTensor Block2(KerasModel& m, const KTensor& in, int filters, int stride, bool conv_shortcut,
               const std::string& name) {
  KTensor preact = m.BatchNormalization(in, name + "_preact_bn");
  preact = m.Activation(preact, name + "_preact_relu");
  KTensor shortcut = in;
  if (conv_shortcut) {
    shortcut = m.Conv2D(preact, 4 * filters, 1, stride, kValid, true, name + "_0_conv");
  } else if (stride > 1) {
    shortcut = m.MaxPooling2D(in, 1, stride, kValid);
  }
  KTensor x = m.Conv2D(preact, filters, 1, 1, kValid, false, name + "_1_conv");
  x = m.BatchNormalization(x, name + "_1_bn");
  x = m.Activation(x, name + "_1_relu");
  x = m.ZeroPadding2D(x, 1, name + "_2_pad");
  x = m.Conv2D(x, filters, 3, stride, kValid, false, name + "_2_conv");
  x = m.BatchNormalization(x, name + "_2_bn");
  x = m.Activation(x, name + "_2_relu");
  x = m.Conv2D(x, 4 * filters, 1, 1, kValid, true, name + "_3_conv");
  return m.Add({shortcut, x}, name + "_out");
}

KTensor Stack2(KerasModel& m, KTensor x, int filters, int blocks, int stride1,
               const std::string& name) {
  x = Block2(m, x, filters, 1, true, name + "_block1");
  for (int i = 2; i < blocks; ++i)
    x = Block2(m, x, filters, 1, false, name + "_block" + std::to_string(i));
  return Block2(m, x, filters, stride1, false, name + "_block" + std::to_string(blocks));
}

StatusOr<Graph> BuildResNetV2(const std::string& name, const std::vector<int>& blocks) {
  KerasModel m(name);
  KTensor x = m.Input(224, 224, 3);
  x = m.ZeroPadding2D(x, 3, "conv1_pad");
  x = m.Conv2D(x, 64, 7, 2, kValid, true, "conv1_conv");
  x = m.ZeroPadding2D(x, 1, "pool1_pad");
  x = m.MaxPooling2D(x, 3, 2, kValid, "pool1_pool");
  x = Stack2(m, x, 64, blocks[0], 2, "conv2");
  x = Stack2(m, x, 128, blocks[1], 2, "conv3");
  x = Stack2(m, x, 256, blocks[2], 2, "conv4");
  x = Stack2(m, x, 512, blocks[3], 1, "conv5");
  x = m.BatchNormalization(x, "post_bn");
  x = m.Activation(x, "post_relu");
  return m.Finish({x});
}

}  // namespace

StatusOr<Graph> ResNet50V2() { return BuildResNetV2("resnet50v2", {3, 4, 6, 3}); }
StatusOr<Graph> ResNet101V2() { return BuildResNetV2("resnet101v2", {3, 4, 23, 3}); }
StatusOr<Graph> ResNet152V2() { return BuildResNetV2("resnet152v2", {3, 8, 36, 3}); }

}  // namespace zoo
}  // namespace respect
