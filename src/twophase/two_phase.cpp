#include "twophase/two_phase.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "formulations/schedule_ilp.h"
#include "sched/list_schedule.h"

namespace respect {

namespace {
using Clock = std::chrono::steady_clock;
double Secs(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }
bool HasSchedule(const ScheduleResult& r) {
  return r.status == SolveStatus::kOptimal || r.status == SolveStatus::kFeasible;
}
}  // namespace

TwoPhaseScheduler::TwoPhaseScheduler(TwoPhaseOptions options, std::shared_ptr<const PointerPolicy> policy,
                                     std::unique_ptr<MilpSolver> solver)
    : options_(options),
      rl_(policy ? RlScheduler(options.rl, std::move(policy)) : RlScheduler(options.rl)),
      exact_(options.exact, std::move(solver)) {}

StatusOr<ScheduleResult> TwoPhaseScheduler::Run(const Problem& problem) {
  const auto t0 = Clock::now();
  ScheduleResult out;
  out.method = name();
  out.bound = std::nan("");
  Status v = problem.Validate();
  if (v.code() == StatusCode::kInfeasible) {
    out.status = SolveStatus::kInfeasible;
    out.message = v.message();
    return out;
  }
  RESPECT_RETURN_IF_ERROR(v);

  // Phase 1: the coarse schedule.
  auto coarse = rl_.Run(problem);
  if (!coarse.ok()) return coarse.status().WithContext("two_phase (rl)");
  if (!HasSchedule(*coarse)) {
    DpTopoScheduler dp;
    auto fallback = dp.Run(problem);
    if (!fallback.ok()) return fallback.status();
    if (!HasSchedule(*fallback)) {
      // Neither finds a start: solve the full problem.
      auto full = exact_.Run(problem);
      if (full.ok()) full->method = name();
      return full;
    }
    out.message = "policy gave no feasible split; coarse schedule from dp_topo";
    coarse = std::move(fallback);
  }
  out.stats["rl_seconds"] = Secs(t0, Clock::now());
  return Refine(problem, std::move(*coarse), t0, std::move(out));
}

StatusOr<ScheduleResult> TwoPhaseScheduler::RunFrom(const Problem& problem, const Schedule& coarse) {
  const auto t0 = Clock::now();
  ScheduleResult out;
  out.method = name();
  out.bound = std::nan("");
  Status v = problem.Validate();
  if (v.code() == StatusCode::kInfeasible) {
    out.status = SolveStatus::kInfeasible;
    out.message = v.message();
    return out;
  }
  RESPECT_RETURN_IF_ERROR(v);
  ScheduleResult c;
  c.method = "coarse";
  c.schedule = coarse;
  c.status = SolveStatus::kFeasible;
  RESPECT_RETURN_IF_ERROR(FinishResult(problem, &c));
  out.stats["rl_seconds"] = 0.0;
  return Refine(problem, std::move(c), t0, std::move(out));
}

StatusOr<ScheduleResult> TwoPhaseScheduler::Refine(const Problem& problem, ScheduleResult coarse_result,
                                                   Clock::time_point t0, ScheduleResult out) {
  ScheduleResult best = coarse_result;
  out.stats["coarse_objective"] = coarse_result.objective;

  // Phase 2: windows around the incumbent, closed by the ILP.
  const Windows hard = FullWindows(problem);
  const int n = problem.g().size();
  const int w = options_.window;
  Windows win;
  win.lo.resize(n);
  win.hi.resize(n);
  for (int u = 0; u < n; ++u) {
    win.lo[u] = std::max(hard.lo[u], best.schedule.stage[u] - w);
    win.hi[u] = std::min(hard.hi[u], best.schedule.stage[u] + w);
  }
  int rounds = 0;
  double ilp_seconds = 0;
  bool window_optimal = false;
  for (;; ++rounds) {
    const double left = options_.exact.time_limit_s - Secs(t0, Clock::now());
    if (left <= 0) break;
    const auto ts = Clock::now();
    auto res = exact_.RunWindowed(problem, &win, &best.schedule);
    ilp_seconds += Secs(ts, Clock::now());
    if (!res.ok()) return res.status().WithContext("two_phase (windowed ILP)");
    if (res->stats.count("ilp_cols")) out.stats["vars_kept"] = res->stats.at("ilp_cols");
    if (!HasSchedule(*res)) break;
    const bool improved = res->objective < best.objective - 1e-9 * std::max(1.0, std::fabs(best.objective));
    window_optimal = res->status == SolveStatus::kOptimal;
    if (res->objective <= best.objective) {
      best.schedule = res->schedule;
      best.objective = res->objective;
    }
    if (rounds > 0 && !improved) break;
    if (rounds >= options_.max_widen) break;
    // Open the pressed side of every node on a non-hard window edge.
    bool pressed = false;
    for (int u = 0; u < n; ++u) {
      const int s = best.schedule.stage[u];
      if (s == win.lo[u] && win.lo[u] > hard.lo[u]) { win.lo[u] = std::max(hard.lo[u], win.lo[u] - w); pressed = true; }
      if (s == win.hi[u] && win.hi[u] < hard.hi[u]) { win.hi[u] = std::min(hard.hi[u], win.hi[u] + w); pressed = true; }
    }
    if (!pressed || w == 0) break;
  }
  out.stats["window"] = w;
  out.stats["widen_rounds"] = rounds;
  out.stats["ilp_seconds"] = ilp_seconds;
  out.stats["window_optimal"] = window_optimal ? 1 : 0;
  auto full = BuildScheduleIlp(problem, nullptr);
  if (full.ok()) out.stats["vars_full"] = full->milp.num_cols();

  out.schedule = best.schedule;
  out.status = SolveStatus::kFeasible;

  // Optional proof against the full problem.
  if (options_.certify) {
    const auto tc = Clock::now();
    auto cert = exact_.RunWindowed(problem, nullptr, &out.schedule);
    out.stats["certify_seconds"] = Secs(tc, Clock::now());
    if (!cert.ok()) return cert.status().WithContext("two_phase (certify)");
    if (HasSchedule(*cert)) {
      Evaluation cur = Evaluate(problem, out.schedule);
      if (cert->objective < cur.objective - 1e-9 * std::max(1.0, std::fabs(cur.objective))) {
        out.schedule = cert->schedule;
        out.message += (out.message.empty() ? "" : "; ") + std::string("certify found a better schedule");
      }
      out.bound = cert->bound;
      if (cert->status == SolveStatus::kOptimal) out.status = SolveStatus::kOptimal;
    }
  }
  out.seconds = Secs(t0, Clock::now());
  RESPECT_RETURN_IF_ERROR(FinishResult(problem, &out));
  if (std::isfinite(out.bound) && out.objective > 0)
    out.stats["certified_gap"] = (out.objective - out.bound) / out.objective;
  return out;
}

}  // namespace respect
