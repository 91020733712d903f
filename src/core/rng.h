// A fixed, portable random engine (xoshiro256**, seeded by splitmix64) and the
// few distributions the project needs, written out so every platform and
// compiler draws the same numbers (the standard library's distributions differ
// between implementations). Not thread-safe: one Rng per thread.
#pragma once

#include <cstdint>
#include <vector>

namespace respect {

// A well-mixed seed for item `index` of a stream `seed` (splitmix64
// finaliser): items of one stream, and streams of nearby seeds, are independent.
inline uint64_t MixSeed(uint64_t seed, uint64_t index) {
  uint64_t z = seed ^ (index + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed = 1) { Seed(seed); }
  void Seed(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : s_) s = SplitMix(&x);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform integer in [lo, hi] (inclusive), unbiased (rejection sampling).
  int64_t UniformInt(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    const uint64_t range = static_cast<uint64_t>(hi - lo) + 1;
    if (range == 0) return static_cast<int64_t>(Next());  // full 64-bit range
    const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    uint64_t x;
    do { x = Next(); } while (x >= limit);
    return lo + static_cast<int64_t>(x % range);
  }
  // Uniform double in [0, 1) with 53 random bits.
  double Uniform01() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  bool Bernoulli(double p) { return Uniform01() < p; }
  // Index drawn with probability proportional to integer weights (sum > 0).
  int Categorical(const std::vector<int>& weights) {
    int64_t total = 0;
    for (int w : weights) total += w;
    int64_t r = UniformInt(0, total - 1);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (r < weights[i]) return static_cast<int>(i);
      r -= weights[i];
    }
    return static_cast<int>(weights.size()) - 1;
  }
  // Fisher-Yates shuffle.
  template <class T>
  void Shuffle(std::vector<T>* v) {
    for (size_t i = v->size(); i > 1; --i) {
      size_t j = static_cast<size_t>(UniformInt(0, static_cast<int64_t>(i) - 1));
      std::swap((*v)[i - 1], (*v)[j]);
    }
  }
  // One splitmix64 step (advances *x); also used to derive independent seeds.
  static uint64_t SplitMix64(uint64_t* x) { return SplitMix(x); }
  // Full state, for checkpoints.
  std::vector<uint64_t> State() const { return {s_[0], s_[1], s_[2], s_[3]}; }
  void SetState(const std::vector<uint64_t>& st) {
    for (int i = 0; i < 4 && i < static_cast<int>(st.size()); ++i) s_[i] = st[i];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix(uint64_t* x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t s_[4];
};

}  // namespace respect
