#include "policy/layers.h"

#include <cmath>
#include <limits>

namespace respect {

namespace {

// Shared score computation of glimpse and pointer over the candidate columns:
// u_j = v^T tanh(R[:, idx_j] + Wq q). One fused pass per column into a
// preallocated scratch vector (measured faster than gathering the candidates
// into a block first); stores idx, q, T and u when cache is set.
template <class S>
void Scores(const PMat<S>& R, const std::vector<int>& idx, const PVec<S>& q, const PMat<S>& Wq,
            const PVec<S>& v, PVec<S>* u, AttnCache<S>* cache) {
  const int H = static_cast<int>(R.rows());
  const int m = static_cast<int>(idx.size());
  PVec<S> k;
  k.noalias() = Wq * q;
  u->resize(m);
  if (cache) {
    cache->idx = idx;
    cache->q = q;
    cache->T.resize(H, m);
    for (int j = 0; j < m; ++j) {
      cache->T.col(j) = (R.col(idx[j]) + k).array().tanh().matrix();
      (*u)(j) = v.dot(cache->T.col(j));
    }
    cache->u = *u;
  } else {
    PVec<S> t(H);
    for (int j = 0; j < m; ++j) {
      t.array() = (R.col(idx[j]) + k).array().tanh();
      (*u)(j) = v.dot(t);
    }
  }
}

// Backward of Scores given du: accumulates dR, dWq, dv; writes dq.
template <class S>
void ScoresBackward(const PMat<S>& Wq, const PVec<S>& v, const AttnCache<S>& cache,
                    const PVec<S>& du, PMat<S>* dR, PMat<S>* dWq, PVec<S>* dv, PVec<S>* dq) {
  const int m = static_cast<int>(cache.idx.size());
  if (dv) dv->noalias() += cache.T * du;
  // dPre[:, j] = du_j * v .* (1 - T_j^2)
  PMat<S> dpre = ((S(1) - cache.T.array().square()).colwise() * v.array()).matrix();
  for (int j = 0; j < m; ++j) dpre.col(j) *= du(j);
  PVec<S> dk = dpre.rowwise().sum();
  if (dR) {
    for (int j = 0; j < m; ++j) dR->col(cache.idx[j]) += dpre.col(j);
  }
  if (dWq) dWq->noalias() += dk * cache.q.transpose();
  if (dq) dq->noalias() = Wq.transpose() * dk;
}

}  // namespace

// ---------------------------------------------------------------- Linear
template <class S>
void LinearForward(const PMat<S>& W, const PVec<S>& b, const PMat<S>& X, PMat<S>* Y) {
  Y->noalias() = W * X;
  Y->colwise() += b;
}

template <class S>
void LinearBackward(const PMat<S>& W, const PMat<S>& X, const PMat<S>& dY, PMat<S>* dW,
                    PVec<S>* db, PMat<S>* dX) {
  if (dW) dW->noalias() += dY * X.transpose();
  if (db) *db += dY.rowwise().sum();
  if (dX) dX->noalias() = W.transpose() * dY;
}

// ---------------------------------------------------------------- LSTM cell
template <class S>
void LstmStepForward(const PMat<S>& W, const PVec<S>& b, const Eigen::Ref<const PVec<S>>& x,
                     const Eigen::Ref<const PVec<S>>& wx, const Eigen::Ref<const PVec<S>>& h_prev,
                     const Eigen::Ref<const PVec<S>>& c_prev, PVec<S>* h, PVec<S>* c,
                     LstmStepCache<S>* cache) {
  const int H = static_cast<int>(h_prev.size());
  // All four gates from one product, activated in place: [i f g o].
  PVec<S> gates = wx + b;
  gates.noalias() += W.rightCols(H) * h_prev;
  auto gi = gates.segment(0, H);
  auto gf = gates.segment(H, H);
  auto gg = gates.segment(2 * H, H);
  auto go = gates.segment(3 * H, H);
  gi.array() = S(1) / (S(1) + (-gi.array()).exp());
  gf.array() = S(1) / (S(1) + (-gf.array()).exp());
  gg.array() = gg.array().tanh();
  go.array() = S(1) / (S(1) + (-go.array()).exp());
  PVec<S> cn = (gf.array() * c_prev.array() + gi.array() * gg.array()).matrix();
  if (cache) {
    cache->x = x;
    cache->h_prev = h_prev;
    cache->c_prev = c_prev;
    cache->i = gi;
    cache->f = gf;
    cache->g = gg;
    cache->o = go;
    cache->c = cn;
    cache->tanh_c = cn.array().tanh().matrix();
    *h = (go.array() * cache->tanh_c.array()).matrix();
  } else {
    *h = (go.array() * cn.array().tanh()).matrix();
  }
  *c = std::move(cn);
}

template <class S>
void LstmStepBackward(const PMat<S>& W, const LstmStepCache<S>& k, const PVec<S>& dh,
                      const PVec<S>& dc, PMat<S>* dW, PVec<S>* db, PVec<S>* dx, PVec<S>* dh_prev,
                      PVec<S>* dc_prev) {
  const int H = static_cast<int>(k.h_prev.size());
  const int I = static_cast<int>(k.x.size());
  PVec<S> dgates(4 * H);
  auto o = k.o.array();
  auto i = k.i.array();
  auto f = k.f.array();
  auto g = k.g.array();
  auto tc = k.tanh_c.array();
  dgates.segment(3 * H, H) = (dh.array() * tc * o * (S(1) - o)).matrix();
  PVec<S> dct = (dc.array() + dh.array() * o * (S(1) - tc.square())).matrix();
  dgates.segment(0, H) = (dct.array() * g * i * (S(1) - i)).matrix();
  dgates.segment(H, H) = (dct.array() * k.c_prev.array() * f * (S(1) - f)).matrix();
  dgates.segment(2 * H, H) = (dct.array() * i * (S(1) - g.square())).matrix();
  if (dW) {
    dW->leftCols(I).noalias() += dgates * k.x.transpose();
    dW->rightCols(H).noalias() += dgates * k.h_prev.transpose();
  }
  if (db) *db += dgates;
  if (dx) dx->noalias() = W.leftCols(I).transpose() * dgates;
  if (dh_prev) dh_prev->noalias() = W.rightCols(H).transpose() * dgates;
  if (dc_prev) *dc_prev = (dct.array() * f).matrix();
}

// ---------------------------------------------------------------- LSTM sequence
template <class S>
void LstmSequenceForward(const PMat<S>& W, const PVec<S>& b, const PMat<S>& X, const PVec<S>& h0,
                         const PVec<S>& c0, PMat<S>* Hs, PVec<S>* hT, PVec<S>* cT,
                         LstmSeqCache<S>* cache, PMat<S>* wx_buffer) {
  const int H = static_cast<int>(h0.size());
  const int I = static_cast<int>(X.rows());
  const int n = static_cast<int>(X.cols());
  PMat<S> local;
  PMat<S>& WX = wx_buffer ? *wx_buffer : local;
  WX.noalias() = W.leftCols(I) * X;  // input part of every step in one product
  Hs->resize(H, n);
  PVec<S> h = h0, c = c0, hn, cn;
  if (cache) cache->steps.assign(n, LstmStepCache<S>());
  for (int t = 0; t < n; ++t) {
    LstmStepForward<S>(W, b, X.col(t), WX.col(t), h, c, &hn, &cn, cache ? &cache->steps[t] : nullptr);
    Hs->col(t) = hn;
    h.swap(hn);
    c.swap(cn);
  }
  if (hT) *hT = h;
  if (cT) *cT = c;
}

template <class S>
void LstmSequenceBackward(const PMat<S>& W, const LstmSeqCache<S>& cache, const PMat<S>& dHs,
                          const PVec<S>& dhT, const PVec<S>& dcT, PMat<S>* dW, PVec<S>* db,
                          PMat<S>* dX, PVec<S>* dh0, PVec<S>* dc0) {
  const int n = static_cast<int>(cache.steps.size());
  const int I = n > 0 ? static_cast<int>(cache.steps[0].x.size()) : 0;
  if (dX) dX->setZero(I, n);
  PVec<S> dh_next = dhT, dc_next = dcT, dx, dhp, dcp;
  for (int t = n - 1; t >= 0; --t) {
    PVec<S> dh = dHs.col(t) + dh_next;
    LstmStepBackward<S>(W, cache.steps[t], dh, dc_next, dW, db, dX ? &dx : nullptr, &dhp, &dcp);
    if (dX) dX->col(t) = dx;
    dh_next.swap(dhp);
    dc_next.swap(dcp);
  }
  if (dh0) *dh0 = dh_next;
  if (dc0) *dc0 = dc_next;
}

// ---------------------------------------------------------------- Glimpse
template <class S>
void GlimpseForward(const PMat<S>& R, const std::vector<int>& idx, const PVec<S>& q,
                    const PMat<S>& Wq, const PVec<S>& v, PVec<S>* g, AttnCache<S>* cache) {
  PVec<S> u;
  Scores<S>(R, idx, q, Wq, v, &u, cache);
  PVec<S> a = (u.array() - u.maxCoeff()).exp().matrix();
  a /= a.sum();
  g->setZero(R.rows());
  for (size_t j = 0; j < idx.size(); ++j) g->noalias() += a(static_cast<Eigen::Index>(j)) * R.col(idx[j]);
  if (cache) cache->a = a;
}

template <class S>
void GlimpseBackward(const PMat<S>& R, const PMat<S>& Wq, const PVec<S>& v, const AttnCache<S>& cache,
                     const PVec<S>& dg, PMat<S>* dR, PMat<S>* dWq, PVec<S>* dv, PVec<S>* dq) {
  const int m = static_cast<int>(cache.idx.size());
  PVec<S> da(m);
  for (int j = 0; j < m; ++j) {
    da(j) = R.col(cache.idx[j]).dot(dg);
    if (dR) dR->col(cache.idx[j]).noalias() += cache.a(j) * dg;
  }
  const S s = cache.a.dot(da);
  PVec<S> du = (cache.a.array() * (da.array() - s)).matrix();
  ScoresBackward<S>(Wq, v, cache, du, dR, dWq, dv, dq);
}

// ---------------------------------------------------------------- Pointer
template <class S>
void PointerForward(const PMat<S>& R, const std::vector<int>& idx, const PVec<S>& q,
                    const PMat<S>& Wq, const PVec<S>& v, S clip, PVec<S>* logits, AttnCache<S>* cache) {
  PVec<S> u;
  Scores<S>(R, idx, q, Wq, v, &u, cache);
  if (clip > 0) {
    *logits = (clip * u.array().tanh()).matrix();
  } else {
    *logits = std::move(u);
  }
}

template <class S>
void PointerBackward(const PMat<S>& R, const PMat<S>& Wq, const PVec<S>& v, S clip,
                     const AttnCache<S>& cache, const PVec<S>& dlogits, PMat<S>* dR, PMat<S>* dWq,
                     PVec<S>* dv, PVec<S>* dq) {
  PVec<S> du;
  if (clip > 0) {
    du = (dlogits.array() * clip * (S(1) - cache.u.array().tanh().square())).matrix();
  } else {
    du = dlogits;
  }
  ScoresBackward<S>(Wq, v, cache, du, dR, dWq, dv, dq);
}

template <class S>
PVec<S> ScatterMasked(const PVec<S>& cand_logits, const std::vector<int>& idx, int n) {
  PVec<S> full = PVec<S>::Constant(n, -std::numeric_limits<S>::infinity());
  for (size_t j = 0; j < idx.size(); ++j) full(idx[j]) = cand_logits(static_cast<int>(j));
  return full;
}

// ---------------------------------------------------------------- Log-softmax
template <class S>
void LogSoftmaxForward(const PVec<S>& z, PVec<S>* logp) {
  const S m = z.maxCoeff();
  const S lse = m + std::log((z.array() - m).exp().sum());
  *logp = (z.array() - lse).matrix();
}

template <class S>
void LogSoftmaxBackward(const PVec<S>& logp, const PVec<S>& dlogp, PVec<S>* dz) {
  const S s = dlogp.sum();
  *dz = (dlogp.array() - logp.array().exp() * s).matrix();
}

// ---------------------------------------------------------------- instantiation
#define RESPECT_LAYERS_INSTANTIATE(S)                                                              \
  template void LinearForward<S>(const PMat<S>&, const PVec<S>&, const PMat<S>&, PMat<S>*);        \
  template void LinearBackward<S>(const PMat<S>&, const PMat<S>&, const PMat<S>&, PMat<S>*,        \
                                  PVec<S>*, PMat<S>*);                                             \
  template void LstmStepForward<S>(const PMat<S>&, const PVec<S>&,                                 \
                                   const Eigen::Ref<const PVec<S>>&,                               \
                                   const Eigen::Ref<const PVec<S>>&,                               \
                                   const Eigen::Ref<const PVec<S>>&,                               \
                                   const Eigen::Ref<const PVec<S>>&, PVec<S>*, PVec<S>*,           \
                                   LstmStepCache<S>*);                                             \
  template void LstmStepBackward<S>(const PMat<S>&, const LstmStepCache<S>&, const PVec<S>&,       \
                                    const PVec<S>&, PMat<S>*, PVec<S>*, PVec<S>*, PVec<S>*,        \
                                    PVec<S>*);                                                     \
  template void LstmSequenceForward<S>(const PMat<S>&, const PVec<S>&, const PMat<S>&,             \
                                       const PVec<S>&, const PVec<S>&, PMat<S>*, PVec<S>*,         \
                                       PVec<S>*, LstmSeqCache<S>*, PMat<S>*);                      \
  template void LstmSequenceBackward<S>(const PMat<S>&, const LstmSeqCache<S>&, const PMat<S>&,    \
                                        const PVec<S>&, const PVec<S>&, PMat<S>*, PVec<S>*,        \
                                        PMat<S>*, PVec<S>*, PVec<S>*);                             \
  template void GlimpseForward<S>(const PMat<S>&, const std::vector<int>&, const PVec<S>&,         \
                                  const PMat<S>&, const PVec<S>&, PVec<S>*, AttnCache<S>*);        \
  template void GlimpseBackward<S>(const PMat<S>&, const PMat<S>&, const PVec<S>&,                 \
                                   const AttnCache<S>&, const PVec<S>&, PMat<S>*, PMat<S>*,        \
                                   PVec<S>*, PVec<S>*);                                            \
  template void PointerForward<S>(const PMat<S>&, const std::vector<int>&, const PVec<S>&,         \
                                  const PMat<S>&, const PVec<S>&, S, PVec<S>*, AttnCache<S>*);     \
  template void PointerBackward<S>(const PMat<S>&, const PMat<S>&, const PVec<S>&, S,              \
                                   const AttnCache<S>&, const PVec<S>&, PMat<S>*, PMat<S>*,        \
                                   PVec<S>*, PVec<S>*);                                            \
  template PVec<S> ScatterMasked<S>(const PVec<S>&, const std::vector<int>&, int);                 \
  template void LogSoftmaxForward<S>(const PVec<S>&, PVec<S>*);                                    \
  template void LogSoftmaxBackward<S>(const PVec<S>&, const PVec<S>&, PVec<S>*);

RESPECT_LAYERS_INSTANTIATE(float)
RESPECT_LAYERS_INSTANTIATE(double)

}  // namespace respect
