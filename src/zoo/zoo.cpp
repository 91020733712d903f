// The zoo registry: name -> builder, kept sorted by name.
#include "zoo/zoo.h"

#include <algorithm>

#include "zoo/models.h"

namespace respect {
namespace {

struct Registered {
  const char* name;
  const char* description;
  StatusOr<Graph> (*build)();
};

// Sorted by name (ListZooModels sorts again, so order here is only tidiness).
const Registered kModels[] = {
    {"densenet121", "DenseNet-121, Keras include_top=False, 224x224x3, 427 layers", zoo::DenseNet121},
    {"densenet169", "DenseNet-169, Keras include_top=False, 224x224x3, 595 layers", zoo::DenseNet169},
    {"densenet201", "DenseNet-201, Keras include_top=False, 224x224x3, 707 layers", zoo::DenseNet201},
    {"inception_resnet_v2", "Inception-ResNet v2, Keras include_top=False, 299x299x3, 780 layers",
     zoo::InceptionResNetV2},
    {"inception_v3", "Inception v3, Keras include_top=False, 299x299x3, 311 layers", zoo::InceptionV3},
    {"mobilenet", "MobileNet v1 (alpha 1.0), Keras include_top=False, 224x224x3, 86 layers", zoo::MobileNet},
    {"mobilenetv2", "MobileNet v2 (alpha 1.0), Keras include_top=False, 224x224x3, 154 layers",
     zoo::MobileNetV2},
    {"resnet101", "ResNet-101 v1, Keras include_top=False, 224x224x3, 345 layers", zoo::ResNet101},
    {"resnet101v2", "ResNet-101 v2 (pre-activation), Keras include_top=False, 224x224x3, 377 layers",
     zoo::ResNet101V2},
    {"resnet152", "ResNet-152 v1, Keras include_top=False, 224x224x3, 515 layers", zoo::ResNet152},
    {"resnet152v2", "ResNet-152 v2 (pre-activation), Keras include_top=False, 224x224x3, 564 layers",
     zoo::ResNet152V2},
    {"resnet50", "ResNet-50 v1, Keras include_top=False, 224x224x3, 175 layers", zoo::ResNet50},
    {"resnet50v2", "ResNet-50 v2 (pre-activation), Keras include_top=False, 224x224x3, 190 layers",
     zoo::ResNet50V2},
    {"vgg16", "VGG-16, Keras include_top=False, 224x224x3, 19 layers", zoo::VGG16},
    {"vgg19", "VGG-19, Keras include_top=False, 224x224x3, 22 layers", zoo::VGG19},
    {"xception", "Xception, Keras include_top=False, 299x299x3, 132 layers", zoo::Xception},
};

}  // namespace

std::vector<ZooEntry> ListZooModels() {
  std::vector<ZooEntry> out;
  for (const Registered& r : kModels) out.push_back({r.name, r.description});
  std::sort(out.begin(), out.end(),
            [](const ZooEntry& a, const ZooEntry& b) { return a.name < b.name; });
  return out;
}

StatusOr<Graph> BuildZooModel(const std::string& name) {
  for (const Registered& r : kModels)
    if (name == r.name) return r.build();
  std::string known;
  for (const ZooEntry& e : ListZooModels()) known += (known.empty() ? "" : ", ") + e.name;
  return Status::Invalid("unknown zoo model '" + name + "' (known: " + known + ")");
}

}  // namespace respect
