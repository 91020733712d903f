// Small statistics for the trainer's baseline test, written out (no external
// library): the regularised incomplete beta function, Student's t CDF and a
// one-sided paired t-test.
#pragma once

#include <vector>

namespace respect {

// I_x(a, b) for a, b > 0, x in [0, 1] (continued fraction, modified Lentz);
// NaN for arguments out of range.
double RegularizedIncompleteBeta(double a, double b, double x);

// P(T <= t) for Student's t with df > 0 degrees of freedom.
double StudentTCdf(double t, double df);

struct PairedTTest {
  int n = 0;
  double mean_diff = 0.0;  // mean of x_i - y_i
  double t = 0.0;          // t statistic (+-inf when all differences are equal and nonzero)
  double df = 0.0;         // n - 1
  double p_value = 1.0;    // one-sided: H1 is mean(x - y) > 0
};

// One-sided paired t-test of H1: mean(x - y) > 0. x and y must have the same
// length; with fewer than 2 pairs, p = 1. All differences equal: p = 0 if
// they are positive, else 1.
PairedTTest PairedTTestGreater(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace respect
