#include "policy/policy.h"

#include "policy/weights.h"

#ifndef RESPECT_SOURCE_DIR
#define RESPECT_SOURCE_DIR "."
#endif

namespace respect {

std::string DefaultWeightsPath() { return RESPECT_SOURCE_DIR "/policy/weights/respect_policy.rspw"; }

std::string ResolveWeightsPath(const std::string& config_value) {
  if (config_value.empty() || config_value == "default") return DefaultWeightsPath();
  return config_value;
}

StatusOr<std::unique_ptr<PointerPolicy>> PointerPolicy::Load(const std::string& path) {
  auto w = ReadWeightsFile(path);
  if (!w.ok()) return w.status();
  return FromParams(w->hparams, w->params, w->note);
}

std::unique_ptr<PointerPolicy> PointerPolicy::Random(const PolicyHParams& hparams, uint64_t seed) {
  if (!ValidateHParams(hparams).ok()) return nullptr;
  auto p = FromParams(hparams, InitParams(hparams, seed), "random init, seed " + std::to_string(seed));
  if (!p.ok()) return nullptr;
  return std::move(p).value();
}

StatusOr<std::unique_ptr<PointerPolicy>> PointerPolicy::FromParams(const PolicyHParams& hparams,
                                                                   const PolicyParams<double>& params,
                                                                   std::string note) {
  RESPECT_RETURN_IF_ERROR(CheckShapes(hparams, params));
  std::unique_ptr<PointerPolicy> p(new PointerPolicy());
  p->hparams_ = hparams;
  p->params_ = CastParams<float>(params);
  p->note_ = std::move(note);
  return p;
}

PolicyParams<double> PointerPolicy::params() const { return CastParams<double>(params_); }

Status PointerPolicy::Save(const std::string& path) const {
  return WriteWeightsFile(path, hparams_, params(), note_);
}

StatusOr<std::vector<DecodedOrder>> PointerPolicy::DecodeCandidates(const Graph& g,
                                                                    const DecodeOptions& o) const {
  // One encoding workspace per thread: decoding the same-sized graphs again
  // (the common case) allocates no large buffers. Keeps O(n H) floats alive
  // per decoding thread.
  const Deadline deadline(o.time_limit_s);
  thread_local Encoding<float> enc;
  RESPECT_RETURN_IF_ERROR(ValidateHParams(hparams_));
  // Features that cannot be had before the deadline leave the network out
  // altogether: the one order is the encoder's, as a decode past its
  // deadline completes its orders (network_steps 0).
  if (!ComputeFeaturesInto(g, hparams_.features, &enc.features, [&deadline] { return deadline.Passed(); })) {
    DecodedOrder natural;
    natural.order = g.topo_order();
    return std::vector<DecodedOrder>{std::move(natural)};
  }
  RESPECT_RETURN_IF_ERROR(EncodeFeatures<float>(hparams_, params_, g, enc.features, false, &enc));
  std::vector<DecodedOrder> out;
  switch (o.mode) {
    case DecodeMode::kGreedy:
      out.push_back(GreedyDecode<float>(hparams_, params_, enc, &deadline));
      break;
    case DecodeMode::kSample: {
      if (o.samples < 1) return Status::Invalid("policy: samples must be >= 1");
      if (!(o.temperature > 0)) return Status::Invalid("policy: temperature must be > 0");
      PolicyRng rng(o.seed);
      if (o.include_greedy) out.push_back(GreedyDecode<float>(hparams_, params_, enc, &deadline));
      for (int i = 0; i < o.samples && (out.empty() || !deadline.Passed()); ++i)
        out.push_back(SampleDecode<float>(hparams_, params_, enc, o.temperature, &rng, &deadline));
      break;
    }
    case DecodeMode::kBeam:
      if (o.beam_width < 1) return Status::Invalid("policy: beam_width must be >= 1");
      out = BeamDecode<float>(hparams_, params_, enc, o.beam_width);
      if (o.include_greedy) {
        // Beam search ranks by log-prob, not by cost: its best beam can split
        // worse than the greedy order, so greedy stays a candidate.
        DecodedOrder greedy = GreedyDecode<float>(hparams_, params_, enc);
        bool present = false;
        for (const auto& d : out) present = present || d.order == greedy.order;
        if (!present) out.push_back(std::move(greedy));
      }
      break;
  }
  for (const auto& d : out) {
    if (!g.IsTopologicalOrder(d.order)) {
      return Status::Internal("policy: decode of " + g.name() + " is not a topological order");
    }
  }
  return out;
}

StatusOr<std::vector<int>> PointerPolicy::Decode(const Graph& g, const DecodeOptions& options) const {
  DecodeOptions o = options;
  o.samples = 1;
  auto c = DecodeCandidates(g, o);
  if (!c.ok()) return c.status();
  if (c->empty()) return Status::Internal("policy: no decode");
  return std::move((*c)[0].order);
}

StatusOr<double> PointerPolicy::LogProb(const Graph& g, const std::vector<int>& order) const {
  Episode<float> ep;
  RESPECT_RETURN_IF_ERROR(ForcedEpisode<float>(hparams_, params_, g, order, false, &ep));
  return ep.log_prob;
}

}  // namespace respect
