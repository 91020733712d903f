// PointerPolicy: the learned scheduler's network behind one small facade.
// Load weights (or make a random policy), decode a graph into a topological
// order of its node indices. Decoding runs in float and is const and
// thread-safe (no mutable state; sampling uses its own seeded RNG per call).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"
#include "policy/decode.h"
#include "policy/network.h"

namespace respect {

class PointerPolicy {
 public:
  // Reads a weights file (policy/weights.h). Io error if it cannot be read,
  // one-line Invalid if it is malformed.
  static StatusOr<std::unique_ptr<PointerPolicy>> Load(const std::string& path);
  // A freshly initialised policy (InitParams); nullptr if hparams are invalid
  // (ValidateHParams says why).
  static std::unique_ptr<PointerPolicy> Random(const PolicyHParams& hparams, uint64_t seed);
  // From trained parameters (shapes checked).
  static StatusOr<std::unique_ptr<PointerPolicy>> FromParams(const PolicyHParams& hparams,
                                                             const PolicyParams<double>& params,
                                                             std::string note = "");

  // Writes the weights file (atomic).
  Status Save(const std::string& path) const;

  // One topological order of g's node indices: greedy, one sample (seeded by
  // options.seed), or the best beam.
  StatusOr<std::vector<int>> Decode(const Graph& g, const DecodeOptions& options = {}) const;
  // Several candidates with their log-probs: greedy -> 1; sample ->
  // options.samples orders (one RNG stream from options.seed); beam -> up to
  // options.beam_width orders, best first. With options.include_greedy
  // (default), sample and beam put the greedy order first (beam: unless the
  // beam already holds it).
  StatusOr<std::vector<DecodedOrder>> DecodeCandidates(const Graph& g, const DecodeOptions& options) const;
  // log p(order | g) under the policy; Invalid if order is not topological.
  StatusOr<double> LogProb(const Graph& g, const std::vector<int>& order) const;

  const PolicyHParams& hparams() const { return hparams_; }
  const std::string& note() const { return note_; }
  // The parameters (as stored: float32 precision) widened to double.
  PolicyParams<double> params() const;

 private:
  PointerPolicy() = default;
  PolicyHParams hparams_;
  PolicyParams<float> params_;
  std::string note_;
};

// RESPECT_SOURCE_DIR "/policy/weights/respect_policy.rspw": the shipped weights.
std::string DefaultWeightsPath();
// PolicyConfig::weights -> a path: "default" (or "") -> DefaultWeightsPath().
std::string ResolveWeightsPath(const std::string& config_value);

}  // namespace respect
