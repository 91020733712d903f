// Xception as built by keras.applications.xception (299x299x3): entry flow
// (blocks 1-4), middle flow (blocks 5-12, identity residuals), exit flow
// (blocks 13-14). The strided 1x1 projection shortcuts, their BNs and the
// residual additions are unnamed Keras layers.
#include <string>

#include "zoo/keras_builder.h"
#include "zoo/models.h"

namespace respect {
namespace zoo {
namespace {

// Sep(3x3, same, no bias) + BN, named <prefix>_sepconvN / _sepconvN_bn.
KTensor SepBn(KerasModel& m, const KTensor& x, int filters, const std::string& prefix, int n) {
  const std::string base = prefix + "_sepconv" + std::to_string(n);
  KTensor y = m.SeparableConv2D(x, filters, 3, 1, kSame, false, base);
  return m.BatchNormalization(y, base + "_bn");
}

// Strided 1x1 projection shortcut (conv + BN, both unnamed).
KTensor Projection(KerasModel& m, const KTensor& x, int filters) {
  KTensor r = m.Conv2D(x, filters, 1, 2, kSame, false);
  return m.BatchNormalization(r);
}

// Entry/exit block: [act] sep f1, bn, act, sep f2, bn, maxpool; add projection.
// Block 2 has no leading activation (its input is already activated).
KTensor DownBlock(KerasModel& m, const KTensor& in, int f1, int f2, int block,
                  bool leading_act) {
  const std::string p = "block" + std::to_string(block);
  KTensor residual = Projection(m, in, f2);
  KTensor x = leading_act ? m.Activation(in, p + "_sepconv1_act") : in;
  x = SepBn(m, x, f1, p, 1);
  x = m.Activation(x, p + "_sepconv2_act");
  x = SepBn(m, x, f2, p, 2);
  x = m.MaxPooling2D(x, 3, 2, kSame, p + "_pool");
  return m.Add({x, residual});
}

}  // namespace

StatusOr<Graph> Xception() {
  KerasModel m("xception");
  KTensor x = m.Input(299, 299, 3);
  x = m.Conv2D(x, 32, 3, 2, kValid, false, "block1_conv1");
  x = m.BatchNormalization(x, "block1_conv1_bn");
  x = m.Activation(x, "block1_conv1_act");
  x = m.Conv2D(x, 64, 3, 1, kValid, false, "block1_conv2");
  x = m.BatchNormalization(x, "block1_conv2_bn");
  x = m.Activation(x, "block1_conv2_act");

  x = DownBlock(m, x, 128, 128, 2, false);
  x = DownBlock(m, x, 256, 256, 3, true);
  x = DownBlock(m, x, 728, 728, 4, true);

  for (int b = 5; b <= 12; ++b) {
    const std::string p = "block" + std::to_string(b);
    KTensor residual = x;
    for (int n = 1; n <= 3; ++n) {
      x = m.Activation(x, p + "_sepconv" + std::to_string(n) + "_act");
      x = SepBn(m, x, 728, p, n);
    }
    x = m.Add({x, residual});
  }

  x = DownBlock(m, x, 728, 1024, 13, true);

  x = SepBn(m, x, 1536, "block14", 1);
  x = m.Activation(x, "block14_sepconv1_act");
  x = SepBn(m, x, 2048, "block14", 2);
  x = m.Activation(x, "block14_sepconv2_act");
  return m.Finish({x});
}

}  // namespace zoo
}  // namespace respect
