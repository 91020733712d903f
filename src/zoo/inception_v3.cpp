// InceptionV3 as built by keras.applications.inception_v3 (299x299x3).
// Every convolution is Keras's conv2d_bn: Conv2D without bias, then
// BatchNormalization(scale=False), then a ReLU Activation, all unnamed.
#include <string>

#include "zoo/keras_builder.h"
#include "zoo/models.h"

namespace respect {
namespace zoo {
namespace {

KTensor ConvBn(KerasModel& m, const KTensor& in, int filters, int rows, int cols,
               Padding padding = kSame, int stride = 1) {
  KTensor x = m.Conv2D(in, filters, Size2(rows, cols), stride, padding, false);
  x = m.BatchNormalization(x, "", /*scale=*/false);
  return m.Activation(x);
}

// mixed0..mixed2 (35x35): pool_filters is 32 for mixed0, 64 after.
KTensor Block35(KerasModel& m, const KTensor& x, int pool_filters, const std::string& name) {
  KTensor b1x1 = ConvBn(m, x, 64, 1, 1);
  KTensor b5x5 = ConvBn(m, x, 48, 1, 1);
  b5x5 = ConvBn(m, b5x5, 64, 5, 5);
  KTensor b3x3dbl = ConvBn(m, x, 64, 1, 1);
  b3x3dbl = ConvBn(m, b3x3dbl, 96, 3, 3);
  b3x3dbl = ConvBn(m, b3x3dbl, 96, 3, 3);
  KTensor pool = m.AveragePooling2D(x, 3, 1, kSame);
  pool = ConvBn(m, pool, pool_filters, 1, 1);
  return m.Concatenate({b1x1, b5x5, b3x3dbl, pool}, name);
}

// mixed4..mixed7 (17x17): c is the width of the factorised 7x7 branches.
KTensor Block17(KerasModel& m, const KTensor& x, int c, const std::string& name) {
  KTensor b1x1 = ConvBn(m, x, 192, 1, 1);
  KTensor b7x7 = ConvBn(m, x, c, 1, 1);
  b7x7 = ConvBn(m, b7x7, c, 1, 7);
  b7x7 = ConvBn(m, b7x7, 192, 7, 1);
  KTensor b7x7dbl = ConvBn(m, x, c, 1, 1);
  b7x7dbl = ConvBn(m, b7x7dbl, c, 7, 1);
  b7x7dbl = ConvBn(m, b7x7dbl, c, 1, 7);
  b7x7dbl = ConvBn(m, b7x7dbl, c, 7, 1);
  b7x7dbl = ConvBn(m, b7x7dbl, 192, 1, 7);
  KTensor pool = m.AveragePooling2D(x, 3, 1, kSame);
  pool = ConvBn(m, pool, 192, 1, 1);
  return m.Concatenate({b1x1, b7x7, b7x7dbl, pool}, name);
}

// mixed9, mixed10 (8x8). i is 0 or 1 (Keras names the inner concat mixed9_<i>).
KTensor Block8(KerasModel& m, const KTensor& x, int i) {
  KTensor b1x1 = ConvBn(m, x, 320, 1, 1);
  KTensor b3x3 = ConvBn(m, x, 384, 1, 1);
  KTensor b3x3_1 = ConvBn(m, b3x3, 384, 1, 3);
  KTensor b3x3_2 = ConvBn(m, b3x3, 384, 3, 1);
  b3x3 = m.Concatenate({b3x3_1, b3x3_2}, "mixed9_" + std::to_string(i));
  KTensor dbl = ConvBn(m, x, 448, 1, 1);
  dbl = ConvBn(m, dbl, 384, 3, 3);
  KTensor dbl_1 = ConvBn(m, dbl, 384, 1, 3);
  KTensor dbl_2 = ConvBn(m, dbl, 384, 3, 1);
  dbl = m.Concatenate({dbl_1, dbl_2});
  KTensor pool = m.AveragePooling2D(x, 3, 1, kSame);
  pool = ConvBn(m, pool, 192, 1, 1);
  return m.Concatenate({b1x1, b3x3, dbl, pool}, "mixed" + std::to_string(9 + i));
}

}  // namespace

StatusOr<Graph> InceptionV3() {
  KerasModel m("inception_v3");
  KTensor x = m.Input(299, 299, 3);
  x = ConvBn(m, x, 32, 3, 3, kValid, 2);
  x = ConvBn(m, x, 32, 3, 3, kValid);
  x = ConvBn(m, x, 64, 3, 3);
  x = m.MaxPooling2D(x, 3, 2, kValid);
  x = ConvBn(m, x, 80, 1, 1, kValid);
  x = ConvBn(m, x, 192, 3, 3, kValid);
  x = m.MaxPooling2D(x, 3, 2, kValid);

  x = Block35(m, x, 32, "mixed0");
  x = Block35(m, x, 64, "mixed1");
  x = Block35(m, x, 64, "mixed2");

  {  // mixed3: 35x35 -> 17x17
    KTensor b3x3 = ConvBn(m, x, 384, 3, 3, kValid, 2);
    KTensor dbl = ConvBn(m, x, 64, 1, 1);
    dbl = ConvBn(m, dbl, 96, 3, 3);
    dbl = ConvBn(m, dbl, 96, 3, 3, kValid, 2);
    KTensor pool = m.MaxPooling2D(x, 3, 2, kValid);
    x = m.Concatenate({b3x3, dbl, pool}, "mixed3");
  }

  x = Block17(m, x, 128, "mixed4");
  x = Block17(m, x, 160, "mixed5");
  x = Block17(m, x, 160, "mixed6");
  x = Block17(m, x, 192, "mixed7");

  {  // mixed8: 17x17 -> 8x8
    KTensor b3x3 = ConvBn(m, x, 192, 1, 1);
    b3x3 = ConvBn(m, b3x3, 320, 3, 3, kValid, 2);
    KTensor b7x7x3 = ConvBn(m, x, 192, 1, 1);
    b7x7x3 = ConvBn(m, b7x7x3, 192, 1, 7);
    b7x7x3 = ConvBn(m, b7x7x3, 192, 7, 1);
    b7x7x3 = ConvBn(m, b7x7x3, 192, 3, 3, kValid, 2);
    KTensor pool = m.MaxPooling2D(x, 3, 2, kValid);
    x = m.Concatenate({b3x3, b7x7x3, pool}, "mixed8");
  }

  x = Block8(m, x, 0);
  x = Block8(m, x, 1);
  return m.Finish({x});
}

}  // namespace zoo
}  // namespace respect
