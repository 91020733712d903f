#include "policy/network.h"

#include <algorithm>
#include <cmath>

#include "policy/rng.h"

namespace respect {

Status ValidateHParams(const PolicyHParams& hp) {
  if (hp.feature_dim != kFeatureDim) {
    return Status::Invalid("policy feature_dim " + std::to_string(hp.feature_dim) +
                           " != " + std::to_string(kFeatureDim) + " (this build's features)");
  }
  if (hp.embed < 1 || hp.embed > 4096) {
    return Status::Invalid("policy embed size " + std::to_string(hp.embed) + " not in 1..4096");
  }
  if (hp.hidden < 1 || hp.hidden > 4096) {
    return Status::Invalid("policy hidden size " + std::to_string(hp.hidden) + " not in 1..4096");
  }
  if (!std::isfinite(hp.tanh_clip)) return Status::Invalid("policy tanh_clip is not finite");
  if (hp.glimpse_mask != GlimpseMask::kReady && hp.glimpse_mask != GlimpseMask::kUnvisited) {
    return Status::Invalid("policy glimpse_mask unknown");
  }
  if (hp.features != FeatureSet::kPaper && hp.features != FeatureSet::kFull) {
    return Status::Invalid("policy feature set unknown");
  }
  return Status::Ok();
}

template <class S>
PolicyParams<S> ZeroParams(const PolicyHParams& hp) {
  const int F = hp.feature_dim, E = hp.embed, H = hp.hidden;
  PolicyParams<S> p;
  p.emb_w.setZero(E, F);
  p.emb_b.setZero(E);
  p.enc_w.setZero(4 * H, E + H);
  p.enc_b.setZero(4 * H);
  p.dec_w.setZero(4 * H, E + H);
  p.dec_b.setZero(4 * H);
  p.dec_start.setZero(E);
  p.glimpse_ref.setZero(H, H);
  p.glimpse_q.setZero(H, H);
  p.glimpse_v.setZero(H);
  p.pointer_ref.setZero(H, H);
  p.pointer_q.setZero(H, H);
  p.pointer_v.setZero(H);
  p.dyn_w.setZero(kDynamicDim);
  return p;
}

PolicyParams<double> InitParams(const PolicyHParams& hp, uint64_t seed) {
  PolicyParams<double> p = ZeroParams<double>(hp);
  PolicyRng rng(seed);
  const int H = hp.hidden;
  auto fill = [&](auto& t, double fan_in) {
    const double a = 1.0 / std::sqrt(std::max(1.0, fan_in));
    for (Eigen::Index c = 0; c < t.cols(); ++c) {
      for (Eigen::Index r = 0; r < t.rows(); ++r) t(r, c) = rng.Uniform(-a, a);
    }
  };
  fill(p.emb_w, hp.feature_dim);
  fill(p.emb_b, hp.feature_dim);
  fill(p.enc_w, H);
  fill(p.enc_b, H);
  fill(p.dec_w, H);
  fill(p.dec_b, H);
  fill(p.dec_start, hp.embed);
  fill(p.glimpse_ref, H);
  fill(p.glimpse_q, H);
  fill(p.glimpse_v, H);
  fill(p.pointer_ref, H);
  fill(p.pointer_q, H);
  fill(p.pointer_v, H);
  fill(p.dyn_w, kDynamicDim);
  p.enc_b.segment(H, H).array() += 1.0;  // forget gate
  p.dec_b.segment(H, H).array() += 1.0;
  return p;
}

template <class To, class From>
PolicyParams<To> CastParams(const PolicyParams<From>& p) {
  PolicyParams<To> q;
  q.emb_w = p.emb_w.template cast<To>();
  q.emb_b = p.emb_b.template cast<To>();
  q.enc_w = p.enc_w.template cast<To>();
  q.enc_b = p.enc_b.template cast<To>();
  q.dec_w = p.dec_w.template cast<To>();
  q.dec_b = p.dec_b.template cast<To>();
  q.dec_start = p.dec_start.template cast<To>();
  q.glimpse_ref = p.glimpse_ref.template cast<To>();
  q.glimpse_q = p.glimpse_q.template cast<To>();
  q.glimpse_v = p.glimpse_v.template cast<To>();
  q.pointer_ref = p.pointer_ref.template cast<To>();
  q.pointer_q = p.pointer_q.template cast<To>();
  q.pointer_v = p.pointer_v.template cast<To>();
  q.dyn_w = p.dyn_w.template cast<To>();
  return q;
}

template <class S>
Status CheckShapes(const PolicyHParams& hp, const PolicyParams<S>& p) {
  RESPECT_RETURN_IF_ERROR(ValidateHParams(hp));
  const PolicyParams<S> want = ZeroParams<S>(hp);
  std::vector<std::pair<Eigen::Index, Eigen::Index>> shapes;
  want.ForEach([&](const char*, const auto& t) { shapes.emplace_back(t.rows(), t.cols()); });
  size_t i = 0;
  Status st;
  p.ForEach([&](const char* name, const auto& t) {
    if (st.ok() && (t.rows() != shapes[i].first || t.cols() != shapes[i].second)) {
      st = Status::Invalid("policy tensor " + std::string(name) + " has shape " +
                           std::to_string(t.rows()) + "x" + std::to_string(t.cols()) +
                           ", expected " + std::to_string(shapes[i].first) + "x" +
                           std::to_string(shapes[i].second));
    }
    ++i;
  });
  return st;
}

template <class S>
Status EncodeFeatures(const PolicyHParams& hp, const PolicyParams<S>& p, const Graph& g,
                      const NodeFeatures& f, bool keep_cache, Encoding<S>* enc) {
  const int n = g.size();
  if (n == 0) return Status::Invalid("policy: empty graph");
  if (static_cast<int>(f.order.size()) != n || f.x.cols() != n || f.x.rows() != hp.feature_dim) {
    return Status::Invalid("policy: features do not match the graph");
  }
  const int H = hp.hidden, E = hp.embed;
  enc->n = n;
  enc->order = f.order;
  enc->pos.assign(n, -1);
  for (int j = 0; j < n; ++j) enc->pos[f.order[j]] = j;
  enc->children.resize(n);
  for (auto& c : enc->children) c.clear();
  enc->parents.resize(n);
  for (auto& c : enc->parents) c.clear();
  enc->num_parents.assign(n, 0);
  enc->out_rel.assign(n, S(0));
  int64_t max_out = 0;
  for (int v = 0; v < n; ++v) max_out = std::max(max_out, g.node(v).output_bytes);
  for (int j = 0; j < n; ++j) {
    const int v = f.order[j];
    for (int w : g.children(v)) enc->children[j].push_back(enc->pos[w]);
    for (int u : g.parents(v)) enc->parents[j].push_back(enc->pos[u]);
    enc->num_parents[j] = static_cast<int>(g.parents(v).size());
    if (max_out > 0) enc->out_rel[j] = static_cast<S>(static_cast<double>(g.node(v).output_bytes) / max_out);
  }
  enc->x = f.x.cast<S>();
  LinearForward<S>(p.emb_w, p.emb_b, enc->x, &enc->z);
  const PVec<S> zero = PVec<S>::Zero(H);
  LstmSequenceForward<S>(p.enc_w, p.enc_b, enc->z, zero, zero, &enc->e, &enc->h, &enc->c,
                         keep_cache ? &enc->enc_cache : nullptr, &enc->enc_wx);
  if (!keep_cache) enc->enc_cache.steps.clear();
  enc->rg.noalias() = p.glimpse_ref * enc->e;
  enc->rp.noalias() = p.pointer_ref * enc->e;
  enc->dec_wx.noalias() = p.dec_w.leftCols(E) * enc->z;
  enc->start_wx.noalias() = p.dec_w.leftCols(E) * p.dec_start;
  return Status::Ok();
}

template <class S>
Status Encode(const PolicyHParams& hp, const PolicyParams<S>& p, const Graph& g, bool keep_cache,
              Encoding<S>* enc) {
  RESPECT_RETURN_IF_ERROR(ValidateHParams(hp));
  ComputeFeaturesInto(g, hp.features, &enc->features);
  return EncodeFeatures<S>(hp, p, g, enc->features, keep_cache, enc);
}

template <class S>
DecoderState<S> InitialState(const Encoding<S>& enc) {
  DecoderState<S> st;
  st.h = enc.h;
  st.c = enc.c;
  st.remaining = enc.num_parents;
  st.unvisited.resize(enc.n);
  st.unvisited_slot.resize(enc.n);
  for (int j = 0; j < enc.n; ++j) {
    st.unvisited[j] = j;
    st.unvisited_slot[j] = j;
    if (enc.num_parents[j] == 0) st.ready.push_back(j);
  }
  st.emitted.reserve(enc.n);
  st.ready_step.assign(enc.n, 0);
  st.pending_children.resize(enc.n);
  for (int j = 0; j < enc.n; ++j) st.pending_children[j] = static_cast<int>(enc.children[j].size());
  return st;
}

template <class S>
void DecoderStep(const PolicyHParams& hp, const PolicyParams<S>& p, const Encoding<S>& enc,
                 DecoderState<S>* st, PVec<S>* logp, StepTape<S>* tape) {
  PVec<S> h, c;
  if (st->last < 0) {
    LstmStepForward<S>(p.dec_w, p.dec_b, p.dec_start, enc.start_wx, st->h, st->c, &h, &c,
                       tape ? &tape->lstm : nullptr);
  } else {
    LstmStepForward<S>(p.dec_w, p.dec_b, enc.z.col(st->last), enc.dec_wx.col(st->last), st->h,
                       st->c, &h, &c, tape ? &tape->lstm : nullptr);
  }
  st->h.swap(h);
  st->c.swap(c);
  const std::vector<int>& gidx = hp.glimpse_mask == GlimpseMask::kReady ? st->ready : st->unvisited;
  PVec<S> g, logits;
  GlimpseForward<S>(enc.rg, gidx, st->h, p.glimpse_q, p.glimpse_v, &g, tape ? &tape->glimpse : nullptr);
  PointerForward<S>(enc.rp, st->ready, g, p.pointer_q, p.pointer_v, static_cast<S>(hp.tanh_clip),
                    &logits, tape ? &tape->pointer : nullptr);
  if (hp.dynamic) {
    PMat<S> local;
    PMat<S>& d = tape ? tape->dyn : local;
    StepFeatures(enc, *st, &d);
    logits.noalias() += d.transpose() * p.dyn_w;
  }
  LogSoftmaxForward<S>(logits, logp);
  if (tape) {
    tape->input = st->last;
    tape->logp = *logp;
  }
}

template <class S>
void StepFeatures(const Encoding<S>& enc, const DecoderState<S>& st, PMat<S>* d) {
  const int m = static_cast<int>(st.ready.size());
  d->setZero(kDynamicDim, m);
  const int t = static_cast<int>(st.emitted.size());
  const int last = st.last;
  for (int k = 0; k < m; ++k) {
    const int j = st.ready[k];
    S child_of_last = 0, sibling = 0;
    S delta = enc.children[j].empty() ? S(0) : enc.out_rel[j];
    for (int u : enc.parents[j]) {
      if (u == last) child_of_last = 1;
      if (st.pending_children[u] == 1) delta -= enc.out_rel[u];  // j is u's last pending child
    }
    if (last >= 0 && child_of_last == 0) {
      for (int u : enc.parents[j]) {
        for (int w : enc.parents[last]) sibling = (u == w) ? S(1) : sibling;
      }
    }
    (*d)(0, k) = child_of_last;
    (*d)(1, k) = sibling;
    (*d)(2, k) = delta;
    (*d)(3, k) = S(1) / S(1 + t - st.ready_step[j]);
    (*d)(4, k) = j == st.next_in_order ? S(1) : S(0);
  }
}

template <class S>
void Emit(const Encoding<S>& enc, DecoderState<S>* st, int k, double logp_k) {
  const int col = st->ready[k];
  st->ready.erase(st->ready.begin() + k);
  const int slot = st->unvisited_slot[col];
  const int moved = st->unvisited.back();
  st->unvisited[slot] = moved;
  st->unvisited_slot[moved] = slot;
  st->unvisited.pop_back();
  st->unvisited_slot[col] = -1;
  for (int ch : enc.children[col]) {
    if (--st->remaining[ch] == 0) {
      st->ready.insert(std::lower_bound(st->ready.begin(), st->ready.end(), ch), ch);
      st->ready_step[ch] = static_cast<int>(st->emitted.size()) + 1;
    }
  }
  for (int u : enc.parents[col]) --st->pending_children[u];
  while (st->next_in_order < enc.n && st->unvisited_slot[st->next_in_order] < 0) ++st->next_in_order;
  st->emitted.push_back(col);
  st->last = col;
  st->log_prob += logp_k;
}

template <class S>
Status RunEpisode(const PolicyHParams& hp, const PolicyParams<S>& p, const Graph& g,
                  const Chooser<S>& choose, bool record, Episode<S>* ep) {
  ep->steps.clear();
  ep->order.clear();
  RESPECT_RETURN_IF_ERROR(Encode<S>(hp, p, g, record, &ep->enc));
  const Encoding<S>& enc = ep->enc;
  DecoderState<S> st = InitialState(enc);
  if (record) ep->steps.reserve(enc.n);
  PVec<S> logp;
  for (int t = 0; t < enc.n; ++t) {
    if (st.ready.empty()) return Status::Internal("policy: no ready node at step " + std::to_string(t));
    StepTape<S>* tape = record ? &ep->steps.emplace_back() : nullptr;
    DecoderStep<S>(hp, p, enc, &st, &logp, tape);
    const int k = choose(logp, st);
    if (k < 0 || k >= static_cast<int>(st.ready.size())) {
      return Status::Invalid("policy: chooser picked " + std::to_string(k) + " of " +
                             std::to_string(st.ready.size()) + " ready nodes");
    }
    if (tape) tape->choice = k;
    Emit(enc, &st, k, static_cast<double>(logp(k)));
  }
  ep->order.resize(enc.n);
  for (int t = 0; t < enc.n; ++t) ep->order[t] = enc.order[st.emitted[t]];
  ep->log_prob = st.log_prob;
  return Status::Ok();
}

template <class S>
Status ForcedEpisode(const PolicyHParams& hp, const PolicyParams<S>& p, const Graph& g,
                     const std::vector<int>& order, bool record, Episode<S>* ep) {
  if (!g.IsTopologicalOrder(order)) {
    return Status::Invalid("policy: forced order is not a topological order of graph " + g.name());
  }
  Chooser<S> choose = [&](const PVec<S>&, const DecoderState<S>& st) {
    const int want = ep->enc.pos[order[st.emitted.size()]];
    for (size_t k = 0; k < st.ready.size(); ++k) {
      if (st.ready[k] == want) return static_cast<int>(k);
    }
    return -1;
  };
  return RunEpisode<S>(hp, p, g, choose, record, ep);
}

template <class S>
void EpisodeBackward(const PolicyHParams& hp, const PolicyParams<S>& p, const Episode<S>& ep,
                     S weight, PolicyParams<S>* grads) {
  const Encoding<S>& enc = ep.enc;
  const int n = enc.n, H = hp.hidden, E = hp.embed;
  const S clip = static_cast<S>(hp.tanh_clip);
  PMat<S> dRg = PMat<S>::Zero(H, n), dRp = PMat<S>::Zero(H, n), dZ = PMat<S>::Zero(E, n);
  PVec<S> dh_next = PVec<S>::Zero(H), dc_next = PVec<S>::Zero(H);
  PVec<S> dlogp, dlogits, dg, dq, dh, dx, dhp, dcp;
  for (int t = static_cast<int>(ep.steps.size()) - 1; t >= 0; --t) {
    const StepTape<S>& s = ep.steps[t];
    dlogp.setZero(s.logp.size());
    dlogp(s.choice) = weight;
    LogSoftmaxBackward<S>(s.logp, dlogp, &dlogits);
    if (hp.dynamic) grads->dyn_w.noalias() += s.dyn * dlogits;
    PointerBackward<S>(enc.rp, p.pointer_q, p.pointer_v, clip, s.pointer, dlogits, &dRp,
                       &grads->pointer_q, &grads->pointer_v, &dg);
    GlimpseBackward<S>(enc.rg, p.glimpse_q, p.glimpse_v, s.glimpse, dg, &dRg, &grads->glimpse_q,
                       &grads->glimpse_v, &dq);
    dh = dq + dh_next;
    LstmStepBackward<S>(p.dec_w, s.lstm, dh, dc_next, &grads->dec_w, &grads->dec_b, &dx, &dhp, &dcp);
    if (s.input < 0) {
      grads->dec_start += dx;
    } else {
      dZ.col(s.input) += dx;
    }
    dh_next.swap(dhp);
    dc_next.swap(dcp);
  }
  grads->glimpse_ref.noalias() += dRg * enc.e.transpose();
  grads->pointer_ref.noalias() += dRp * enc.e.transpose();
  PMat<S> dE;
  dE.noalias() = p.glimpse_ref.transpose() * dRg;
  dE.noalias() += p.pointer_ref.transpose() * dRp;
  PMat<S> dZenc;
  LstmSequenceBackward<S>(p.enc_w, enc.enc_cache, dE, dh_next, dc_next, &grads->enc_w, &grads->enc_b,
                          &dZenc, nullptr, nullptr);
  dZ += dZenc;
  LinearBackward<S>(p.emb_w, enc.x, dZ, &grads->emb_w, &grads->emb_b, nullptr);
}

#define RESPECT_NETWORK_INSTANTIATE(S)                                                           \
  template PolicyParams<S> ZeroParams<S>(const PolicyHParams&);                                  \
  template Status CheckShapes<S>(const PolicyHParams&, const PolicyParams<S>&);                  \
  template Status EncodeFeatures<S>(const PolicyHParams&, const PolicyParams<S>&, const Graph&,  \
                                    const NodeFeatures&, bool, Encoding<S>*);                    \
  template Status Encode<S>(const PolicyHParams&, const PolicyParams<S>&, const Graph&, bool,    \
                            Encoding<S>*);                                                       \
  template DecoderState<S> InitialState<S>(const Encoding<S>&);                                  \
  template void DecoderStep<S>(const PolicyHParams&, const PolicyParams<S>&, const Encoding<S>&, \
                               DecoderState<S>*, PVec<S>*, StepTape<S>*);                        \
  template void Emit<S>(const Encoding<S>&, DecoderState<S>*, int, double);                      \
  template void StepFeatures<S>(const Encoding<S>&, const DecoderState<S>&, PMat<S>*);           \
  template Status RunEpisode<S>(const PolicyHParams&, const PolicyParams<S>&, const Graph&,      \
                                const Chooser<S>&, bool, Episode<S>*);                           \
  template Status ForcedEpisode<S>(const PolicyHParams&, const PolicyParams<S>&, const Graph&,   \
                                   const std::vector<int>&, bool, Episode<S>*);                  \
  template void EpisodeBackward<S>(const PolicyHParams&, const PolicyParams<S>&,                 \
                                   const Episode<S>&, S, PolicyParams<S>*);

RESPECT_NETWORK_INSTANTIATE(float)
RESPECT_NETWORK_INSTANTIATE(double)

template PolicyParams<float> CastParams<float, double>(const PolicyParams<double>&);
template PolicyParams<double> CastParams<double, float>(const PolicyParams<float>&);
template PolicyParams<double> CastParams<double, double>(const PolicyParams<double>&);
template PolicyParams<float> CastParams<float, float>(const PolicyParams<float>&);

}  // namespace respect
