// The one object every phase of a solve receives (docs/design.md "The solve
// path"): the run's deadline (the one clock of core/deadline.h), its stop
// token, the incumbent trace, and the one place where the shares of
// core/time_shares.h become seconds.
//
// A phase that gives a part of its time to another phase passes it a child
// (Within): the child's deadline is its own (its clock starts then, its limit
// never past the parent's), while the stop token and the trace are shared.
// So no engine changes another's limit: a caller decides a callee's budget by
// the context it passes, and the callee's options keep their values.
//
// Statistics are not here: each run returns its own typed SolveStats in its
// result (sched/solve_stats.h), because sub-solves (two_phase's window rounds,
// exact's start search) report figures of their own.
//
// Thread-safety: a SolveContext is a value owned by one thread. StopToken may
// be requested and read from any thread. IncumbentTrace is not thread-safe:
// it is fed from the solving thread only (Cbc's callbacks run there).
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include "core/deadline.h"
#include "core/stop_token.h"
#include "core/time_shares.h"

namespace respect {

// The primal curve of a run: (seconds since its origin, objective) each time
// the best objective offered improved (ScheduleResult::incumbent_trace).
class IncumbentTrace {
 public:
  IncumbentTrace() = default;
  explicit IncumbentTrace(Stopwatch origin) : origin_(origin) {}
  // Appends the point when `objective` is finite and below the last one.
  void Offer(double objective) {
    if (!std::isfinite(objective)) return;
    if (!points_.empty() && objective >= points_.back().second) return;
    points_.emplace_back(origin_.Seconds(), objective);
  }
  const std::vector<std::pair<double, double>>& points() const { return points_; }
  std::vector<std::pair<double, double>> Take() { return std::move(points_); }

 private:
  Stopwatch origin_;
  std::vector<std::pair<double, double>> points_;
};

class SolveContext {
 public:
  // A root context: a clock started now, `limit_s` seconds (+inf: none), a
  // stop token of its own, no trace.
  explicit SolveContext(double limit_s) : deadline_(limit_s), stop_(StopToken::Make()) {}
  // A root on a clock started earlier.
  SolveContext(Stopwatch started, double limit_s) : deadline_(started, limit_s), stop_(StopToken::Make()) {}
  // A root context whose stop token is a child of `stop` (StopToken::Child):
  // requesting `stop` ends the run; the run's own requests stay in it.
  SolveContext(double limit_s, const StopToken& stop) : deadline_(limit_s), stop_(stop.Child()) {}

  // A child for `seconds` from now (never past this context's deadline; at
  // least 0): the same stop token and trace.
  SolveContext Within(double seconds) const {
    SolveContext c = *this;
    c.deadline_ = Deadline(std::max(0.0, std::min(seconds, deadline_.Left())));
    return c;
  }
  // This context feeding `trace` (not owned, may be null; outlives the run).
  SolveContext WithTrace(IncumbentTrace* trace) const {
    SolveContext c = *this;
    c.trace_ = trace;
    return c;
  }

  const Deadline& deadline() const { return deadline_; }
  double limit_s() const { return deadline_.limit_s(); }
  double Elapsed() const { return deadline_.Elapsed(); }
  double Left() const { return deadline_.Left(); }
  // The limit has passed or a stop was requested.
  bool Done() const { return deadline_.Passed() || stop_.Requested(); }

  // ---- the time shares (core/time_shares.h), turned into seconds here only ----
  // `share` of this run's limit.
  double ShareOf(const time_shares::Share& share) const { return share.Of(deadline_.limit_s()); }
  // `share` of the sizing limit min(limit, kSizingLimitS): the phases before
  // Cbc, the same under every limit of 5 s or more.
  double SizedShareOf(const time_shares::Share& share) const {
    return share.Of(time_shares::SizingLimit(deadline_.limit_s()));
  }
  double SizingLimit() const { return time_shares::SizingLimit(deadline_.limit_s()); }
  // `share` of what is left of this run's limit (0 once it has passed).
  double ShareOfLeft(const time_shares::Share& share) const { return share.Of(std::max(0.0, deadline_.Left())); }

  const StopToken& stop() const { return stop_; }
  // Where incumbents go (null: nowhere).
  IncumbentTrace* trace() const { return trace_; }
  void OfferIncumbent(double objective) const {
    if (trace_) trace_->Offer(objective);
  }

 private:
  Deadline deadline_;
  StopToken stop_;
  IncumbentTrace* trace_ = nullptr;
};

}  // namespace respect
