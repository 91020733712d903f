// Portable little-endian byte encoding for the policy's files (weights and
// training checkpoints), written byte by byte so the files are identical on
// every host. Floats are IEEE-754 binary32/binary64 bit patterns.
// (Namespace respect::policy_io keeps these generic names private to policy/.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "policy/tensor.h"

namespace respect {
namespace policy_io {

enum class TensorDtype : uint32_t { kF32 = 1, kF64 = 2 };

class ByteWriter {
 public:
  void U32(uint32_t v);
  void U64(uint64_t v);
  void F32(float v);
  void F64(double v);
  void Raw(const std::string& bytes) { out_ += bytes; }
  void Str(const std::string& s);  // u32 length + bytes
  // Tensor record: u32 name length, name, u32 rank, u32 dims[rank], u32 dtype,
  // data row-major (rank 1 for a vector, rank 2 for a matrix).
  template <class Derived>
  void Tensor(const std::string& name, const Eigen::MatrixBase<Derived>& t, bool is_vector,
              TensorDtype dtype) {
    Str(name);
    if (is_vector) {
      U32(1);
      U32(static_cast<uint32_t>(t.size()));
    } else {
      U32(2);
      U32(static_cast<uint32_t>(t.rows()));
      U32(static_cast<uint32_t>(t.cols()));
    }
    U32(static_cast<uint32_t>(dtype));
    for (Eigen::Index r = 0; r < t.rows(); ++r) {
      for (Eigen::Index c = 0; c < t.cols(); ++c) {
        const double x = static_cast<double>(t(r, c));
        if (dtype == TensorDtype::kF32) {
          F32(static_cast<float>(x));
        } else {
          F64(x);
        }
      }
    }
  }
  const std::string& data() const { return out_; }

 private:
  std::string out_;
};

struct TensorRecord {
  std::string name;
  std::vector<uint32_t> dims;  // 1 or 2 entries
  std::vector<double> data;    // row-major
  Eigen::Index rows() const { return dims.empty() ? 0 : dims[0]; }
  Eigen::Index cols() const { return dims.size() < 2 ? 1 : dims[1]; }
};

// Reads from a byte string; every read fails (returns false) instead of
// running past the end.
class ByteReader {
 public:
  explicit ByteReader(const std::string& data) : data_(data) {}
  bool U32(uint32_t* v);
  bool U64(uint64_t* v);
  bool F32(float* v);
  bool F64(double* v);
  bool Raw(size_t n, std::string* out);
  bool Str(std::string* s, uint32_t max_len);
  // Parses one tensor record; Invalid (one line, no prefix) on a truncated or
  // malformed record.
  Status Tensor(TensorRecord* t);
  size_t offset() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  const std::string& data_;
  size_t pos_ = 0;
};

// Copies a record into an Eigen tensor whose shape must already be set;
// Invalid naming the tensor on a shape mismatch.
template <class T>
Status AssignTensor(const TensorRecord& rec, bool is_vector, T* t) {
  const bool rank_ok = is_vector ? rec.dims.size() == 1 : rec.dims.size() == 2;
  if (!rank_ok || rec.rows() != t->rows() || rec.cols() != t->cols()) {
    std::string got;
    for (size_t i = 0; i < rec.dims.size(); ++i) got += (i ? "x" : "") + std::to_string(rec.dims[i]);
    std::string want = is_vector ? std::to_string(t->rows())
                                 : std::to_string(t->rows()) + "x" + std::to_string(t->cols());
    return Status::Invalid("tensor " + rec.name + " has shape " + got + ", expected " + want);
  }
  using Scalar = typename T::Scalar;
  for (Eigen::Index r = 0; r < t->rows(); ++r) {
    for (Eigen::Index c = 0; c < t->cols(); ++c) {
      (*t)(r, c) = static_cast<Scalar>(rec.data[static_cast<size_t>(r * t->cols() + c)]);
    }
  }
  return Status::Ok();
}

// Whole-file helpers (io/output_guard.h): ReadFileBytes refuses non-regular
// or oversized files; WriteFileAtomic writes a unique temporary then renames
// it over path (never over an input), so readers never see a half-written file.
StatusOr<std::string> ReadFileBytes(const std::string& path);
Status WriteFileAtomic(const std::string& path, const std::string& bytes);

}  // namespace policy_io
}  // namespace respect
