#include "policy/adam.h"

#include <cmath>
#include <vector>

namespace respect {

double GlobalNorm(const PolicyParams<double>& g) {
  double ss = 0.0;
  g.ForEach([&](const char*, const auto& t) { ss += t.squaredNorm(); });
  return std::sqrt(ss);
}

double ClipGlobalNorm(PolicyParams<double>* g, double max_norm) {
  const double norm = GlobalNorm(*g);
  if (max_norm > 0 && norm > max_norm) {
    const double s = max_norm / norm;
    g->ForEach([&](const char*, auto& t) { t *= s; });
  }
  return norm;
}

Adam::Adam(const PolicyHParams& hp, AdamOptions options)
    : options_(options), m_(ZeroParams<double>(hp)), v_(ZeroParams<double>(hp)) {}

void Adam::Step(PolicyParams<double>* params, const PolicyParams<double>& grads) {
  ++step_;
  const double b1 = options_.beta1, b2 = options_.beta2;
  const double c1 = 1.0 - std::pow(b1, static_cast<double>(step_));
  const double c2 = 1.0 - std::pow(b2, static_cast<double>(step_));
  const double lr = options_.learning_rate, eps = options_.epsilon;
  // Walk the four parameter sets in lockstep (same ForEach order).
  std::vector<double*> gp, mp, vp;
  std::vector<Eigen::Index> sizes;
  const_cast<PolicyParams<double>&>(grads).ForEach([&](const char*, auto& t) {
    gp.push_back(t.data());
    sizes.push_back(t.size());
  });
  m_.ForEach([&](const char*, auto& t) { mp.push_back(t.data()); });
  v_.ForEach([&](const char*, auto& t) { vp.push_back(t.data()); });
  size_t i = 0;
  params->ForEach([&](const char*, auto& t) {
    double* th = t.data();
    for (Eigen::Index k = 0; k < sizes[i]; ++k) {
      const double g = gp[i][k];
      double& m = mp[i][k];
      double& v = vp[i][k];
      m = b1 * m + (1.0 - b1) * g;
      v = b2 * v + (1.0 - b2) * g * g;
      th[k] -= lr * (m / c1) / (std::sqrt(v / c2) + eps);
    }
    ++i;
  });
}

}  // namespace respect
