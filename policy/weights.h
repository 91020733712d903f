// The policy weights file (one versioned little-endian format, ".rspw").
//
// Layout, version 3 (u32 = 4-byte little-endian unsigned, f32 = IEEE-754
// binary32 little-endian; written byte by byte, so identical on every host):
//   magic        4 bytes  "RSPW"
//   version      u32      3 (2 is read too: the same without the checksum)
//   feature_dim  u32      kFeatureDim (28)
//   embed        u32      E
//   hidden       u32      H
//   tanh_clip    f32      C (<= 0: no clipping)
//   glimpse_mask u32      0 = ready set, 1 = every unvisited node
//   feature_set  u32      0 = paper features only, 1 = full
//   dynamic      u32      1 = step features in the pointer logits, 0 = none
//   note         u32 length + UTF-8 bytes (how the weights were made)
//   count        u32      number of tensors (14)
//   count x tensor record:
//     u32 name length, name bytes (e.g. "enc_w"), u32 rank (1 or 2),
//     u32 dims[rank], u32 dtype (1 = f32), rank-1: dims[0] values,
//     rank-2: dims[0] x dims[1] values row-major
//   checksum     u32      CRC-32 of every byte before it (version 3 only)
// Tensor names and shapes are those of PolicyParams (network.h). Nothing may
// follow the last tensor. Every load error (missing file aside, which is an
// Io error) is one line: Status::Invalid("<path>: <what>").
#pragma once

#include <string>

#include "core/status.h"
#include "policy/network.h"

namespace respect {

// Version 3 (written) is version 2 followed by a u32 CRC-32 (IEEE, as the
// label dataset's frames) of every byte before it. Version 2 (no checksum,
// e.g. the shipped policy/weights/respect_policy.rspw) is still read.
// Version 1 (24 features, no dyn_w, no dynamic flag) is not read: its
// features mean something else to this build. Every version refuses NaN or
// infinite parameters.
inline constexpr uint32_t kWeightsVersion = 3;
inline constexpr uint32_t kOldestWeightsVersion = 2;

struct PolicyWeights {
  PolicyHParams hparams;
  PolicyParams<double> params;  // float32 values widened to double
  std::string note;
};

// The file's bytes (parameters rounded to float32).
std::string EncodeWeights(const PolicyHParams& hp, const PolicyParams<double>& p,
                          const std::string& note);
// Parses the bytes; `origin` prefixes error messages (usually the path).
StatusOr<PolicyWeights> DecodeWeights(const std::string& bytes, const std::string& origin);

// Writes atomically (temp file + rename).
Status WriteWeightsFile(const std::string& path, const PolicyHParams& hp,
                        const PolicyParams<double>& p, const std::string& note);
StatusOr<PolicyWeights> ReadWeightsFile(const std::string& path);

}  // namespace respect
