#include "tflite/tflite_model.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <system_error>

#include "io/output_guard.h"
#include "tflite/tflite_types.h"
#include "tflite_schema_generated.h"

namespace respect {

namespace {

// Largest buffer the flatbuffers Verifier accepts (its offsets are 31-bit).
constexpr size_t kMaxFlatbufferBytes = static_cast<size_t>(FLATBUFFERS_MAX_BUFFER_SIZE) - 1;

template <class V>
size_t Len(const V* v) { return v ? v->size() : 0; }

// True when [offset, offset + size) lies inside a file of `file_size` bytes.
bool RangeInFile(uint64_t offset, uint64_t size, size_t file_size) {
  return offset <= file_size && size <= file_size - offset;
}

std::string Where(const std::string& origin) { return origin.empty() ? "tflite" : origin; }

Status CheckIndexVector(const flatbuffers::Vector<int32_t>* v, size_t n, bool allow_minus_one,
                        const std::string& what) {
  if (!v) return Status::Ok();
  for (size_t i = 0; i < v->size(); ++i) {
    const int32_t t = v->Get(static_cast<flatbuffers::uoffset_t>(i));
    if (t == -1 && allow_minus_one) continue;
    if (t < 0 || static_cast<size_t>(t) >= n)
      return Status::Invalid(what + " refers to tensor " + std::to_string(t) + " of " + std::to_string(n));
  }
  return Status::Ok();
}

// Buffer size of a tensor's constant data (inline or external), 0 if none.
uint64_t ConstantSize(const tfl::Model& m, uint32_t buffer) {
  if (buffer == 0 || !m.buffers() || buffer >= m.buffers()->size()) return 0;
  const tfl::Buffer* b = m.buffers()->Get(buffer);
  if (b->offset() > 1) return b->size();
  return b->data() ? b->data()->size() : 0;
}

// Type known, dimensions -1 (unknown) or >= 0, and a size that is plausible:
// an activation within kMaxActivationBytes, a dense constant exactly as large
// as its buffer. Every later product of dimensions then stays far from
// overflow.
Status CheckTensor(const tfl::Model& m, const tfl::Tensor& t, const std::string& what) {
  const std::string name = what + " ('" + (t.name() ? t.name()->str() : std::string()) + "')";
  const int type = static_cast<int>(t.type());
  if (!IsKnownTensorType(type)) return Status::Invalid(name + " has unknown type " + std::to_string(type));
  std::vector<int32_t> shape;
  if (t.shape()) shape.assign(t.shape()->begin(), t.shape()->end());
  for (int32_t d : shape)
    if (d < -1) return Status::Invalid(name + " has dimension " + std::to_string(d) + " (must be >= 0, or -1 if unknown)");
  const int64_t bytes = TensorBytes(shape, type);
  if (bytes < 0) return Status::Ok();  // unknown dims or no fixed element size
  const uint64_t held = ConstantSize(m, t.buffer());
  if (held == 0) {
    if (bytes > kMaxActivationBytes)
      return Status::Invalid(name + " shape asks for " + std::to_string(bytes) + " bytes, above the " +
                             std::to_string(kMaxActivationBytes) + " accepted for an activation");
    return Status::Ok();
  }
  // Sparse and sub-byte constants are stored in other layouts.
  if (t.sparsity() == nullptr && TensorTypeBits(type) >= 8 && held != static_cast<uint64_t>(bytes))
    return Status::Invalid(name + " shape needs " + std::to_string(bytes) + " bytes but its buffer holds " +
                           std::to_string(held));
  return Status::Ok();
}

Status CheckModel(const tfl::Model& m, size_t file_size) {
  const size_t nbuf = Len(m.buffers());
  const size_t ncodes = Len(m.operator_codes());
  if (Len(m.subgraphs()) == 0) return Status::Invalid("model has no subgraphs");
  if (m.buffers())
    for (size_t b = 0; b < nbuf; ++b) {
      const tfl::Buffer* buf = m.buffers()->Get(static_cast<flatbuffers::uoffset_t>(b));
      if (buf->offset() > 1 && !RangeInFile(buf->offset(), buf->size(), file_size))
        return Status::Invalid("buffer " + std::to_string(b) + " points outside the file (offset " +
                               std::to_string(buf->offset()) + ", size " + std::to_string(buf->size()) +
                               ", file " + std::to_string(file_size) + " bytes)");
    }
  if (m.metadata())
    for (const tfl::Metadata* md : *m.metadata())
      if (md->buffer() >= nbuf)
        return Status::Invalid("metadata '" + std::string(md->name() ? md->name()->c_str() : "") +
                               "' refers to buffer " + std::to_string(md->buffer()) + " of " +
                               std::to_string(nbuf));
  if (m.metadata_buffer())
    for (int32_t b : *m.metadata_buffer())
      if (b < 0 || static_cast<size_t>(b) >= nbuf)
        return Status::Invalid("metadata_buffer refers to buffer " + std::to_string(b) + " of " +
                               std::to_string(nbuf));
  for (size_t s = 0; s < Len(m.subgraphs()); ++s) {
    const tfl::SubGraph* sg = m.subgraphs()->Get(static_cast<flatbuffers::uoffset_t>(s));
    const std::string sname = "subgraph " + std::to_string(s);
    const size_t nt = Len(sg->tensors());
    if (sg->tensors())
      for (size_t t = 0; t < nt; ++t) {
        const tfl::Tensor* ten = sg->tensors()->Get(static_cast<flatbuffers::uoffset_t>(t));
        if (ten->buffer() != 0 && ten->buffer() >= nbuf)
          return Status::Invalid(sname + " tensor " + std::to_string(t) + " refers to buffer " +
                                 std::to_string(ten->buffer()) + " of " + std::to_string(nbuf));
        RESPECT_RETURN_IF_ERROR(CheckTensor(m, *ten, sname + " tensor " + std::to_string(t)));
      }
    RESPECT_RETURN_IF_ERROR(CheckIndexVector(sg->inputs(), nt, false, sname + " inputs"));
    RESPECT_RETURN_IF_ERROR(CheckIndexVector(sg->outputs(), nt, false, sname + " outputs"));
    if (sg->operators())
      for (size_t o = 0; o < sg->operators()->size(); ++o) {
        const tfl::Operator* op = sg->operators()->Get(static_cast<flatbuffers::uoffset_t>(o));
        const std::string oname = sname + " operator " + std::to_string(o);
        if (op->opcode_index() >= ncodes)
          return Status::Invalid(oname + " has opcode_index " + std::to_string(op->opcode_index()) +
                                 " but the model has " + std::to_string(ncodes) + " operator codes");
        RESPECT_RETURN_IF_ERROR(CheckIndexVector(op->inputs(), nt, true, oname + " input"));
        RESPECT_RETURN_IF_ERROR(CheckIndexVector(op->outputs(), nt, false, oname + " output"));
        RESPECT_RETURN_IF_ERROR(CheckIndexVector(op->intermediates(), nt, true, oname + " intermediate"));
        if (op->large_custom_options_offset() > 1 &&
            !RangeInFile(op->large_custom_options_offset(), op->large_custom_options_size(), file_size))
          return Status::Invalid(oname + " has custom options outside the file");
      }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<uint8_t>> ReadFileBytes(const std::string& path) {
  // fopen of a directory succeeds and ftell reports an absurd size; a device
  // such as /dev/zero never ends. Only regular files of bounded size are read.
  RESPECT_RETURN_IF_ERROR(CheckInputFile(path, kMaxBinaryInputBytes));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::Io("cannot open '" + path + "': " + std::strerror(errno));
  std::vector<uint8_t> bytes;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    const long end = std::ftell(f);
    // A size the machine cannot hold is an error, not a bad_alloc.
    if (end > 0 && static_cast<unsigned long>(end) > bytes.max_size() / 2) {
      std::fclose(f);
      return Status::Io("'" + path + "' reports " + std::to_string(end) + " bytes, too large to read");
    }
    if (end > 0) bytes.reserve(static_cast<size_t>(end));
    std::fseek(f, 0, SEEK_SET);
  }
  uint8_t chunk[1 << 16];
  if (bytes.capacity() > 0) {
    // Known size: read straight into the vector.
    bytes.resize(bytes.capacity());
    size_t got = std::fread(bytes.data(), 1, bytes.size(), f);
    bytes.resize(got);
  }
  for (;;) {  // anything beyond (or all of it, for pipes)
    size_t got = std::fread(chunk, 1, sizeof(chunk), f);
    if (got == 0) break;
    bytes.insert(bytes.end(), chunk, chunk + got);
  }
  const bool err = std::ferror(f) != 0;
  std::fclose(f);
  if (err) return Status::Io("error reading '" + path + "'");
  return bytes;
}

StatusOr<TfliteModel> TfliteModel::Load(const std::string& path) {
  auto bytes = ReadFileBytes(path);
  if (!bytes.ok()) return bytes.status();
  return FromBytes(std::move(bytes).value(), path);
}

StatusOr<TfliteModel> TfliteModel::FromBytes(std::vector<uint8_t> bytes, const std::string& origin) {
  const std::string where = Where(origin);
  if (bytes.empty()) return Status::Invalid(where + ": empty file, not a TFLite model");
  if (bytes.size() < 8)
    return Status::Invalid(where + ": " + std::to_string(bytes.size()) +
                           " bytes is too short for a TFLite model (truncated?)");
  if (!tfl::ModelBufferHasIdentifier(bytes.data())) {
    std::string id;
    for (int i = 4; i < 8; ++i) {
      const char c = static_cast<char>(bytes[i]);
      id += (c >= 32 && c < 127) ? c : '?';
    }
    return Status::Invalid(where + ": not a TFLite model (file identifier '" + id + "', expected 'TFL3')");
  }
  // Models above 2 GB keep their buffers after the flatbuffer; the verifier
  // only needs (and only accepts) the first 2 GB.
  const size_t verify_len = std::min(bytes.size(), kMaxFlatbufferBytes);
  flatbuffers::Verifier::Options opts;
  opts.max_depth = 64;
  opts.max_tables = 1u << 24;
  opts.check_alignment = true;
  opts.check_nested_flatbuffers = true;
  flatbuffers::Verifier verifier(bytes.data(), verify_len, opts);
  if (!tfl::VerifyModelBuffer(verifier))
    return Status::Invalid(where + ": TFLite flatbuffer failed verification (corrupt or truncated file, " +
                           std::to_string(bytes.size()) + " bytes)");
  const tfl::Model* m = tfl::GetModel(bytes.data());
  Status st = CheckModel(*m, bytes.size());
  if (!st.ok()) return st.WithContext(where);
  TfliteModel out;
  out.bytes_ = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  out.origin_ = origin;
  return out;
}

const tfl::Model& TfliteModel::model() const { return *tfl::GetModel(bytes_->data()); }

const tfl::SubGraph& TfliteModel::main_subgraph() const { return *model().subgraphs()->Get(0); }

ByteSpan TfliteModel::BufferData(uint32_t index) const {
  const tfl::Model& m = model();
  if (!m.buffers() || index >= m.buffers()->size()) return {};
  const tfl::Buffer* b = m.buffers()->Get(index);
  if (b->offset() > 1) return {bytes_->data() + b->offset(), static_cast<size_t>(b->size())};
  if (b->data() && b->data()->size() > 0) return {b->data()->data(), b->data()->size()};
  return {};
}

ByteSpan TfliteModel::CustomOptions(int op_index) const {
  const tfl::SubGraph& sg = main_subgraph();
  if (!sg.operators() || op_index < 0 || static_cast<size_t>(op_index) >= sg.operators()->size()) return {};
  const tfl::Operator* op = sg.operators()->Get(static_cast<flatbuffers::uoffset_t>(op_index));
  if (op->large_custom_options_offset() > 1)
    return {bytes_->data() + op->large_custom_options_offset(),
            static_cast<size_t>(op->large_custom_options_size())};
  if (op->custom_options() && op->custom_options()->size() > 0)
    return {op->custom_options()->data(), op->custom_options()->size()};
  return {};
}

}  // namespace respect
