// Copying the builtin-options tables of TFLite operators from one flatbuffer
// into another without a per-table code path.
//
// Every options table (the members of the BuiltinOptions and BuiltinOptions2
// unions) is described by its number of known field slots and the few slots
// that hold offsets (vectors, strings); all other slots are inline scalars.
// CopyOptionsTable relocates a table byte for byte: same vtable, same inline
// bytes (scalars keep their exact bits), offset fields re-pointed to fresh
// copies of their vectors/strings. Slots beyond the known ones (written by a
// newer TFLite) are dropped with a note, because they might be offsets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "flatbuffers/flatbuffers.h"

namespace respect {

struct OptionsOffsetField {
  enum Kind : uint8_t { kVector, kString };
  uint16_t slot;          // field index in the table (0-based)
  Kind kind;
  uint8_t elem_size;      // vector element size in bytes (1, 4 or 8)
};

struct OptionsTableDesc {
  const char* name;       // table name, e.g. "Conv2DOptions"
  uint16_t slots;         // known field slots
  std::vector<OptionsOffsetField> offsets;
};

// Descriptors by union type id (1-based; 0 = NONE). nullptr when unknown.
const OptionsTableDesc* BuiltinOptionsDesc(uint8_t type);
const OptionsTableDesc* BuiltinOptions2Desc(uint8_t type);
// Number of members known to this build (max type id).
int NumBuiltinOptionsDescs();
int NumBuiltinOptions2Descs();

// Copies the table at `table` (inside the verified buffer [buf, buf+size))
// into `fbb`, which must not be inside a table or vector. Appends a note to
// `notes` for dropped unknown slots. Invalid on any out-of-bounds layout.
StatusOr<flatbuffers::Offset<void>> CopyOptionsTable(flatbuffers::FlatBufferBuilder* fbb, const uint8_t* buf,
                                                     size_t size, const uint8_t* table,
                                                     const OptionsTableDesc& desc,
                                                     std::vector<std::string>* notes);

}  // namespace respect
