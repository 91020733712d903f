#include "policy/decode.h"

#include <algorithm>
#include <cmath>

namespace respect {

const char* ToString(DecodeMode m) {
  switch (m) {
    case DecodeMode::kGreedy: return "greedy";
    case DecodeMode::kSample: return "sample";
    case DecodeMode::kBeam: return "beam";
  }
  return "greedy";
}

StatusOr<DecodeMode> ParseDecodeMode(const std::string& s) {
  if (s == "greedy") return DecodeMode::kGreedy;
  if (s == "sample") return DecodeMode::kSample;
  if (s == "beam") return DecodeMode::kBeam;
  return Status::Invalid("unknown decode mode '" + s + "' (greedy | sample | beam)");
}

namespace {
// The deadline is read every kDeadlineStride steps: a step costs microseconds
// to milliseconds, a clock read tens of nanoseconds.
constexpr int kDeadlineStride = 64;

bool PastDeadline(const Deadline* deadline, int step) {
  return deadline != nullptr && step % kDeadlineStride == 0 && deadline->Passed();
}

// Emits every remaining column, smallest ready column first: a topological
// order without the network, O(edges + n log n) in all.
template <class S>
void CompleteInEncoderOrder(const Encoding<S>& enc, DecoderState<S>* st) {
  while (!st->ready.empty()) Emit(enc, st, 0, 0.0);
}

template <class S>
DecodedOrder Finish(const Encoding<S>& enc, const DecoderState<S>& st, int network_steps) {
  DecodedOrder d;
  d.network_steps = network_steps;
  d.order.resize(st.emitted.size());
  for (size_t t = 0; t < st.emitted.size(); ++t) d.order[t] = enc.order[st.emitted[t]];
  d.log_prob = st.log_prob;
  return d;
}
}  // namespace

template <class S>
DecodedOrder GreedyDecode(const PolicyHParams& hp, const PolicyParams<S>& p, const Encoding<S>& enc,
                          const Deadline* deadline) {
  DecoderState<S> st = InitialState(enc);
  PVec<S> logp;
  int t = 0;
  for (; t < enc.n && !PastDeadline(deadline, t); ++t) {
    DecoderStep<S>(hp, p, enc, &st, &logp, nullptr);
    Eigen::Index k = 0;
    logp.maxCoeff(&k);  // first maximum = smallest column among ties
    Emit(enc, &st, static_cast<int>(k), static_cast<double>(logp(k)));
  }
  CompleteInEncoderOrder(enc, &st);
  return Finish(enc, st, t);
}

template <class S>
DecodedOrder SampleDecode(const PolicyHParams& hp, const PolicyParams<S>& p, const Encoding<S>& enc,
                          double temperature, PolicyRng* rng, const Deadline* deadline) {
  DecoderState<S> st = InitialState(enc);
  PVec<S> logp;
  std::vector<double> prob;
  const double inv_t = temperature > 0 ? 1.0 / temperature : 1.0;
  int t = 0;
  for (; t < enc.n && !PastDeadline(deadline, t); ++t) {
    DecoderStep<S>(hp, p, enc, &st, &logp, nullptr);
    const int m = static_cast<int>(logp.size());
    prob.resize(m);
    const double mx = static_cast<double>(logp.maxCoeff());
    for (int j = 0; j < m; ++j) prob[j] = std::exp((static_cast<double>(logp(j)) - mx) * inv_t);
    const int k = rng->Categorical(prob.data(), m);
    Emit(enc, &st, k, static_cast<double>(logp(k)));
  }
  CompleteInEncoderOrder(enc, &st);
  return Finish(enc, st, t);
}

template <class S>
std::vector<DecodedOrder> BeamDecode(const PolicyHParams& hp, const PolicyParams<S>& p,
                                     const Encoding<S>& enc, int width) {
  width = std::max(1, width);
  std::vector<DecoderState<S>> beams;
  beams.push_back(InitialState(enc));
  struct Cand {
    double score;
    int beam;
    int k;
    double logp;
  };
  std::vector<Cand> cands;
  PVec<S> logp;
  for (int t = 0; t < enc.n; ++t) {
    cands.clear();
    for (int b = 0; b < static_cast<int>(beams.size()); ++b) {
      DecoderStep<S>(hp, p, enc, &beams[b], &logp, nullptr);
      for (int k = 0; k < logp.size(); ++k) {
        const double lp = static_cast<double>(logp(k));
        cands.push_back({beams[b].log_prob + lp, b, k, lp});
      }
    }
    const size_t keep = std::min(cands.size(), static_cast<size_t>(width));
    std::partial_sort(cands.begin(), cands.begin() + keep, cands.end(), [](const Cand& a, const Cand& b) {
      if (a.score != b.score) return a.score > b.score;
      if (a.beam != b.beam) return a.beam < b.beam;
      return a.k < b.k;
    });
    std::vector<DecoderState<S>> next;
    next.reserve(keep);
    for (size_t i = 0; i < keep; ++i) {
      next.push_back(beams[cands[i].beam]);
      Emit(enc, &next.back(), cands[i].k, cands[i].logp);
    }
    beams.swap(next);
  }
  std::vector<DecodedOrder> out;
  for (const auto& b : beams) out.push_back(Finish(enc, b, enc.n));
  return out;  // already best first: the last step kept candidates in score order
}

#define RESPECT_DECODE_INSTANTIATE(S)                                                             \
  template DecodedOrder GreedyDecode<S>(const PolicyHParams&, const PolicyParams<S>&,             \
                                        const Encoding<S>&, const Deadline*);                     \
  template DecodedOrder SampleDecode<S>(const PolicyHParams&, const PolicyParams<S>&,             \
                                        const Encoding<S>&, double, PolicyRng*, const Deadline*); \
  template std::vector<DecodedOrder> BeamDecode<S>(const PolicyHParams&, const PolicyParams<S>&,  \
                                                   const Encoding<S>&, int);
RESPECT_DECODE_INSTANTIATE(float)
RESPECT_DECODE_INSTANTIATE(double)

}  // namespace respect
