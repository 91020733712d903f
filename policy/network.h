// The pointer network (docs/design.md "Learned policy"): a linear embedding of the
// node features, an LSTM encoder over the nodes in input order, an LSTM
// decoder whose every step runs a glimpse attention and a pointer attention
// with tanh clipping, and masks that make every decode a topological order.
//
// Shapes (F = kFeatureDim = 28, E = embed, H = hidden, n = |V|):
//   emb_w        [E x F]        emb_b       [E]       Z = emb_w X + emb_b
//   enc_w        [4H x (E+H)]   enc_b       [4H]      encoder LSTM, gates i,f,g,o
//   dec_w        [4H x (E+H)]   dec_b       [4H]      decoder LSTM, gates i,f,g,o
//   dec_start    [E]                                  decoder input at step 0
//   glimpse_ref  [H x H]  glimpse_q [H x H]  glimpse_v [H]
//   pointer_ref  [H x H]  pointer_q [H x H]  pointer_v [H]
//   dyn_w        [D]            D = kDynamicDim, weights of the step features
//
// Forward for one graph:
//   E_enc = LSTM_enc(Z) (h_0 = c_0 = 0), columns e_1..e_n.
//   Rg = glimpse_ref E_enc, Rp = pointer_ref E_enc  (computed once per graph)
//   decoder state starts at the encoder's final (h_n, c_n); input y_0 = dec_start,
//   y_t = Z[:, a_{t-1}] (the embedding of the node emitted last).
//   step t: (h, c) = LSTM_dec(y_t, h, c); q = h
//     glimpse: u_j = glimpse_v^T tanh(Rg_j + glimpse_q q), a = softmax(u over G_t),
//              g = sum_j a_j Rg_j
//     pointer: l_j = C tanh(pointer_v^T tanh(Rp_j + pointer_q g)) + dyn_w^T d_j
//              for j in ready_t, -inf elsewhere; log p = log_softmax(l)
//   d_j (only with hparams.dynamic; else the term is absent) are the step
//   features of ready column j, recomputed at every step from the decoder's
//   masks (what attention over static encodings cannot see cheaply):
//     0  1 if j is a child of the column emitted last (keeps a branch going)
//     1  1 if j shares a parent with the column emitted last (a sibling)
//     2  live-tensor change if j is emitted next, / max output bytes: j's own
//        output (if it has children) minus the outputs of the parents whose
//        last pending child is j. The crossing of a cut is the live bytes,
//        so this is what emitting j does to every later cut's price.
//     3  1 / (1 + steps since j became ready) (fresh nodes first = depth-first)
//     4  1 if j is the first column not yet emitted, i.e. the node the input
//        order itself would emit next (for Keras and TFLite graphs, the model's
//        own layer order: the policy can follow it and depart where it pays)
//   ready_t = columns not yet emitted whose parents have all been emitted (so
//   visited nodes and nodes with a pending parent are masked). G_t (the glimpse
//   mask) is ready_t (GlimpseMask::kReady) or every column not yet emitted
//   (GlimpseMask::kUnvisited).
//
// Everything here is templated on the scalar (float: inference, double:
// training and gradient checks) and instantiated for both in network.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"
#include "policy/features.h"
#include "policy/layers.h"
#include "policy/tensor.h"

namespace respect {

enum class GlimpseMask { kReady = 0, kUnvisited = 1 };

inline constexpr int kDynamicDim = 5;

struct PolicyHParams {
  int feature_dim = kFeatureDim;   // must equal kFeatureDim
  int embed = 64;                  // E
  int hidden = 64;                 // H
  double tanh_clip = 10.0;         // C; <= 0 disables clipping
  GlimpseMask glimpse_mask = GlimpseMask::kReady;  // default: same mask as the pointer
  FeatureSet features = FeatureSet::kFull;
  bool dynamic = true;             // the step features d_j in the pointer logits

  bool operator==(const PolicyHParams& o) const {
    return feature_dim == o.feature_dim && embed == o.embed && hidden == o.hidden &&
           tanh_clip == o.tanh_clip && glimpse_mask == o.glimpse_mask && features == o.features &&
           dynamic == o.dynamic;
  }
};

// One-line Invalid for sizes out of range (embed/hidden in 1..4096, feature_dim
// == kFeatureDim, finite clip, known enums).
Status ValidateHParams(const PolicyHParams& hp);

template <class S>
struct PolicyParams {
  PMat<S> emb_w;
  PVec<S> emb_b;
  PMat<S> enc_w;
  PVec<S> enc_b;
  PMat<S> dec_w;
  PVec<S> dec_b;
  PVec<S> dec_start;
  PMat<S> glimpse_ref, glimpse_q;
  PVec<S> glimpse_v;
  PMat<S> pointer_ref, pointer_q;
  PVec<S> pointer_v;
  PVec<S> dyn_w;

  // Visits every tensor with its stable name (the weights-file names), in a
  // fixed order: f(const char* name, Tensor& t) where Tensor is PMat<S> or PVec<S>.
  template <class F>
  void ForEach(F&& f) {
    f("emb_w", emb_w); f("emb_b", emb_b);
    f("enc_w", enc_w); f("enc_b", enc_b);
    f("dec_w", dec_w); f("dec_b", dec_b); f("dec_start", dec_start);
    f("glimpse_ref", glimpse_ref); f("glimpse_q", glimpse_q); f("glimpse_v", glimpse_v);
    f("pointer_ref", pointer_ref); f("pointer_q", pointer_q); f("pointer_v", pointer_v);
    f("dyn_w", dyn_w);
  }
  template <class F>
  void ForEach(F&& f) const {
    const_cast<PolicyParams*>(this)->ForEach([&](const char* name, auto& t) {
      f(name, static_cast<const std::decay_t<decltype(t)>&>(t));
    });
  }
  int64_t NumParams() const {
    int64_t k = 0;
    ForEach([&](const char*, const auto& t) { k += t.size(); });
    return k;
  }
  void SetZero() {
    ForEach([](const char*, auto& t) { t.setZero(); });
  }
};

// All-zero tensors of the right shapes.
template <class S>
PolicyParams<S> ZeroParams(const PolicyHParams& hp);
// Random init from a seed (PolicyRng): uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)),
// forget-gate biases 1. Identical on every platform.
PolicyParams<double> InitParams(const PolicyHParams& hp, uint64_t seed);
template <class To, class From>
PolicyParams<To> CastParams(const PolicyParams<From>& p);
// Invalid naming the first tensor whose shape differs from `hp`'s.
template <class S>
Status CheckShapes(const PolicyHParams& hp, const PolicyParams<S>& p);

// ---- Per-graph encoding (everything before the decoder loop).
template <class S>
struct Encoding {
  int n = 0;
  std::vector<int> order;                  // column -> node index (topo order)
  std::vector<int> pos;                    // node index -> column
  std::vector<std::vector<int>> children;  // in columns
  std::vector<int> num_parents;            // per column
  std::vector<std::vector<int>> parents;   // in columns
  std::vector<S> out_rel;                  // per column: output_bytes / max output_bytes
  PMat<S> x;         // [F x n] features
  PMat<S> z;         // [E x n] embeddings
  PMat<S> e;         // [H x n] encoder outputs
  PMat<S> rg, rp;    // [H x n] glimpse_ref e, pointer_ref e
  PMat<S> dec_wx;    // [4H x n] dec_w[:, :E] z (decoder input part, per column)
  PVec<S> start_wx;  // [4H]     dec_w[:, :E] dec_start
  PVec<S> h, c;      // encoder final state
  LstmSeqCache<S> enc_cache;  // filled only when encoded with keep_cache
  // Workspace: re-encoding a same-sized graph into the same Encoding reuses
  // all storage (no allocation, no page faults on large graphs).
  NodeFeatures features;
  PMat<S> enc_wx;
};

template <class S>
Status Encode(const PolicyHParams& hp, const PolicyParams<S>& p, const Graph& g, bool keep_cache,
              Encoding<S>* enc);
// Same from precomputed features (the columns of f.x in f.order).
template <class S>
Status EncodeFeatures(const PolicyHParams& hp, const PolicyParams<S>& p, const Graph& g,
                      const NodeFeatures& f, bool keep_cache, Encoding<S>* enc);

// ---- Decoder.
template <class S>
struct DecoderState {
  PVec<S> h, c;
  int last = -1;                    // column emitted last; -1 = start token
  std::vector<int> remaining;       // per column: parents not yet emitted
  std::vector<int> ready;           // columns that may be emitted now, ascending
  std::vector<int> unvisited;       // columns not yet emitted (any order)
  std::vector<int> unvisited_slot;  // column -> index in unvisited, -1 once emitted
  std::vector<int> emitted;         // columns in emission order
  std::vector<int> pending_children;  // per column: children not yet emitted
  std::vector<int> ready_step;        // per column: step at which it became ready
  int next_in_order = 0;              // the first column not yet emitted
  double log_prob = 0.0;            // sum of log-probs of the emitted columns
};

template <class S>
struct StepTape {
  int input = -1;            // decoder input column (-1: dec_start)
  LstmStepCache<S> lstm;
  AttnCache<S> glimpse, pointer;
  PVec<S> logp;              // over pointer.idx (= ready set)
  PMat<S> dyn;               // [D x |ready|] step features (hparams.dynamic)
  int choice = -1;           // index into pointer.idx
};

template <class S>
DecoderState<S> InitialState(const Encoding<S>& enc);

// One decoder step from *st: updates st->h, st->c and returns log-probs over
// st->ready (logp[j] for column st->ready[j]). Records into tape if non-null.
template <class S>
void DecoderStep(const PolicyHParams& hp, const PolicyParams<S>& p, const Encoding<S>& enc,
                 DecoderState<S>* st, PVec<S>* logp, StepTape<S>* tape);

// The step features d_j of every ready column (network.h top), [D x |ready|].
template <class S>
void StepFeatures(const Encoding<S>& enc, const DecoderState<S>& st, PMat<S>* d);

// Emits st->ready[k] (whose log-prob is logp_k): updates masks and log_prob.
template <class S>
void Emit(const Encoding<S>& enc, DecoderState<S>* st, int k, double logp_k);

// ---- Episodes (training): a full decode recorded for backward.
template <class S>
struct Episode {
  Encoding<S> enc;
  std::vector<StepTape<S>> steps;
  std::vector<int> order;  // emitted node indices
  double log_prob = 0.0;   // sum_t log p(a_t)
};

// Picks k in [0, ready.size()) given log-probs over the ready columns.
template <class S>
using Chooser = std::function<int(const PVec<S>& logp, const DecoderState<S>& st)>;

// Runs a whole decode choosing with `choose`; records the tape when
// `record`. Fails (Invalid) if the chooser returns an out-of-range index.
template <class S>
Status RunEpisode(const PolicyHParams& hp, const PolicyParams<S>& p, const Graph& g,
                  const Chooser<S>& choose, bool record, Episode<S>* ep);

// Teacher forcing: the log-prob of a given topological order (node indices).
// Invalid if `order` is not a topological order of g.
template <class S>
Status ForcedEpisode(const PolicyHParams& hp, const PolicyParams<S>& p, const Graph& g,
                     const std::vector<int>& order, bool record, Episode<S>* ep);

// Accumulates weight * d(sum_t log p(a_t)) / d(theta) into *grads (which must
// have the shapes of p). The episode must have been recorded.
template <class S>
void EpisodeBackward(const PolicyHParams& hp, const PolicyParams<S>& p, const Episode<S>& ep,
                     S weight, PolicyParams<S>* grads);

}  // namespace respect
