#include "policy/rng.h"

namespace respect {

namespace {
inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

uint64_t PolicyRng::SplitMix64(uint64_t* x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void PolicyRng::Seed(uint64_t seed) {
  uint64_t x = seed;
  for (auto& s : s_) s = SplitMix64(&x);
}

uint64_t PolicyRng::Next() {
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

uint64_t PolicyRng::Below(uint64_t n) {
  if (n <= 1) return 0;
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do {
    x = Next();
  } while (x >= limit);
  return x % n;
}

int PolicyRng::Categorical(const double* probs, int n) {
  double total = 0.0;
  for (int i = 0; i < n; ++i) {
    if (probs[i] > 0) total += probs[i];
  }
  if (n <= 0) return -1;
  if (!(total > 0)) return n - 1;
  const double r = Uniform01() * total;
  double acc = 0.0;
  int last_positive = n - 1;
  for (int i = 0; i < n; ++i) {
    if (!(probs[i] > 0)) continue;
    acc += probs[i];
    last_positive = i;
    if (r < acc) return i;
  }
  return last_positive;  // rounding: r landed at the very top
}

}  // namespace respect
