// The network's layers, forward and hand-written backward, in Eigen.
// Templated on the scalar (float for inference, double for training and the
// finite-difference gradient checks); instantiated for both in layers.cpp.
//
// Backward conventions: parameter gradients (dW, db, dv, ...) and gradients
// into shared inputs (dR) are ACCUMULATED (+=); per-call input gradients
// (dx, dq, dh_prev, ...) are OVERWRITTEN. Pointers may be null where noted.
#pragma once

#include <vector>

#include "policy/tensor.h"

namespace respect {

// ---- Linear over columns: Y = W X + b 1^T.  W [out x in], b [out], X [in x n].
template <class S>
void LinearForward(const PMat<S>& W, const PVec<S>& b, const PMat<S>& X, PMat<S>* Y);
// dX may be null.
template <class S>
void LinearBackward(const PMat<S>& W, const PMat<S>& X, const PMat<S>& dY, PMat<S>* dW,
                    PVec<S>* db, PMat<S>* dX);

// ---- LSTM cell. W is the fused gate matrix [4H x (I+H)] (columns: input x
// then previous hidden h), b [4H]; gate row blocks in order i, f, g, o:
//   [i f g o] = W [x; h_prev] + b
//   c = sigmoid(f) * c_prev + sigmoid(i) * tanh(g),  h = sigmoid(o) * tanh(c).
// The product is split as W[:, :I] x + W[:, I:] h_prev so that the input part
// of a whole sequence can be one matrix-matrix product (`wx` below is
// W[:, :I] x, precomputed by the caller); all four gates come from one product.
template <class S>
struct LstmStepCache {
  PVec<S> x, h_prev, c_prev;  // inputs
  PVec<S> i, f, g, o;         // activated gates
  PVec<S> c, tanh_c;          // new cell and tanh(c)
};

template <class S>
void LstmStepForward(const PMat<S>& W, const PVec<S>& b, const Eigen::Ref<const PVec<S>>& x,
                     const Eigen::Ref<const PVec<S>>& wx, const Eigen::Ref<const PVec<S>>& h_prev,
                     const Eigen::Ref<const PVec<S>>& c_prev, PVec<S>* h, PVec<S>* c,
                     LstmStepCache<S>* cache);
// dh, dc: gradients into this step's h and c. Writes dx, dh_prev, dc_prev
// (each may be null); accumulates dW [4H x (I+H)], db.
template <class S>
void LstmStepBackward(const PMat<S>& W, const LstmStepCache<S>& cache, const PVec<S>& dh,
                      const PVec<S>& dc, PMat<S>* dW, PVec<S>* db, PVec<S>* dx, PVec<S>* dh_prev,
                      PVec<S>* dc_prev);

// ---- LSTM over a sequence (the encoder): X [I x n] -> Hs [H x n] (h_1..h_n),
// from (h0, c0); returns the final (hT, cT) too.
template <class S>
struct LstmSeqCache {
  std::vector<LstmStepCache<S>> steps;
};
// `wx_buffer` (optional) holds W[:, :I] X; pass a reused matrix to avoid
// reallocating it on every call.
template <class S>
void LstmSequenceForward(const PMat<S>& W, const PVec<S>& b, const PMat<S>& X, const PVec<S>& h0,
                         const PVec<S>& c0, PMat<S>* Hs, PVec<S>* hT, PVec<S>* cT,
                         LstmSeqCache<S>* cache, PMat<S>* wx_buffer = nullptr);
// Backpropagation through time. dHs [H x n] = gradient into each output h_t;
// dhT, dcT = extra gradient into the final state. Writes dX [I x n], dh0, dc0
// (each may be null); accumulates dW, db.
template <class S>
void LstmSequenceBackward(const PMat<S>& W, const LstmSeqCache<S>& cache, const PMat<S>& dHs,
                          const PVec<S>& dhT, const PVec<S>& dcT, PMat<S>* dW, PVec<S>* db,
                          PMat<S>* dX, PVec<S>* dh0, PVec<S>* dc0);

// ---- Glimpse attention over the candidate columns idx of R [H x n]
// (R = W_ref E, precomputed once per graph; columns outside idx are masked):
//   u_j = v^T tanh(R[:, idx_j] + Wq q),  a = softmax(u),  g = sum_j a_j R[:, idx_j].
// Wq [H x Hq], v [H], q [Hq]. Output g [H].
template <class S>
struct AttnCache {
  std::vector<int> idx;
  PVec<S> q;
  PMat<S> T;  // [H x m] tanh(R[:, idx_j] + Wq q)
  PVec<S> u;  // [m] scores
  PVec<S> a;  // [m] softmax (glimpse only)
};
template <class S>
void GlimpseForward(const PMat<S>& R, const std::vector<int>& idx, const PVec<S>& q,
                    const PMat<S>& Wq, const PVec<S>& v, PVec<S>* g, AttnCache<S>* cache);
// Accumulates dR (columns idx only), dWq, dv; writes dq.
template <class S>
void GlimpseBackward(const PMat<S>& R, const PMat<S>& Wq, const PVec<S>& v, const AttnCache<S>& cache,
                     const PVec<S>& dg, PMat<S>* dR, PMat<S>* dWq, PVec<S>* dv, PVec<S>* dq);

// ---- Pointer attention with tanh clipping over the candidate columns idx:
//   logit_j = C tanh(v^T tanh(R[:, idx_j] + Wq q))   (C <= 0: no clipping, logit = score)
// Every column not in idx has logit -inf (probability exactly 0); only the
// candidates' logits are returned, logits[j] for column idx[j].
template <class S>
void PointerForward(const PMat<S>& R, const std::vector<int>& idx, const PVec<S>& q,
                    const PMat<S>& Wq, const PVec<S>& v, S clip, PVec<S>* logits, AttnCache<S>* cache);
template <class S>
void PointerBackward(const PMat<S>& R, const PMat<S>& Wq, const PVec<S>& v, S clip,
                     const AttnCache<S>& cache, const PVec<S>& dlogits, PMat<S>* dR, PMat<S>* dWq,
                     PVec<S>* dv, PVec<S>* dq);
// Full-length logits over all n columns, -inf outside idx (for tests/diagnostics).
template <class S>
PVec<S> ScatterMasked(const PVec<S>& cand_logits, const std::vector<int>& idx, int n);

// ---- Log-softmax: logp = z - logsumexp(z) (stable; entries may be -inf).
template <class S>
void LogSoftmaxForward(const PVec<S>& z, PVec<S>* logp);
// dz = dlogp - softmax(z) * sum(dlogp).
template <class S>
void LogSoftmaxBackward(const PVec<S>& logp, const PVec<S>& dlogp, PVec<S>* dz);

}  // namespace respect
