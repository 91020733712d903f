// libFuzzer target: arbitrary bytes through the graph JSON reader (and JSON round trip); see fuzz_targets.h.
// Run with scripts/fuzz.sh.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return respect::fuzz::GraphJson(data, size);
}
