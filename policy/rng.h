// The policy's random engine: xoshiro256** seeded through splitmix64, and the
// two draws the policy needs (uniform [0,1) and a categorical over given
// probabilities), written out so every platform draws the same numbers (the
// standard library's distributions differ between implementations).
// Not thread-safe: one PolicyRng per thread. The state (4 x u64) can be saved
// and restored for checkpoints.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace respect {

class PolicyRng {
 public:
  explicit PolicyRng(uint64_t seed = 1) { Seed(seed); }
  void Seed(uint64_t seed);
  uint64_t Next();
  // Uniform double in [0, 1) with 53 random bits.
  double Uniform01() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  // Uniform integer in [0, n) (n >= 1), unbiased by rejection.
  uint64_t Below(uint64_t n);
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform01(); }
  // Index i drawn with probability probs[i] / sum(probs) by the inverse CDF;
  // entries <= 0 are never drawn (unless all are, then the last index).
  int Categorical(const double* probs, int n);
  // Fisher-Yates shuffle.
  template <class T>
  void Shuffle(std::vector<T>* v) {
    for (size_t i = v->size(); i > 1; --i) {
      const size_t j = static_cast<size_t>(Below(i));
      std::swap((*v)[i - 1], (*v)[j]);
    }
  }

  std::array<uint64_t, 4> state() const { return s_; }
  void set_state(const std::array<uint64_t, 4>& s) { s_ = s; }

  // splitmix64 step, also used to derive independent seeds.
  static uint64_t SplitMix64(uint64_t* x);

 private:
  std::array<uint64_t, 4> s_{};
};

}  // namespace respect
