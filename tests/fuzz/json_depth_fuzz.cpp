// libFuzzer target: deeply nested JSON values built from the bytes, in a
// graph and in a schedule; see fuzz_targets.h (JsonDepth).
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return respect::fuzz::JsonDepth(data, size);
}
