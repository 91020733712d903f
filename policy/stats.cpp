#include "policy/stats.h"

#include <cmath>
#include <limits>

namespace respect {

namespace {

// Continued fraction for I_x(a, b) (converges fast for x < (a+1)/(a+b+2)).
double BetaContinuedFraction(double a, double b, double x) {
  const double tiny = 1e-300;
  const double eps = 1e-15;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double m2 = 2.0 * m;
    // even step
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    // odd step
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < eps) break;
  }
  return h;
}

}  // namespace

double RegularizedIncompleteBeta(double a, double b, double x) {
  if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1)) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return 0.0;
  if (x == 1.0) return 1.0;
  // front = x^a (1-x)^b / (a B(a, b))
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                           b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1.0 - front * BetaContinuedFraction(b, a, 1.0 - x) / b;
}

double StudentTCdf(double t, double df) {
  if (!(df > 0) || std::isnan(t)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  // P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2)
  const double x = df / (df + t * t);
  const double tail = 0.5 * RegularizedIncompleteBeta(0.5 * df, 0.5, x);
  return t >= 0 ? 1.0 - tail : tail;
}

PairedTTest PairedTTestGreater(const std::vector<double>& x, const std::vector<double>& y) {
  PairedTTest r;
  const size_t n = std::min(x.size(), y.size());
  r.n = static_cast<int>(n);
  if (n < 2) return r;
  double mean = 0.0;
  for (size_t i = 0; i < n; ++i) mean += x[i] - y[i];
  mean /= n;
  double ss = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double d = x[i] - y[i] - mean;
    ss += d * d;
  }
  r.mean_diff = mean;
  r.df = static_cast<double>(n - 1);
  const double var = ss / (n - 1);
  // Differences equal to within rounding: a degenerate test.
  if (var <= 1e-300 || std::sqrt(var) <= 1e-12 * std::fabs(mean)) {
    if (mean > 0) {
      r.t = std::numeric_limits<double>::infinity();
      r.p_value = 0.0;
    } else {
      r.t = mean < 0 ? -std::numeric_limits<double>::infinity() : 0.0;
      r.p_value = 1.0;
    }
    return r;
  }
  r.t = mean / std::sqrt(var / n);
  r.p_value = 1.0 - StudentTCdf(r.t, r.df);
  return r;
}

}  // namespace respect
