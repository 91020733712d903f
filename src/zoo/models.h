// Internal: one builder per zoo model, grouped by family (one .cpp each).
// Use BuildZooModel() from zoo/zoo.h instead of calling these directly.
#pragma once

#include "core/status.h"
#include "graph/graph.h"

namespace respect {
namespace zoo {

// resnet.cpp: ResNet v1 (keras.applications.resnet), 224x224x3.
StatusOr<Graph> ResNet50();
StatusOr<Graph> ResNet101();
StatusOr<Graph> ResNet152();

// resnet_v2.cpp: ResNet v2, pre-activation (keras.applications.resnet_v2), 224x224x3.
StatusOr<Graph> ResNet50V2();
StatusOr<Graph> ResNet101V2();
StatusOr<Graph> ResNet152V2();

// densenet.cpp: DenseNet (keras.applications.densenet), 224x224x3.
StatusOr<Graph> DenseNet121();
StatusOr<Graph> DenseNet169();
StatusOr<Graph> DenseNet201();

// inception_v3.cpp: InceptionV3, 299x299x3.
StatusOr<Graph> InceptionV3();

// inception_resnet_v2.cpp: InceptionResNetV2, 299x299x3.
StatusOr<Graph> InceptionResNetV2();

// xception.cpp: Xception, 299x299x3.
StatusOr<Graph> Xception();

// mobilenet.cpp: MobileNet v1 and v2 (alpha 1.0, depth multiplier 1), 224x224x3.
StatusOr<Graph> MobileNet();
StatusOr<Graph> MobileNetV2();

// vgg.cpp: VGG16 and VGG19, 224x224x3.
StatusOr<Graph> VGG16();
StatusOr<Graph> VGG19();

}  // namespace zoo
}  // namespace respect
