// DenseNet as built by keras.applications.densenet (DenseNet121/169/201):
// growth rate 32, bottleneck (1x1 to 128, then 3x3 to 32) dense layers,
// transitions halving the channels. The two stem paddings are unnamed.
#include <string>
#include <vector>

#include "zoo/keras_builder.h"
#include "zoo/models.h"

namespace respect {
namespace zoo {
namespace {

constexpr int kGrowth = 32;

KTensor ConvBlock(KerasModel& m, const KTensor& in, const std::string& name) {
  KTensor x = m.BatchNormalization(in, name + "_0_bn");
  x = m.Activation(x, name + "_0_relu");
  x = m.Conv2D(x, 4 * kGrowth, 1, 1, kValid, false, name + "_1_conv");
  x = m.BatchNormalization(x, name + "_1_bn");
  x = m.Activation(x, name + "_1_relu");
  x = m.Conv2D(x, kGrowth, 3, 1, kSame, false, name + "_2_conv");
  return m.Concatenate({in, x}, name + "_concat");
}

KTensor DenseBlock(KerasModel& m, KTensor x, int blocks, const std::string& name) {
  for (int i = 1; i <= blocks; ++i) x = ConvBlock(m, x, name + "_block" + std::to_string(i));
  return x;
}

KTensor Transition(KerasModel& m, KTensor x, const std::string& name) {
  x = m.BatchNormalization(x, name + "_bn");
  x = m.Activation(x, name + "_relu");
  x = m.Conv2D(x, x.c / 2, 1, 1, kValid, false, name + "_conv");  // reduction 0.5
  return m.AveragePooling2D(x, 2, 2, kValid, name + "_pool");
}

StatusOr<Graph> BuildDenseNet(const std::string& name, const std::vector<int>& blocks) {
  KerasModel m(name);
  KTensor x = m.Input(224, 224, 3);
  x = m.ZeroPadding2D(x, 3);
  x = m.Conv2D(x, 64, 7, 2, kValid, false, "conv1_conv");
  x = m.BatchNormalization(x, "conv1_bn");
  x = m.Activation(x, "conv1_relu");
  x = m.ZeroPadding2D(x, 1);
  x = m.MaxPooling2D(x, 3, 2, kValid, "pool1");
  x = DenseBlock(m, x, blocks[0], "conv2");
  x = Transition(m, x, "pool2");
  x = DenseBlock(m, x, blocks[1], "conv3");
  x = Transition(m, x, "pool3");
  x = DenseBlock(m, x, blocks[2], "conv4");
  x = Transition(m, x, "pool4");
  x = DenseBlock(m, x, blocks[3], "conv5");
  x = m.BatchNormalization(x, "bn");
  x = m.Activation(x, "relu");
  return m.Finish({x});
}

}  // namespace

StatusOr<Graph> DenseNet121() { return BuildDenseNet("densenet121", {6, 12, 24, 16}); }
StatusOr<Graph> DenseNet169() { return BuildDenseNet("densenet169", {6, 12, 32, 32}); }
StatusOr<Graph> DenseNet201() { return BuildDenseNet("densenet201", {6, 12, 48, 32}); }

}  // namespace zoo
}  // namespace respect
