// The policy's random draws on the project's portable engine (core/rng.h:
// xoshiro256** seeded through splitmix64): integers below n, uniform reals and a
// categorical over given probabilities, plus the state as a fixed array for
// checkpoints. Not thread-safe: one PolicyRng per thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/rng.h"

namespace respect {

class PolicyRng : public Rng {
 public:
  explicit PolicyRng(uint64_t seed = 1) : Rng(seed) {}
  // Uniform integer in [0, n) (n >= 1), unbiased by rejection.
  uint64_t Below(uint64_t n) { return n <= 1 ? 0 : static_cast<uint64_t>(UniformInt(0, static_cast<int64_t>(n - 1))); }
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform01(); }
  // Index i drawn with probability probs[i] / sum(probs) by the inverse CDF;
  // entries <= 0 are never drawn (unless all are, then the last index).
  int Categorical(const double* probs, int n);

  std::array<uint64_t, 4> state() const {
    const std::vector<uint64_t> s = State();
    return {s[0], s[1], s[2], s[3]};
  }
  void set_state(const std::array<uint64_t, 4>& s) { SetState({s[0], s[1], s[2], s[3]}); }
};

}  // namespace respect
