#include "policy/weights.h"

#include <cmath>
#include <map>

#include "label/dataset.h"

#include "policy/binary_io.h"

namespace respect {

using policy_io::ByteReader;
using policy_io::ByteWriter;
using policy_io::TensorDtype;
using policy_io::TensorRecord;

std::string EncodeWeights(const PolicyHParams& hp, const PolicyParams<double>& p,
                          const std::string& note) {
  ByteWriter w;
  w.Raw("RSPW");
  w.U32(kWeightsVersion);
  w.U32(static_cast<uint32_t>(hp.feature_dim));
  w.U32(static_cast<uint32_t>(hp.embed));
  w.U32(static_cast<uint32_t>(hp.hidden));
  w.F32(static_cast<float>(hp.tanh_clip));
  w.U32(static_cast<uint32_t>(hp.glimpse_mask));
  w.U32(static_cast<uint32_t>(hp.features));
  w.U32(hp.dynamic ? 1u : 0u);
  w.Str(note);
  uint32_t count = 0;
  p.ForEach([&](const char*, const auto&) { ++count; });
  w.U32(count);
  p.ForEach([&](const char* name, const auto& t) {
    w.Tensor(name, t, std::decay_t<decltype(t)>::ColsAtCompileTime == 1, TensorDtype::kF32);
  });
  const std::string& body = w.data();
  w.U32(Crc32(reinterpret_cast<const uint8_t*>(body.data()), body.size()));
  return w.data();
}

namespace {

// Version 3 ends in a CRC-32 of every byte before it; version 2 has none.
// Returns the bytes the records are read from (without the checksum).
StatusOr<std::string> Body(const std::string& bytes, uint32_t* version) {
  ByteReader r(bytes);
  std::string magic;
  if (!r.Raw(4, &magic)) return Status::Invalid("truncated header (file has " + std::to_string(bytes.size()) + " bytes)");
  if (magic != "RSPW") return Status::Invalid("not a policy weights file (magic is not RSPW)");
  if (!r.U32(version)) return Status::Invalid("truncated header");
  if (*version < kOldestWeightsVersion || *version > kWeightsVersion) {
    return Status::Invalid("weights file version " + std::to_string(*version) + " is not supported (expected " +
                           std::to_string(kOldestWeightsVersion) + " to " + std::to_string(kWeightsVersion) + ")");
  }
  if (*version < 3) return bytes;
  if (bytes.size() < 12) return Status::Invalid("truncated header");
  return bytes.substr(0, bytes.size() - 4);
}

Status CheckChecksum(const std::string& bytes, const std::string& body) {
  ByteReader tail(bytes);
  std::string skip;
  uint32_t stored = 0;
  tail.Raw(body.size(), &skip);
  tail.U32(&stored);
  const uint32_t actual = Crc32(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  if (stored != actual) return Status::Invalid("checksum mismatch (the file is corrupt)");
  return Status::Ok();
}

Status CheckFinite(const PolicyParams<double>& params) {
  Status st;
  params.ForEach([&](const char* name, const auto& t) {
    if (st.ok() && !t.allFinite()) st = Status::Invalid(std::string("tensor ") + name + " holds NaN or infinite values");
  });
  return st;
}

StatusOr<PolicyWeights> DecodeBody(const std::string& bytes);

StatusOr<PolicyWeights> Decode(const std::string& bytes) {
  uint32_t version = 0;
  auto body = Body(bytes, &version);
  if (!body.ok()) return body.status();
  auto out = DecodeBody(*body);
  if (!out.ok()) return out.status();
  if (version >= 3) RESPECT_RETURN_IF_ERROR(CheckChecksum(bytes, *body));
  RESPECT_RETURN_IF_ERROR(CheckFinite(out->params));
  return out;
}

StatusOr<PolicyWeights> DecodeBody(const std::string& bytes) {
  ByteReader r(bytes);
  std::string magic;
  if (!r.Raw(4, &magic)) return Status::Invalid("truncated header (file has " + std::to_string(bytes.size()) + " bytes)");
  if (magic != "RSPW") return Status::Invalid("not a policy weights file (magic is not RSPW)");
  uint32_t version;
  if (!r.U32(&version)) return Status::Invalid("truncated header");
  PolicyWeights out;
  uint32_t fd, e, h, mask, fs, dyn;
  float clip;
  if (!r.U32(&fd) || !r.U32(&e) || !r.U32(&h) || !r.F32(&clip) || !r.U32(&mask) || !r.U32(&fs) || !r.U32(&dyn)) {
    return Status::Invalid("truncated hyper-parameters");
  }
  if (dyn > 1) return Status::Invalid("unknown dynamic flag " + std::to_string(dyn));
  if (mask > 1) return Status::Invalid("unknown glimpse_mask " + std::to_string(mask));
  if (fs > 1) return Status::Invalid("unknown feature_set " + std::to_string(fs));
  if (e > 4096 || h > 4096) return Status::Invalid("embed/hidden size out of range");
  if (!std::isfinite(clip)) return Status::Invalid("tanh_clip is not finite");
  out.hparams.feature_dim = static_cast<int>(fd);
  out.hparams.embed = static_cast<int>(e);
  out.hparams.hidden = static_cast<int>(h);
  out.hparams.tanh_clip = clip;
  out.hparams.glimpse_mask = static_cast<GlimpseMask>(mask);
  out.hparams.features = static_cast<FeatureSet>(fs);
  out.hparams.dynamic = dyn == 1;
  RESPECT_RETURN_IF_ERROR(ValidateHParams(out.hparams));
  if (!r.Str(&out.note, 1u << 20)) return Status::Invalid("truncated note");
  uint32_t count;
  if (!r.U32(&count)) return Status::Invalid("truncated tensor count");
  if (count > 64) return Status::Invalid("implausible tensor count " + std::to_string(count));
  std::map<std::string, TensorRecord> recs;
  for (uint32_t i = 0; i < count; ++i) {
    TensorRecord rec;
    RESPECT_RETURN_IF_ERROR(r.Tensor(&rec));
    const std::string name = rec.name;
    if (!recs.emplace(name, std::move(rec)).second) return Status::Invalid("duplicate tensor " + name);
  }
  if (r.remaining() != 0) {
    return Status::Invalid(std::to_string(r.remaining()) + " unexpected bytes after the last tensor");
  }
  out.params = ZeroParams<double>(out.hparams);
  Status st;
  size_t used = 0;
  out.params.ForEach([&](const char* name, auto& t) {
    if (!st.ok()) return;
    auto it = recs.find(name);
    if (it == recs.end()) {
      st = Status::Invalid(std::string("missing tensor ") + name);
      return;
    }
    ++used;
    st = policy_io::AssignTensor(it->second, std::decay_t<decltype(t)>::ColsAtCompileTime == 1, &t);
  });
  RESPECT_RETURN_IF_ERROR(st);
  if (used != recs.size()) {
    for (const auto& kv : recs) {
      bool known = false;
      out.params.ForEach([&](const char* name, const auto&) { known = known || kv.first == name; });
      if (!known) return Status::Invalid("unknown tensor " + kv.first);
    }
  }
  return out;
}
}  // namespace

StatusOr<PolicyWeights> DecodeWeights(const std::string& bytes, const std::string& origin) {
  auto w = Decode(bytes);
  if (!w.ok()) return w.status().WithContext(origin);
  return w;
}

Status WriteWeightsFile(const std::string& path, const PolicyHParams& hp,
                        const PolicyParams<double>& p, const std::string& note) {
  RESPECT_RETURN_IF_ERROR(CheckShapes(hp, p).WithContext(path));
  return policy_io::WriteFileAtomic(path, EncodeWeights(hp, p, note));
}

StatusOr<PolicyWeights> ReadWeightsFile(const std::string& path) {
  auto bytes = policy_io::ReadFileBytes(path);
  if (!bytes.ok()) return bytes.status();
  return DecodeWeights(*bytes, path);
}

}  // namespace respect
