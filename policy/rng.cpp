#include "policy/rng.h"

namespace respect {

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
