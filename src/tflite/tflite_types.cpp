#include "tflite/tflite_types.h"

#include <algorithm>
#include <limits>

#include "tflite_schema_generated.h"

namespace respect {

std::string BuiltinOpName(int32_t code) {
  const char* name = tfl::EnumNameBuiltinOperator(static_cast<tfl::BuiltinOperator>(code));
  if (name == nullptr || *name == '\0') return "BUILTIN_" + std::to_string(code);
  return name;
}

int32_t ResolveBuiltinCode(int8_t deprecated_builtin_code, int32_t builtin_code) {
  return std::max<int32_t>(builtin_code, static_cast<int32_t>(deprecated_builtin_code));
}

std::string TensorTypeName(int type) {
  switch (static_cast<tfl::TensorType>(type)) {
    case tfl::TensorType::FLOAT32: return "float32";
    case tfl::TensorType::FLOAT16: return "float16";
    case tfl::TensorType::INT32: return "int32";
    case tfl::TensorType::UINT8: return "uint8";
    case tfl::TensorType::INT64: return "int64";
    case tfl::TensorType::STRING: return "string";
    case tfl::TensorType::BOOL: return "bool";
    case tfl::TensorType::INT16: return "int16";
    case tfl::TensorType::COMPLEX64: return "complex64";
    case tfl::TensorType::INT8: return "int8";
    case tfl::TensorType::FLOAT64: return "float64";
    case tfl::TensorType::COMPLEX128: return "complex128";
    case tfl::TensorType::UINT64: return "uint64";
    case tfl::TensorType::RESOURCE: return "resource";
    case tfl::TensorType::VARIANT: return "variant";
    case tfl::TensorType::UINT32: return "uint32";
    case tfl::TensorType::UINT16: return "uint16";
    case tfl::TensorType::INT4: return "int4";
    case tfl::TensorType::BFLOAT16: return "bfloat16";
  }
  return "type" + std::to_string(type);
}

bool IsKnownTensorType(int type) {
  return type >= static_cast<int>(tfl::TensorType::MIN) && type <= static_cast<int>(tfl::TensorType::MAX);
}

int TensorTypeBits(int type) {
  switch (static_cast<tfl::TensorType>(type)) {
    case tfl::TensorType::BOOL:
    case tfl::TensorType::UINT8:
    case tfl::TensorType::INT8: return 8;
    case tfl::TensorType::FLOAT16:
    case tfl::TensorType::BFLOAT16:
    case tfl::TensorType::INT16:
    case tfl::TensorType::UINT16: return 16;
    case tfl::TensorType::FLOAT32:
    case tfl::TensorType::INT32:
    case tfl::TensorType::UINT32: return 32;
    case tfl::TensorType::INT64:
    case tfl::TensorType::UINT64:
    case tfl::TensorType::FLOAT64:
    case tfl::TensorType::COMPLEX64: return 64;
    case tfl::TensorType::COMPLEX128: return 128;
    case tfl::TensorType::INT4: return 4;
    case tfl::TensorType::STRING:
    case tfl::TensorType::RESOURCE:
    case tfl::TensorType::VARIANT: return 0;
  }
  return 0;
}

int64_t ElementCount(const std::vector<int32_t>& shape) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t n = 1;
  bool saturated = false;
  for (int32_t d : shape) {
    if (d < 0) return -1;
    if (d == 0) return 0;
    if (saturated || n > kMax / d) saturated = true;
    else n *= d;
  }
  return saturated ? kMax : n;
}

int64_t TensorBytes(const std::vector<int32_t>& shape, int type) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const int bits = TensorTypeBits(type);
  const int64_t n = ElementCount(shape);
  if (bits == 0 || n < 0) return -1;
  if (n == kMax) return kMax;
  if (bits < 8) return (n * bits + 7) / 8;
  const int64_t per = bits / 8;
  if (n > kMax / per) return kMax;
  return n * per;
}

}  // namespace respect
