// Names and sizes for TFLite enums: builtin operator names (codes of the
// public TFLite schema), tensor element types and their storage sizes.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace respect {

// "CONV_2D" for 3, ...; "BUILTIN_<code>" for codes this build does not know.
std::string BuiltinOpName(int32_t code);

// The builtin operator code of an operator code entry, reconciling the old
// byte field with the newer int32 field (the larger of the two wins, as in
// the TFLite runtime; a negative old value is ignored).
int32_t ResolveBuiltinCode(int8_t deprecated_builtin_code, int32_t builtin_code);

constexpr int32_t kTfliteCustomOpCode = 32;            // BuiltinOperator CUSTOM
constexpr int32_t kTflitePlaceholderForGreaterOpCodes = 127;

// "float32", "int8", ...; "type<id>" when unknown.
std::string TensorTypeName(int type);

// True for the TensorType values of the schema this build knows.
bool IsKnownTensorType(int type);

// Largest dense size accepted for a tensor that holds no constant data (an
// activation): 1 GiB. Nothing that large can cross an Edge TPU pipeline; a
// shape asking for more is corrupt.
constexpr int64_t kMaxActivationBytes = int64_t{1} << 30;

// Storage bits per element: 32 for float32, 4 for int4, 0 when the size is
// not fixed (string, resource, variant) or the type is unknown.
int TensorTypeBits(int type);

// Bytes of a dense tensor with this shape and type: product of dims times the
// element size (int4 packs two per byte, rounded up). Returns -1 when a
// dimension is negative (unknown) or the type has no fixed size, and saturates
// at INT64_MAX instead of overflowing.
int64_t TensorBytes(const std::vector<int32_t>& shape, int type);

// Number of elements (product of dims; 1 for a scalar), -1 if a dim is < 0,
// saturating at INT64_MAX.
int64_t ElementCount(const std::vector<int32_t>& shape);

}  // namespace respect
