#include "policy/stage_net.h"

#include <cmath>
#include <type_traits>

#include "policy/binary_io.h"
#include "policy/features.h"
#include "policy/rng.h"
#include "policy/stage_features.h"

#ifndef RESPECT_SOURCE_DIR
#define RESPECT_SOURCE_DIR "."
#endif

namespace respect {

namespace {

constexpr char kMagic[] = "RSPS";
constexpr uint32_t kVersion = 1;

// The tensors of p as (data, size) spans, in ForEach order.
std::vector<std::pair<double*, Eigen::Index>> Spans(StageNetParams& p) {
  std::vector<std::pair<double*, Eigen::Index>> out;
  p.ForEach([&](const std::string&, auto& t) { out.emplace_back(t.data(), t.size()); });
  return out;
}

// Column-wise log-softmax of logits [C x n].
Eigen::MatrixXd LogSoftmaxColumns(const Eigen::MatrixXd& logits) {
  Eigen::MatrixXd out(logits.rows(), logits.cols());
  for (Eigen::Index j = 0; j < logits.cols(); ++j) {
    const double mx = logits.col(j).maxCoeff();
    const double lse = mx + std::log((logits.col(j).array() - mx).exp().sum());
    out.col(j) = logits.col(j).array() - lse;
  }
  return out;
}

// Tensors are written as vectors (rank 1) or matrices (rank 2) by type.
template <class T>
constexpr bool IsVector() {
  return std::decay_t<T>::ColsAtCompileTime == 1;
}

}  // namespace

int64_t StageNetParams::NumParams() {
  int64_t k = 0;
  ForEach([&](const std::string&, const auto& t) { k += t.size(); });
  return k;
}

Status ValidateStageNetHParams(const StageNetHParams& hp) {
  if (hp.features != kStageFeatureDim)
    return Status::Invalid("window network: " + std::to_string(hp.features) + " features, expected " +
                           std::to_string(kStageFeatureDim));
  if (hp.hidden < 1 || hp.hidden > 1024) return Status::Invalid("window network: hidden size out of 1..1024");
  if (hp.layers < 0 || hp.layers > 16) return Status::Invalid("window network: layers out of 0..16");
  return Status::Ok();
}

StageNetParams ZeroStageNetParams(const StageNetHParams& hp) {
  StageNetParams p;
  const int h = hp.hidden;
  p.w_in = Eigen::MatrixXd::Zero(h, hp.features);
  p.b_in = Eigen::VectorXd::Zero(h);
  p.w_msg.assign(hp.layers, Eigen::MatrixXd::Zero(h, 3 * h));
  p.b_msg.assign(hp.layers, Eigen::VectorXd::Zero(h));
  p.w_out = Eigen::MatrixXd::Zero(kOffsetClasses, h);
  p.b_out = Eigen::VectorXd::Zero(kOffsetClasses);
  return p;
}

StageNetParams InitStageNetParams(const StageNetHParams& hp, uint64_t seed) {
  StageNetParams p = ZeroStageNetParams(hp);
  PolicyRng rng(seed);
  auto fill = [&](Eigen::MatrixXd& w) {
    const double a = 1.0 / std::sqrt(static_cast<double>(w.cols()));
    for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = rng.Uniform(-a, a);
  };
  fill(p.w_in);
  for (auto& w : p.w_msg) fill(w);
  fill(p.w_out);
  return p;
}

GraphMeans MakeGraphMeans(const Graph& g) {
  const int n = g.size();
  std::vector<Eigen::Triplet<double>> tp, ts;
  for (int v = 0; v < n; ++v) {
    const auto& par = g.parents(v);
    for (int u : par) tp.emplace_back(u, v, 1.0 / static_cast<double>(par.size()));
    const auto& ch = g.children(v);
    for (int w : ch) ts.emplace_back(w, v, 1.0 / static_cast<double>(ch.size()));
  }
  GraphMeans m;
  m.pp.resize(n, n);
  m.ps.resize(n, n);
  m.pp.setFromTriplets(tp.begin(), tp.end());
  m.ps.setFromTriplets(ts.begin(), ts.end());
  return m;
}

void StageNetForward(const StageNetHParams& hp, const StageNetParams& p, const GraphMeans& means,
                     const Eigen::MatrixXd& x, StageNetTape* tape) {
  const int h = hp.hidden;
  const Eigen::Index n = x.cols();
  tape->h.assign(1, ((p.w_in * x).colwise() + p.b_in).array().tanh().matrix());
  tape->m.clear();
  tape->t.clear();
  for (int l = 0; l < hp.layers; ++l) {
    const Eigen::MatrixXd& hl = tape->h.back();
    Eigen::MatrixXd m(3 * h, n);
    m.topRows(h) = hl;
    m.middleRows(h, h) = hl * means.pp;
    m.bottomRows(h) = hl * means.ps;
    Eigen::MatrixXd t = ((p.w_msg[l] * m).colwise() + p.b_msg[l]).array().tanh().matrix();
    tape->h.push_back(hl + t);
    tape->m.push_back(std::move(m));
    tape->t.push_back(std::move(t));
  }
  tape->logp = LogSoftmaxColumns((p.w_out * tape->h.back()).colwise() + p.b_out);
}

double StageNetBackward(const StageNetHParams& hp, const StageNetParams& p, const GraphMeans& means,
                        const Eigen::MatrixXd& x, const StageNetTape& tape, const std::vector<int>& target,
                        const std::vector<double>& weight, StageNetParams* g) {
  const int h = hp.hidden;
  const Eigen::Index n = x.cols();
  // d(-w log softmax_y) / d logits = w (softmax - onehot_y).
  Eigen::MatrixXd dlogits = Eigen::MatrixXd::Zero(kOffsetClasses, n);
  double loss = 0;
  for (Eigen::Index v = 0; v < n; ++v) {
    const int y = target[v];
    if (y < 0 || weight[v] == 0) continue;
    loss -= weight[v] * tape.logp(y, v);
    dlogits.col(v) = weight[v] * tape.logp.col(v).array().exp();
    dlogits(y, v) -= weight[v];
  }
  const Eigen::MatrixXd& hl = tape.h.back();
  g->w_out += dlogits * hl.transpose();
  g->b_out += dlogits.rowwise().sum();
  Eigen::MatrixXd dh = p.w_out.transpose() * dlogits;
  for (int l = hp.layers - 1; l >= 0; --l) {
    // H_{l+1} = H_l + tanh(A_l): dA = dH (1 - t^2); dH_l = dH + d(M_l)/dH_l.
    const Eigen::MatrixXd da = (dh.array() * (1.0 - tape.t[l].array().square())).matrix();
    g->w_msg[l] += da * tape.m[l].transpose();
    g->b_msg[l] += da.rowwise().sum();
    const Eigen::MatrixXd dm = p.w_msg[l].transpose() * da;
    dh += dm.topRows(h);
    dh += dm.middleRows(h, h) * means.pp.transpose();
    dh += dm.bottomRows(h) * means.ps.transpose();
  }
  const Eigen::MatrixXd da0 = (dh.array() * (1.0 - tape.h[0].array().square())).matrix();
  g->w_in += da0 * x.transpose();
  g->b_in += da0.rowwise().sum();
  return loss;
}

void StageNetAdam::Step(StageNetParams* p, StageNetParams* g, double max_norm) {
  double sq = 0;
  g->ForEach([&](const std::string&, const auto& t) { sq += t.squaredNorm(); });
  const double norm = std::sqrt(sq);
  const double scale = (max_norm > 0 && norm > max_norm) ? max_norm / norm : 1.0;
  ++step_;
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const double c1 = 1.0 - std::pow(b1, static_cast<double>(step_));
  const double c2 = 1.0 - std::pow(b2, static_cast<double>(step_));
  const auto ps = Spans(*p), gs = Spans(*g), ms = Spans(m_), vs = Spans(v_);
  for (size_t k = 0; k < ps.size(); ++k) {
    for (Eigen::Index i = 0; i < ps[k].second; ++i) {
      const double gi = gs[k].first[i] * scale;
      double& m = ms[k].first[i];
      double& v = vs[k].first[i];
      m = b1 * m + (1 - b1) * gi;
      v = b2 * v + (1 - b2) * gi * gi;
      ps[k].first[i] -= lr_ * (m / c1) / (std::sqrt(v / c2) + eps);
    }
  }
}

Status SaveStageNet(const StageNet& net, const std::string& path) {
  policy_io::ByteWriter w;
  w.Raw(std::string(kMagic, 4));
  w.U32(kVersion);
  w.U32(static_cast<uint32_t>(net.hparams.features));
  w.U32(static_cast<uint32_t>(net.hparams.hidden));
  w.U32(static_cast<uint32_t>(net.hparams.layers));
  w.Str(net.note);
  StageNetParams p = net.params;
  p.ForEach([&](const std::string& name, const auto& t) {
    w.Tensor(name, t, IsVector<decltype(t)>(), policy_io::TensorDtype::kF64);
  });
  policy_io::ByteWriter tail;
  tail.U64(Fnv1a64(w.data()));
  return policy_io::WriteFileAtomic(path, w.data() + tail.data());
}

StatusOr<StageNet> LoadStageNet(const std::string& path) {
  auto bytes = policy_io::ReadFileBytes(path);
  if (!bytes.ok()) return bytes.status();
  const std::string& b = *bytes;
  auto bad = [&](const std::string& why) { return Status::Invalid(path + ": " + why); };
  if (b.size() < 4 + 4 * 4 + 8 || b.compare(0, 4, kMagic) != 0) return bad("not a window network weights file");
  policy_io::ByteReader tail(b);
  std::string skip;
  uint64_t sum = 0;
  tail.Raw(b.size() - 8, &skip);
  tail.U64(&sum);
  if (sum != Fnv1a64(b.substr(0, b.size() - 8))) return bad("checksum mismatch (corrupt weights file)");
  const std::string body = b.substr(0, b.size() - 8);
  policy_io::ByteReader r(body);
  uint32_t version = 0, f = 0, h = 0, l = 0;
  r.Raw(4, &skip);
  if (!r.U32(&version) || version != kVersion) return bad("unsupported window network version");
  if (!r.U32(&f) || !r.U32(&h) || !r.U32(&l)) return bad("truncated header");
  StageNet net;
  net.hparams = StageNetHParams{static_cast<int>(f), static_cast<int>(h), static_cast<int>(l)};
  if (Status s = ValidateStageNetHParams(net.hparams); !s.ok()) return bad(s.message());
  if (!r.Str(&net.note, 1 << 16)) return bad("truncated note");
  net.params = ZeroStageNetParams(net.hparams);
  Status st = Status::Ok();
  net.params.ForEach([&](const std::string& name, auto& t) {
    if (!st.ok()) return;
    policy_io::TensorRecord rec;
    st = r.Tensor(&rec);
    if (st.ok() && rec.name != name) st = Status::Invalid("tensor " + rec.name + " where " + name + " belongs");
    if (st.ok()) st = policy_io::AssignTensor(rec, IsVector<decltype(t)>(), &t);
    if (st.ok() && !t.allFinite()) st = Status::Invalid("tensor " + name + " holds a non-finite value");
  });
  if (!st.ok()) return bad(st.message());
  if (r.remaining() != 0) return bad("trailing bytes after the last tensor");
  return net;
}

std::string DefaultStageNetPath() { return RESPECT_SOURCE_DIR "/policy/weights/stage_net.rspw"; }

}  // namespace respect
