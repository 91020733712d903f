// A TFLite flatbuffer held in memory and proven safe to read: the bytes passed
// flatbuffers::Verifier against src/tflite/tflite_schema.fbs, and every index
// the rest of the code follows (tensor, buffer, operator code, subgraph) was
// range-checked once here. Bad input yields Status::Invalid with one line;
// nothing here throws, aborts or reads out of bounds.
//
// The generated accessors (namespace respect::tfl) may be used on model()
// freely afterwards. Copies share the same immutable bytes (thread-safe reads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace respect {
namespace tfl {
struct Model;
struct SubGraph;
}  // namespace tfl

struct ByteSpan {
  const uint8_t* data = nullptr;
  size_t size = 0;
  bool empty() const { return size == 0; }
};

class TfliteModel {
 public:
  // Reads and verifies a file. Io error if it cannot be read.
  static StatusOr<TfliteModel> Load(const std::string& path);
  // Verifies bytes already in memory; `origin` names them in messages.
  static StatusOr<TfliteModel> FromBytes(std::vector<uint8_t> bytes, const std::string& origin);

  const tfl::Model& model() const;
  // Subgraph 0, the main graph (always present after verification).
  const tfl::SubGraph& main_subgraph() const;
  const std::vector<uint8_t>& bytes() const { return *bytes_; }
  const std::string& origin() const { return origin_; }

  // Constant data of buffer `index`: the inline `data` vector, or for models
  // larger than 2 GB the (offset, size) range of the file. Empty when the
  // buffer holds nothing or the index is out of range.
  ByteSpan BufferData(uint32_t index) const;
  // Custom options of operator `op` of subgraph 0 (inline or large external).
  ByteSpan CustomOptions(int op) const;

 private:
  TfliteModel() = default;
  std::shared_ptr<const std::vector<uint8_t>> bytes_;
  std::string origin_;
};

// Reads a whole file into memory. Io error naming the path on failure.
StatusOr<std::vector<uint8_t>> ReadFileBytes(const std::string& path);

}  // namespace respect
