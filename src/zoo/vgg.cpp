// VGG16 and VGG19 as built by keras.applications.vgg16/vgg19 (224x224x3):
// 3x3 "same" convolutions with bias and a fused ReLU (one Keras layer each),
// a 2x2 max pool closing each of the five blocks.
#include <string>
#include <vector>

#include "zoo/keras_builder.h"
#include "zoo/models.h"

namespace respect {
namespace zoo {
namespace {

// convs[i]: number of convolutions in block i+1.
StatusOr<Graph> BuildVgg(const std::string& name, const std::vector<int>& convs) {
  static const int kFilters[] = {64, 128, 256, 512, 512};
  KerasModel m(name);
  KTensor x = m.Input(224, 224, 3);
  for (int b = 0; b < 5; ++b) {
    const std::string block = "block" + std::to_string(b + 1);
    for (int i = 1; i <= convs[b]; ++i)
      x = m.Conv2D(x, kFilters[b], 3, 1, kSame, true, block + "_conv" + std::to_string(i));
    x = m.MaxPooling2D(x, 2, 2, kValid, block + "_pool");
  }
  return m.Finish({x});
}

}  // namespace

StatusOr<Graph> VGG16() { return BuildVgg("vgg16", {2, 2, 3, 3, 3}); }
StatusOr<Graph> VGG19() { return BuildVgg("vgg19", {2, 2, 4, 4, 4}); }

}  // namespace zoo
}  // namespace respect
