// libFuzzer target: arbitrary bytes through the TFLite reader, the graph
// conversion and (when they verify) the segmenter. Any crash, sanitizer
// report or an *internal* segmenter error (an invalid segment built from a
// verified model) is a bug. Run with scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "deploy/segmenter.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace respect;
  auto model = TfliteModel::FromBytes(std::vector<uint8_t>(data, data + size), "fuzz");
  if (!model.ok()) return 0;
  const TfliteModelInfo info = DescribeTflite(*model);
  (void)SummarizeTflite(info);
  auto g = TfliteToGraph(info);
  if (!g.ok() || g->size() > 4096) return 0;
  const int n = g->size() >= 2 ? 2 : 1;
  std::vector<int> stage(g->size(), 0);
  for (int i = g->size() / 2; n == 2 && i < g->size(); ++i) stage[i] = 1;
  auto segs = SegmentModel(*model, stage, n);
  if (!segs.ok() && segs.status().code() == StatusCode::kInternal) __builtin_trap();
  return 0;
}
