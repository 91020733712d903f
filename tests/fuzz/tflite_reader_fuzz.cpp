// libFuzzer target: arbitrary bytes through the TFLite reader, the graph
// conversion and (when they verify) the segmenter; see fuzz_targets.h.
// Run with scripts/fuzz.sh.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return respect::fuzz::TfliteReader(data, size);
}
