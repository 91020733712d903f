// Decoding strategies over an encoded graph: greedy, sampling (PolicyRng) and
// beam search (by sum of log-probs). All return topological orders of node
// indices by construction (the decoder's masks), with their log-probs.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/deadline.h"
#include "core/status.h"
#include "policy/network.h"
#include "policy/rng.h"

namespace respect {

enum class DecodeMode { kGreedy = 0, kSample = 1, kBeam = 2 };

const char* ToString(DecodeMode m);
// "greedy" | "sample" | "beam"; Invalid otherwise.
StatusOr<DecodeMode> ParseDecodeMode(const std::string& s);

struct DecodeOptions {
  DecodeMode mode = DecodeMode::kGreedy;
  int beam_width = 4;        // beam: number of beams kept (>= 1)
  int samples = 16;          // sample: number of candidates for DecodeCandidates
  uint64_t seed = 1;         // sample: RNG seed
  double temperature = 1.0;  // sample: p ~ exp(logp / temperature) (> 0)
  // sample / beam: the greedy order is candidate 0 too, so choosing the best
  // candidate by cost is never worse than greedy decoding.
  bool include_greedy = true;
  // Seconds the network may decode for (greedy and sample; the features: all
  // modes; +inf: no limit).
  // Past it, every unfinished order is completed without the network, in the
  // encoder's topological order, so a decode that cannot finish in time on a
  // huge graph still returns valid orders on time. Sampling also stops
  // drawing new candidates once it has passed. The node features count too:
  // if their closure sums (13 s at 100,000 nodes) pass it, the one candidate
  // is that order, without the network (network_steps 0).
  double time_limit_s = std::numeric_limits<double>::infinity();
};

struct DecodedOrder {
  std::vector<int> order;  // node indices, a topological order
  double log_prob = 0.0;   // sum_t log p(a_t) under the policy (temperature 1)
  // Steps the network chose; the rest (order.size() - network_steps) were
  // completed in the encoder's order after the decode's deadline passed.
  int network_steps = 0;
};

// Greedy: the most probable ready node at every step (ties: smallest column).
// With a deadline (non-null, not owned), the steps after it has passed take
// the smallest ready column without the network (see DecodeOptions).
template <class S>
DecodedOrder GreedyDecode(const PolicyHParams& hp, const PolicyParams<S>& p, const Encoding<S>& enc,
                          const Deadline* deadline = nullptr);
// One sampled order; the deadline as for GreedyDecode.
template <class S>
DecodedOrder SampleDecode(const PolicyHParams& hp, const PolicyParams<S>& p, const Encoding<S>& enc,
                          double temperature, PolicyRng* rng, const Deadline* deadline = nullptr);
// Beam search keeping `width` partial orders by sum of log-probs; returns up
// to `width` complete orders, best first (ties broken deterministically).
template <class S>
std::vector<DecodedOrder> BeamDecode(const PolicyHParams& hp, const PolicyParams<S>& p,
                                     const Encoding<S>& enc, int width);

}  // namespace respect
