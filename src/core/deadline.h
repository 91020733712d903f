// The one clock of the solve path: a Stopwatch (seconds since it started)
// and a Deadline (a stopwatch with a limit). Every engine measures time and
// checks its limit through these, so all of them read the same monotonic
// clock (std::chrono::steady_clock) the same way. Header-only value types;
// copies share nothing, so any thread may read its own copy.
#pragma once

#include <algorithm>
#include <chrono>
#include <limits>

namespace respect {

using SteadyClock = std::chrono::steady_clock;

// Seconds between two points of the steady clock (b later: positive).
inline double SecondsBetween(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Elapsed time since construction (or Restart).
class Stopwatch {
 public:
  Stopwatch() : t0_(SteadyClock::now()) {}
  explicit Stopwatch(SteadyClock::time_point t0) : t0_(t0) {}
  double Seconds() const { return SecondsBetween(t0_, SteadyClock::now()); }
  SteadyClock::time_point start() const { return t0_; }
  void Restart() { t0_ = SteadyClock::now(); }

 private:
  SteadyClock::time_point t0_;
};

// A limit of `limit_s` seconds (+inf: none; <= 0: already passed) counted
// from its start. Left() may be negative once passed.
class Deadline {
 public:
  explicit Deadline(double limit_s) : limit_s_(limit_s) {}
  Deadline(Stopwatch started, double limit_s) : clock_(started), limit_s_(limit_s) {}

  double limit_s() const { return limit_s_; }
  double Elapsed() const { return clock_.Seconds(); }
  double Left() const { return limit_s_ - clock_.Seconds(); }
  bool Passed() const { return Left() <= 0.0; }
  SteadyClock::time_point start() const { return clock_.start(); }
  // min(seconds, Left()), never below 0: a phase's budget within this limit.
  double Budget(double seconds) const { return std::max(0.0, std::min(seconds, Left())); }

 private:
  Stopwatch clock_;
  double limit_s_ = std::numeric_limits<double>::infinity();
};

}  // namespace respect
