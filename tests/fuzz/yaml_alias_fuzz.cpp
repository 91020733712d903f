// libFuzzer target: configs of anchors and aliases (self references, alias
// bombs) built from the bytes; see fuzz_targets.h (YamlAlias).
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return respect::fuzz::YamlAlias(data, size);
}
