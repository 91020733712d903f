#include "policy/binary_io.h"

#include <cstring>

#include "io/output_guard.h"

namespace respect {
namespace policy_io {

void ByteWriter::U32(uint32_t v) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void ByteWriter::U64(uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void ByteWriter::F32(float v) {
  uint32_t bits;
  static_assert(sizeof(bits) == sizeof(v), "binary32");
  std::memcpy(&bits, &v, sizeof(bits));
  U32(bits);
}
void ByteWriter::F64(double v) {
  uint64_t bits;
  static_assert(sizeof(bits) == sizeof(v), "binary64");
  std::memcpy(&bits, &v, sizeof(bits));
  U64(bits);
}
void ByteWriter::Str(const std::string& s) {
  U32(static_cast<uint32_t>(s.size()));
  out_ += s;
}

namespace {

// The little-endian unsigned T at data[pos]; the caller checked the size.
template <class T>
T LittleEndian(const std::string& data, size_t pos) {
  T x = 0;
  for (size_t i = 0; i < sizeof(T); ++i) x |= static_cast<T>(static_cast<unsigned char>(data[pos + i])) << (8 * i);
  return x;
}

}  // namespace

bool ByteReader::U32(uint32_t* v) {
  if (remaining() < 4) return false;
  *v = LittleEndian<uint32_t>(data_, pos_);
  pos_ += 4;
  return true;
}
bool ByteReader::U64(uint64_t* v) {
  if (remaining() < 8) return false;
  *v = LittleEndian<uint64_t>(data_, pos_);
  pos_ += 8;
  return true;
}
bool ByteReader::F32(float* v) {
  uint32_t bits;
  if (!U32(&bits)) return false;
  std::memcpy(v, &bits, sizeof(bits));
  return true;
}
bool ByteReader::F64(double* v) {
  uint64_t bits;
  if (!U64(&bits)) return false;
  std::memcpy(v, &bits, sizeof(bits));
  return true;
}
bool ByteReader::Raw(size_t n, std::string* out) {
  if (remaining() < n) return false;
  out->assign(data_, pos_, n);
  pos_ += n;
  return true;
}
bool ByteReader::Str(std::string* s, uint32_t max_len) {
  uint32_t n;
  if (!U32(&n) || n > max_len) return false;
  return Raw(n, s);
}

Status ByteReader::Tensor(TensorRecord* t) {
  const size_t at = pos_;
  auto bad = [&](const std::string& what) {
    return Status::Invalid(what + " (tensor record at byte " + std::to_string(at) + ")");
  };
  if (!Str(&t->name, 256)) return bad("truncated or bad tensor name");
  uint32_t rank;
  if (!U32(&rank)) return bad("truncated tensor " + t->name);
  if (rank < 1 || rank > 2) return bad("tensor " + t->name + " has rank " + std::to_string(rank));
  t->dims.assign(rank, 0);
  uint64_t count = 1;
  for (uint32_t i = 0; i < rank; ++i) {
    if (!U32(&t->dims[i])) return bad("truncated tensor " + t->name);
    count *= t->dims[i];
  }
  uint32_t dtype;
  if (!U32(&dtype)) return bad("truncated tensor " + t->name);
  size_t width;
  if (dtype == static_cast<uint32_t>(TensorDtype::kF32)) {
    width = 4;
  } else if (dtype == static_cast<uint32_t>(TensorDtype::kF64)) {
    width = 8;
  } else {
    return bad("tensor " + t->name + " has unknown dtype " + std::to_string(dtype));
  }
  if (count > remaining() / width) return bad("truncated tensor " + t->name);
  t->data.resize(static_cast<size_t>(count));
  for (auto& x : t->data) {
    if (width == 4) {
      float f;
      F32(&f);
      x = f;
    } else {
      F64(&x);
    }
  }
  return Status::Ok();
}

StatusOr<std::string> ReadFileBytes(const std::string& path) {
  return ReadInputFile(path, kMaxBinaryInputBytes);
}

Status WriteFileAtomic(const std::string& path, const std::string& bytes) {
  return respect::WriteFileAtomic(path, bytes);
}

}  // namespace policy_io
}  // namespace respect
