// Adam over the policy parameters, and global-norm gradient clipping.
#pragma once

#include <cstdint>

#include "policy/network.h"

namespace respect {

// sqrt(sum of squares over every tensor).
double GlobalNorm(const PolicyParams<double>& g);
// Scales g so that its global norm is at most max_norm (no-op if max_norm
// <= 0). Returns the norm before clipping.
double ClipGlobalNorm(PolicyParams<double>* g, double max_norm);

struct AdamOptions {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
};

class Adam {
 public:
  Adam() = default;
  Adam(const PolicyHParams& hp, AdamOptions options);
  // theta -= lr * mhat / (sqrt(vhat) + eps), with bias-corrected moments.
  void Step(PolicyParams<double>* params, const PolicyParams<double>& grads);

  // State, for checkpoints.
  int64_t step() const { return step_; }
  PolicyParams<double>& m() { return m_; }
  PolicyParams<double>& v() { return v_; }
  const PolicyParams<double>& m() const { return m_; }
  const PolicyParams<double>& v() const { return v_; }
  void set_step(int64_t s) { step_ = s; }
  AdamOptions& options() { return options_; }

 private:
  AdamOptions options_;
  PolicyParams<double> m_, v_;
  int64_t step_ = 0;
};

}  // namespace respect
