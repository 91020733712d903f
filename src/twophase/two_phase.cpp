#include "twophase/two_phase.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "core/deadline.h"
#include "core/time_shares.h"
#include "formulations/schedule_ilp.h"
#include "sched/list_schedule.h"

namespace respect {

namespace {
// The solve path's one clock (core/deadline.h).
using Clock = SteadyClock;
double Secs(Clock::time_point a, Clock::time_point b) { return SecondsBetween(a, b); }
bool HasSchedule(const ScheduleResult& r) {
  return r.status == SolveStatus::kOptimal || r.status == SolveStatus::kFeasible;
}
// The binary columns z[v][k] of the ILP over `windows` (BuildScheduleIlp
// keeps z[v][k] for lo[v] <= k < hi[v] after TightenWindows); -1 if none.
double BinariesOf(const Problem& problem, const Windows& windows) {
  auto tight = TightenWindows(problem, windows);
  if (!tight.ok()) return -1;
  double b = 0;
  for (int v = 0; v < problem.g().size(); ++v) b += std::max(0, tight->hi[v] - tight->lo[v]);
  return b;
}
// Appends (seconds since t0, objective) when it improves on the last point.
void Offer(std::vector<std::pair<double, double>>* trace, Clock::time_point t0, double objective) {
  if (!std::isfinite(objective)) return;
  if (!trace->empty() && objective >= trace->back().second) return;
  trace->emplace_back(Secs(t0, Clock::now()), objective);
}
}  // namespace

double TwoPhaseScheduler::StallSeconds(double time_limit_s) {
  // A window round whose tree search, after a gain, finds nothing better for
  // a tenth of the limit (at least 10 s; MilpOptions::stall_s adds "and as
  // long as the root took") ends: on 5,000-node graphs Cbc's tree went 6 of
  // its 8 minutes without a gain (bench/results/scale.md), time a round
  // centred on the new incumbent can use.
  return time_shares::kTwoPhaseStall.Of(time_limit_s);
}

RlOptions TwoPhaseScheduler::RlPhaseOptions(const TwoPhaseOptions& o) {
  // The coarse phase may use a quarter of the time limit; the windows get the rest.
  RlOptions r = o.rl;
  r.time_limit_s = std::min(r.time_limit_s, time_shares::kTwoPhaseCoarse.Of(o.exact.time_limit_s));
  return r;
}

ExactOptions TwoPhaseScheduler::WindowOptions(ExactOptions o, ExactEngine engine, int nodes) {
  if (engine != ExactEngine::kAuto) o.engine = engine;
  o.write_lp.clear();
  // Windows of large graphs rarely close within the limit; there the
  // incumbent matters more than the proof, so Cbc keeps its heuristics.
  if (nodes > kLightWindowMaxNodes) return o;
  // The windowed solves start from an incumbent inside the windows, so
  // Cbc's primal heuristics add little; probing and two-step MIR cuts with
  // few root passes proved fastest on the Table I windows
  // (bench/results/two_phase.md).
  o.cbc_direct.heuristics = false;
  o.cbc_direct.gomory = o.cbc_direct.knapsack = o.cbc_direct.mir = false;
  o.cbc_direct.flow = o.cbc_direct.clique = false;
  o.cbc_direct.root_cut_passes = 5;
  return o;
}

TwoPhaseScheduler::TwoPhaseScheduler(TwoPhaseOptions options, std::shared_ptr<const PointerPolicy> policy,
                                     std::unique_ptr<MilpSolver> solver)
    : options_(options),
      rl_(policy ? RlScheduler(RlPhaseOptions(options), std::move(policy)) : RlScheduler(RlPhaseOptions(options))),
      exact_(options.exact, std::move(solver)) {}

Status TwoPhaseScheduler::EnsureWindowPolicy() {
  if (window_policy_) return Status::Ok();
  std::shared_ptr<const StageNet> net;
  if (options_.windows == WindowMode::kLearned) {
    auto loaded = LoadWindowNet(options_.window_weights, options_.window_seed);
    if (!loaded.ok()) return loaded.status().WithContext("two_phase (window network)");
    net = std::move(*loaded);
  }
  window_policy_ = MakeWindowPolicy(options_.windows, std::move(net), options_.window_budget);
  return Status::Ok();
}

StatusOr<ScheduleResult> TwoPhaseScheduler::Run(const Problem& problem) {
  const auto t0 = Clock::now();
  ScheduleResult out;
  RESPECT_RETURN_IF_ERROR(EnsureWindowPolicy());
  RESPECT_RETURN_IF_ERROR(BeginResult(problem, name(), &out));
  if (out.status == SolveStatus::kInfeasible) return out;

  // Phase 1: the coarse schedule.
  auto coarse = rl_.Run(problem);
  if (!coarse.ok()) return coarse.status().WithContext("two_phase (rl)");
  if (!HasSchedule(*coarse)) {
    DpTopoScheduler dp(time_shares::kTwoPhaseDpTopoFallback.Of(options_.exact.time_limit_s));
    auto fallback = dp.Run(problem);
    if (!fallback.ok()) return fallback.status();
    if (!HasSchedule(*fallback)) {
      // Neither finds a start: solve the full problem.
      exact_.set_time_limit_s(std::max(1e-3, options_.exact.time_limit_s - Secs(t0, Clock::now())));
      auto full = exact_.Run(problem);
      exact_.set_time_limit_s(options_.exact.time_limit_s);
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
  RESPECT_RETURN_IF_ERROR(EnsureWindowPolicy());
  RESPECT_RETURN_IF_ERROR(BeginResult(problem, name(), &out));
  if (out.status == SolveStatus::kInfeasible) return out;
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
  out.stats["coarse_objective"] = coarse_result.objective;
  std::unique_ptr<CutBoundThread> cut = StartCutBound(problem, t0);
  const Windows hard = FullWindows(problem);
  Trace trace;
  Offer(&trace, t0, coarse_result.objective);
  Incumbent alt;
  if (options_.strong_start) alt = DpTopoAlternative(problem);
  auto rounds =
      CloseWindows(problem, hard, Incumbent{coarse_result.schedule, coarse_result.objective}, alt, t0, &trace);
  if (!rounds.ok()) return rounds.status();
  const double tol = 1e-9 * std::max(1.0, std::fabs(coarse_result.objective));
  Incumbent best = rounds->best;
  bool from_dp_topo = rounds->from_dp_topo;
  if (alt.objective < best.objective - tol) {  // e.g. no window round finished in time
    best = alt;
    from_dp_topo = true;
  }
  out.stats["incumbent_from_dp_topo"] = from_dp_topo ? 1 : 0;
  if (rounds->recentred) out.stats["recentred_on_dp_topo"] = 1;
  if (rounds->vars_kept >= 0) out.stats["vars_kept"] = rounds->vars_kept;
  out.stats["window"] = std::max(0, options_.window);
  out.stats["learned_windows"] = window_policy_->name() == "learned" ? 1 : 0;
  out.stats["widen_rounds"] = std::max(0, rounds->rounds - 1);
  out.stats["ilp_seconds"] = rounds->ilp_seconds;
  out.stats["window_optimal"] = rounds->window_optimal ? 1 : 0;
  out.stats["stalled_rounds"] = rounds->stalled_rounds;
  if (rounds->width > options_.window) out.stats["widened_to"] = rounds->width;
  out.schedule = std::move(best.schedule);
  out.status = SolveStatus::kFeasible;
  if (options_.certify) RESPECT_RETURN_IF_ERROR(Certify(problem, t0, &out));
  if (cut) JoinCutBound(problem, cut.get(), &out);
  // Counted from the windows: building the full model to count its columns
  // took seconds on 10,000-node graphs, past the time limit.
  const double full_binaries = BinariesOf(problem, hard);
  if (full_binaries >= 0) out.stats["vars_full"] = full_binaries;
  // Without a certificate the bound is the one every schedule obeys.
  if (!std::isfinite(out.bound)) out.bound = SimpleLowerBound(problem);
  out.seconds = Secs(t0, Clock::now());
  RESPECT_RETURN_IF_ERROR(FinishResult(problem, &out));
  Offer(&trace, t0, out.objective);
  out.incumbent_trace = std::move(trace);
  if (std::isfinite(out.bound) && out.objective > 0)
    out.stats["certified_gap"] = (out.objective - out.bound) / out.objective;
  return out;
}

TwoPhaseScheduler::Incumbent TwoPhaseScheduler::DpTopoAlternative(const Problem& problem) const {
  DpTopoScheduler dp(time_shares::kTwoPhaseDpTopoAlternative.Of(options_.exact.time_limit_s));
  auto h = dp.Run(problem);
  if (!h.ok() || !HasSchedule(*h)) return {};
  return Incumbent{h->schedule, h->objective};
}

StatusOr<TwoPhaseScheduler::Rounds> TwoPhaseScheduler::CloseWindows(const Problem& problem, const Windows& hard,
                                                                    const Incumbent& coarse, const Incumbent& alt,
                                                                    Clock::time_point t0, Trace* trace) const {
  // Rounds: windows around a center, closed exactly; the next round is
  // centred on the new incumbent, and only when the last round improved it
  // (an unchanged incumbent would give the same windows: nothing to gain).
  // After the first round dp_topo's split (alt) competes: when it beats the
  // first window's optimum, the next round is centred on it.
  const int n = problem.g().size();
  int w = std::max(0, options_.window);
  const int w_max = options_.widen_to_limit && w > 0 ? w + TwoPhaseOptions::kMaxExtraWidth : w;
  const double tol = 1e-9 * std::max(1.0, std::fabs(coarse.objective));
  Rounds out;
  out.best = coarse;
  Schedule center = coarse.schedule;
  int closed = 0;            // rounds whose search ended by itself (not stalled)
  bool last_chance = false;  // a round stalled without a gain: its windows once more, without the stall stop
  for (;;) {
    const double left = options_.exact.time_limit_s - Secs(t0, Clock::now());
    if (left <= 0) break;
    auto opened = window_policy_->Open(problem, hard, center, w);
    if (!opened.ok()) return opened.status().WithContext("two_phase (windows)");
    const Windows& win = *opened;
    const auto ts = Clock::now();
    ExactOptions wo = WindowOptions(options_.exact, options_.window_engine, n);
    wo.time_limit_s = left;  // what is left of the two_phase time limit
    if (!last_chance) wo.stall_s = StallSeconds(options_.exact.time_limit_s);
    wo.on_incumbent = [trace, t0](double objective) { Offer(trace, t0, objective); };
    ExactScheduler window_exact(wo);
    auto res = window_exact.RunWindowed(problem, &win, &center);
    out.ilp_seconds += Secs(ts, Clock::now());
    if (!res.ok()) return res.status().WithContext("two_phase (windowed ILP)");
    ++out.rounds;
    if (out.vars_kept < 0) out.vars_kept = BinariesOf(problem, win);
    if (!HasSchedule(*res)) break;
    out.window_optimal = res->status == SolveStatus::kOptimal;
    bool improved = false;
    if (res->objective < out.best.objective - tol) {
      out.best = Incumbent{res->schedule, res->objective};
      improved = true;
    }
    Offer(trace, t0, res->objective);
    if (out.rounds == 1 && alt.objective < out.best.objective - tol) {
      Offer(trace, t0, alt.objective);
      out.best = alt;
      improved = true;
      out.from_dp_topo = true;
      out.recentred = true;
    }
    const bool stalled = res->stats.count("stalled") > 0;
    out.stalled_rounds += stalled ? 1 : 0;
    if (stalled && !improved) {
      if (last_chance) break;
      last_chance = true;  // the same windows (center unchanged), searched to the end
      continue;
    }
    closed += stalled ? 0 : 1;
    if (improved) last_chance = false;  // a gain earns the stall stop back
    if (!improved && w < w_max) {  // the round closed without a gain: a local optimum of width w, look wider
      ++w;
      out.width = w;
      last_chance = false;
      continue;
    }
    // widen_to_limit: the limit, not max_widen, ends the rounds.
    if (!improved || w == 0 || (!options_.widen_to_limit && closed > options_.max_widen)) break;
    center = out.best.schedule;
  }
  return out;
}

std::unique_ptr<CutBoundThread> TwoPhaseScheduler::StartCutBound(const Problem& problem, Clock::time_point t0) const {
  // With certify, exact's run on the full problem proves the bound itself
  // (on the zoo in milliseconds: a second thread only slowed it down).
  if (!options_.bound_thread || options_.certify) return nullptr;
  const double seconds = options_.exact.time_limit_s - Secs(t0, Clock::now());
  if (seconds <= 0) return nullptr;
  return ExactScheduler::StartCutBoundThread(options_.exact, problem, std::numeric_limits<double>::infinity(),
                                             seconds);
}

void TwoPhaseScheduler::JoinCutBound(const Problem& problem, CutBoundThread* cut, ScheduleResult* out) {
  const double bound = ExactScheduler::RecordCutBound(cut->Stop(), out);
  if (!std::isfinite(bound)) return;
  const double objective = Evaluate(problem, out->schedule).objective;
  out->bound = std::isfinite(out->bound) ? std::max(out->bound, bound) : bound;
  out->bound = std::min(out->bound, objective);
  if (ExactScheduler::BoundMeets(out->bound, objective)) out->status = SolveStatus::kOptimal;
}

Status TwoPhaseScheduler::Certify(const Problem& problem, Clock::time_point t0, ScheduleResult* out) {
  // The full problem from the result, for what the rounds left of the limit.
  const double left = options_.exact.time_limit_s - Secs(t0, Clock::now());
  if (left <= 0) return Status::Ok();
  const auto tc = Clock::now();
  exact_.set_time_limit_s(left);
  auto cert = exact_.RunWindowed(problem, nullptr, &out->schedule);
  exact_.set_time_limit_s(options_.exact.time_limit_s);
  out->stats["certify_seconds"] = Secs(tc, Clock::now());
  if (!cert.ok()) return cert.status().WithContext("two_phase (certify)");
  if (!HasSchedule(*cert)) return Status::Ok();
  const Evaluation cur = Evaluate(problem, out->schedule);
  if (cert->objective < cur.objective - 1e-9 * std::max(1.0, std::fabs(cur.objective))) {
    out->schedule = cert->schedule;
    out->message += (out->message.empty() ? "" : "; ") + std::string("certify found a better schedule");
  }
  out->bound = cert->bound;
  if (cert->status == SolveStatus::kOptimal) out->status = SolveStatus::kOptimal;
  return Status::Ok();
}

}  // namespace respect
