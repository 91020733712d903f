// InceptionResNetV2 as built by keras.applications.inception_resnet_v2
// (299x299x3). conv2d_bn here is Conv2D (no bias) + BatchNormalization
// (scale=False) + Activation, unnamed unless a name is given; the "up"
// projection of each residual block is a biased Conv2D with neither BN nor
// activation, and the scaled residual x + scale*up is a Lambda layer
// (CustomScaleLayer in Keras 3) named after the block.
#include <string>
#include <vector>

#include "zoo/keras_builder.h"
#include "zoo/models.h"

namespace respect {
namespace zoo {
namespace {

KTensor ConvBn(KerasModel& m, const KTensor& in, int filters, Size2 kernel, int stride = 1,
               Padding padding = kSame, const std::string& name = "") {
  KTensor x = m.Conv2D(in, filters, kernel, stride, padding, false, name);
  x = m.BatchNormalization(x, name.empty() ? "" : name + "_bn", /*scale=*/false);
  return m.Activation(x, name.empty() ? "" : name + "_ac");
}

enum class BlockType { k35, k17, k8 };

// The branches of block17 and block8: a 1x1 convolution, and a 1x1 then a
// 1xk then a kx1 convolution.
void FactorizedBranches(KerasModel& m, const KTensor& x, int b0, int b1a, int b1b, int b1c, int k,
                        std::vector<KTensor>* branches) {
  branches->push_back(ConvBn(m, x, b0, 1));
  KTensor b1 = ConvBn(m, x, b1a, 1);
  b1 = ConvBn(m, b1, b1b, {1, k});
  branches->push_back(ConvBn(m, b1, b1c, {k, 1}));
}

KTensor ResidualBlock(KerasModel& m, const KTensor& x, BlockType type, int idx,
                      bool activation) {
  std::vector<KTensor> branches;
  std::string block;
  switch (type) {
    case BlockType::k35: {
      block = "block35_";
      branches.push_back(ConvBn(m, x, 32, 1));
      KTensor b1 = ConvBn(m, x, 32, 1);
      branches.push_back(ConvBn(m, b1, 32, 3));
      KTensor b2 = ConvBn(m, x, 32, 1);
      b2 = ConvBn(m, b2, 48, 3);
      branches.push_back(ConvBn(m, b2, 64, 3));
      break;
    }
    case BlockType::k17:
      block = "block17_";
      FactorizedBranches(m, x, 192, 128, 160, 192, 7, &branches);
      break;
    case BlockType::k8:
      block = "block8_";
      FactorizedBranches(m, x, 192, 192, 224, 256, 3, &branches);
      break;
  }
  block += std::to_string(idx);
  KTensor mixed = m.Concatenate(branches, block + "_mixed");
  KTensor up = m.Conv2D(mixed, x.c, 1, 1, kSame, true, block + "_conv");
  KTensor out = m.ScaleSum(x, up, block);
  return activation ? m.Activation(out, block + "_ac") : out;
}

}  // namespace

StatusOr<Graph> InceptionResNetV2() {
  KerasModel m("inception_resnet_v2");
  KTensor x = m.Input(299, 299, 3);
  x = ConvBn(m, x, 32, 3, 2, kValid);
  x = ConvBn(m, x, 32, 3, 1, kValid);
  x = ConvBn(m, x, 64, 3);
  x = m.MaxPooling2D(x, 3, 2, kValid);
  x = ConvBn(m, x, 80, 1, 1, kValid);
  x = ConvBn(m, x, 192, 3, 1, kValid);
  x = m.MaxPooling2D(x, 3, 2, kValid);

  {  // mixed_5b: 35x35x320
    KTensor b0 = ConvBn(m, x, 96, 1);
    KTensor b1 = ConvBn(m, x, 48, 1);
    b1 = ConvBn(m, b1, 64, 5);
    KTensor b2 = ConvBn(m, x, 64, 1);
    b2 = ConvBn(m, b2, 96, 3);
    b2 = ConvBn(m, b2, 96, 3);
    KTensor pool = m.AveragePooling2D(x, 3, 1, kSame);
    pool = ConvBn(m, pool, 64, 1);
    x = m.Concatenate({b0, b1, b2, pool}, "mixed_5b");
  }
  for (int i = 1; i <= 10; ++i) x = ResidualBlock(m, x, BlockType::k35, i, true);

  {  // mixed_6a: 17x17x1088
    KTensor b0 = ConvBn(m, x, 384, 3, 2, kValid);
    KTensor b1 = ConvBn(m, x, 256, 1);
    b1 = ConvBn(m, b1, 256, 3);
    b1 = ConvBn(m, b1, 384, 3, 2, kValid);
    KTensor pool = m.MaxPooling2D(x, 3, 2, kValid);
    x = m.Concatenate({b0, b1, pool}, "mixed_6a");
  }
  for (int i = 1; i <= 20; ++i) x = ResidualBlock(m, x, BlockType::k17, i, true);

  {  // mixed_7a: 8x8x2080
    KTensor b0 = ConvBn(m, x, 256, 1);
    b0 = ConvBn(m, b0, 384, 3, 2, kValid);
    KTensor b1 = ConvBn(m, x, 256, 1);
    b1 = ConvBn(m, b1, 288, 3, 2, kValid);
    KTensor b2 = ConvBn(m, x, 256, 1);
    b2 = ConvBn(m, b2, 288, 3);
    b2 = ConvBn(m, b2, 320, 3, 2, kValid);
    KTensor pool = m.MaxPooling2D(x, 3, 2, kValid);
    x = m.Concatenate({b0, b1, b2, pool}, "mixed_7a");
  }
  for (int i = 1; i <= 9; ++i) x = ResidualBlock(m, x, BlockType::k8, i, true);
  x = ResidualBlock(m, x, BlockType::k8, 10, /*activation=*/false);  // scale 1.0, linear

  x = ConvBn(m, x, 1536, 1, 1, kSame, "conv_7b");
  return m.Finish({x});
}

}  // namespace zoo
}  // namespace respect
