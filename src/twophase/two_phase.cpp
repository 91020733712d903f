#include "twophase/two_phase.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/deadline.h"
#include "core/option_bounds.h"
#include "core/time_shares.h"
#include "formulations/reachability.h"
#include "formulations/schedule_ilp.h"
#include "sched/engines.h"
#include "sched/list_schedule.h"

namespace respect {

namespace {
bool HasSchedule(const ScheduleResult& r) {
  return r.status == SolveStatus::kOptimal || r.status == SolveStatus::kFeasible;
}
// The binary columns z[v][k] of the ILP over `windows` (BuildScheduleIlp
// keeps z[v][k] for lo[v] <= k < hi[v] after TightenWindows); -1 if none.
double BinariesOf(const Problem& problem, const Windows& windows) {
  auto tight = TightenWindows(problem, windows);
  if (!tight.ok() || !EmptyWindowReason(problem, *tight).empty()) return -1;
  double b = 0;
  for (int v = 0; v < problem.g().size(); ++v) b += std::max(0, tight->hi[v] - tight->lo[v]);
  return b;
}
// `r` arrives with its clocks (start_s, end_s, limit_s) set.
ScheduleResult::WindowRound RoundRecord(ScheduleResult::WindowRound r, const Windows& win, const ScheduleResult& res,
                                        bool improved, double scale, double best) {
  r.build_s = res.stats.exact.build_seconds.value_or(0.0);
  r.solver_s = res.stats.exact.solver_seconds.value_or(0.0);
  r.free_binaries = FreeBinaries(win);
  for (size_t v = 0; v < win.lo.size(); ++v) r.open_nodes += win.hi[v] > win.lo[v] ? 1 : 0;
  r.scale = scale;
  r.closed = res.status == SolveStatus::kOptimal;
  r.improved = improved;
  r.objective = best;
  return r;
}
// One line per round on stderr (solver.progress).
void PrintRound(size_t index, const ScheduleResult::WindowRound& r) {
  std::fprintf(stderr, "two_phase: round %zu ended at %.1f s: %lld free binaries on %d nodes (scale %g), %s, %s, best %.6g\n",
               index, r.end_s, static_cast<long long>(r.free_binaries), r.open_nodes, r.scale,
               r.closed ? "closed" : "not closed", r.improved ? "gain" : "no gain", r.objective);
}
}  // namespace

double TwoPhaseScheduler::StallSeconds(const SolveContext& ctx) {
  // A window round whose tree search, after a gain, finds nothing better for
  // a tenth of the limit (at least 10 s; MilpOptions::stall_s adds "and as
  // long as the root took") ends: on 5,000-node graphs Cbc's tree went 6 of
  // its 8 minutes without a gain (bench/results/scale.md), time a round
  // centred on the new incumbent can use.
  return ctx.ShareOf(time_shares::kTwoPhaseStall);
}

SolveContext TwoPhaseScheduler::CoarseContext(const SolveContext& ctx) const {
  // The coarse phase may use a quarter of the time limit; the windows get the rest.
  return ctx.Within(std::min(options_.rl.time_limit_s, ctx.ShareOf(time_shares::kTwoPhaseCoarse)));
}

ExactOptions TwoPhaseScheduler::WindowOptions(ExactOptions o, ExactEngine engine, int nodes) {
  if (engine != ExactEngine::kAuto) o.engine = engine;
  o.write_lp.clear();
  o.write_mip_start.clear();
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
      rl_(policy ? RlScheduler(options.rl, std::move(policy)) : RlScheduler(options.rl)),
      exact_(options.exact, std::move(solver)) {}

Status TwoPhaseScheduler::EnsureWindowPolicy() {
  if (window_policy_) return Status::Ok();
  std::shared_ptr<const StageNet> net;
  if (options_.windows == WindowMode::kLearned) {
    auto loaded = LoadWindowNet(options_.window_weights, options_.window_seed);
    if (!loaded.ok()) return loaded.status().WithContext("two_phase (window network)");
    net = std::move(*loaded);
  }
  window_policy_ = MakeWindowPolicy(options_.windows, std::move(net), options_.window_budget, options_.window_group);
  return Status::Ok();
}

Status TwoPhaseOptions::Validate() const {
  RESPECT_RETURN_IF_ERROR(rl.Validate());
  RESPECT_RETURN_IF_ERROR(exact.Validate());
  const std::string owner = "two_phase options";
  RESPECT_RETURN_IF_ERROR(CheckOptionBounds(owner, "window", window, option_bounds::kWindow));
  RESPECT_RETURN_IF_ERROR(CheckOptionBounds(owner, "max_widen", max_widen, option_bounds::kMaxWiden));
  RESPECT_RETURN_IF_ERROR(CheckOptionBounds(owner, "window_budget", window_budget, option_bounds::kWindowBudget));
  RESPECT_RETURN_IF_ERROR(CheckOptionBounds(owner, "window_group", window_group, option_bounds::kWindowGroup));
  if (!FindEngine(window_engine))
    return Status::Invalid(owner + ": window_engine = " + std::to_string(static_cast<int>(window_engine)) +
                           " (must be a row of sched/engines.h)");
  return Status::Ok();
}

StatusOr<ScheduleResult> TwoPhaseScheduler::Run(const Problem& problem) {
  return Solve(problem, SolveContext(options_.exact.time_limit_s));
}

StatusOr<ScheduleResult> TwoPhaseScheduler::Solve(const Problem& problem, const SolveContext& ctx) {
  RESPECT_RETURN_IF_ERROR(options_.Validate());
  ScheduleResult out;
  RESPECT_RETURN_IF_ERROR(EnsureWindowPolicy());
  RESPECT_RETURN_IF_ERROR(BeginResult(problem, name(), &out));
  if (out.status == SolveStatus::kInfeasible) return out;

  // Phase 1: the coarse schedule.
  auto coarse = rl_.Solve(problem, CoarseContext(ctx));
  if (!coarse.ok()) return coarse.status().WithContext("two_phase (rl)");
  if (!HasSchedule(*coarse)) {
    bool done = false;
    coarse = CoarseFallback(problem, ctx, &done);
    if (done || !coarse.ok()) return coarse;
    out.message = "policy gave no feasible split; coarse schedule from dp_topo";
  }
  out.policy_weights = RlWeightsSource(options_.rl);
  out.stats.two_phase.rl_seconds = ctx.Elapsed();
  return Refine(problem, std::move(*coarse), ctx, std::move(out));
}

StatusOr<ScheduleResult> TwoPhaseScheduler::CoarseFallback(const Problem& problem, const SolveContext& ctx,
                                                           bool* done) {
  auto fallback = DpTopoScheduler().Solve(problem, ctx.Within(ctx.ShareOf(time_shares::kTwoPhaseDpTopoFallback)));
  if (!fallback.ok() || HasSchedule(*fallback)) return fallback;
  // Neither finds a start: solve the full problem, for what is left.
  *done = true;
  auto full = exact_.Solve(problem, ctx.WithTrace(nullptr).Within(ctx.Left()));
  if (full.ok()) full->method = name();
  return full;
}

StatusOr<ScheduleResult> TwoPhaseScheduler::RunFrom(const Problem& problem, const Schedule& coarse) {
  RESPECT_RETURN_IF_ERROR(options_.Validate());
  const SolveContext ctx(options_.exact.time_limit_s);
  ScheduleResult out;
  RESPECT_RETURN_IF_ERROR(EnsureWindowPolicy());
  RESPECT_RETURN_IF_ERROR(BeginResult(problem, name(), &out));
  if (out.status == SolveStatus::kInfeasible) return out;
  ScheduleResult c;
  c.method = "coarse";
  c.schedule = coarse;
  c.status = SolveStatus::kFeasible;
  RESPECT_RETURN_IF_ERROR(FinishResult(problem, &c));
  out.stats.two_phase.rl_seconds = 0.0;
  return Refine(problem, std::move(c), ctx, std::move(out));
}

StatusOr<ScheduleResult> TwoPhaseScheduler::Refine(const Problem& problem, ScheduleResult coarse_result,
                                                   const SolveContext& run_ctx, ScheduleResult out) {
  TwoPhaseStats& st = out.stats.two_phase;
  st.coarse_objective = coarse_result.objective;
  std::unique_ptr<CutBoundThread> cut = StartCutBound(problem, run_ctx);
  const Windows hard = FullWindows(problem);
  // The primal curve, from the run's start; every round's exact feeds it.
  IncumbentTrace trace(Stopwatch(run_ctx.deadline().start()));
  const SolveContext ctx = run_ctx.WithTrace(&trace);
  trace.Offer(coarse_result.objective);
  Incumbent alt;
  // Phase clocks (seconds since the run began), for time per phase at scale.
  st.hard_windows_end_s = ctx.Elapsed();
  if (options_.strong_start) alt = DpTopoAlternative(problem, ctx);
  st.rounds_start_s = ctx.Elapsed();
  // Every round's windowed exact reads the closure sums for its incumbent
  // windows (memory_comm only): computed once here, not once per round, and
  // only where they are cheap against the limit (else RunRound goes without).
  Problem shared = problem;
  const double n = problem.g().size();
  if (options_.exact.incumbent_windows && problem.objective.kind == ObjectiveKind::kMemoryComm &&
      n * n * time_shares::kClosureSecondsPerNodePair <= ctx.ShareOf(time_shares::kTwoPhaseClosure))
    shared.closure = std::make_shared<const ClosureSums>(ComputeClosureSums(problem.g()));
  st.closure_end_s = ctx.Elapsed();
  auto rounds = CloseWindows(shared, hard, Incumbent{coarse_result.schedule, coarse_result.objective}, alt, ctx);
  if (!rounds.ok()) return rounds.status();
  st.rounds_end_s = ctx.Elapsed();
  const double tol = 1e-9 * std::max(1.0, std::fabs(coarse_result.objective));
  Incumbent best = rounds->best;
  bool from_dp_topo = rounds->from_dp_topo;
  if (alt.objective < best.objective - tol) {  // e.g. no window round finished in time
    best = alt;
    from_dp_topo = true;
  }
  st.incumbent_from_dp_topo = from_dp_topo;
  RecordRounds(*rounds, &st);
  out.schedule = std::move(best.schedule);
  out.status = SolveStatus::kFeasible;
  if (options_.certify) RESPECT_RETURN_IF_ERROR(Certify(problem, ctx, &out));
  if (cut) JoinCutBound(problem, cut.get(), &out);
  st.cut_bound_joined_s = ctx.Elapsed();
  // Counted from the windows: building the full model to count its columns
  // took seconds on 10,000-node graphs, past the time limit.
  // The hard windows are consistent along edges already (an ancestor has
  // fewer ancestors and more descendants), so they need no tightening.
  st.vars_full = FreeBinaries(hard);
  // Without a certificate the bound is the one every schedule obeys.
  if (!std::isfinite(out.bound)) out.bound = SimpleLowerBound(problem);
  out.seconds = ctx.Elapsed();
  RESPECT_RETURN_IF_ERROR(FinishResult(problem, &out));
  trace.Offer(out.objective);
  out.incumbent_trace = trace.Take();
  out.window_rounds = std::move(rounds->log);
  if (std::isfinite(out.bound) && out.objective > 0)
    st.certified_gap = (out.objective - out.bound) / out.objective;
  return out;
}

void TwoPhaseScheduler::RecordRounds(const Rounds& rounds, TwoPhaseStats* st) const {
  if (rounds.recentred) st->recentred_on_dp_topo = true;
  if (rounds.vars_kept >= 0) st->vars_kept = rounds.vars_kept;
  st->window = std::max(0, options_.window);
  st->learned_windows = window_policy_->name() == "learned";
  st->widen_rounds = std::max(0, rounds.rounds - 1);
  st->ilp_seconds = rounds.ilp_seconds;
  st->window_optimal = rounds.window_optimal;
  st->stalled_rounds = rounds.stalled_rounds;
  if (rounds.width > options_.window) st->widened_to = rounds.width;
}

TwoPhaseScheduler::Incumbent TwoPhaseScheduler::DpTopoAlternative(const Problem& problem,
                                                                  const SolveContext& ctx) const {
  auto h = DpTopoScheduler().Solve(problem, ctx.Within(ctx.ShareOf(time_shares::kTwoPhaseDpTopoAlternative)));
  if (!h.ok() || !HasSchedule(*h)) return {};
  return Incumbent{h->schedule, h->objective};
}

TwoPhaseScheduler::NextStep TwoPhaseScheduler::NextRound(const RoundOutcome& o, const TwoPhaseOptions& options,
                                                          bool diversifies, RoundState* s) {
  if (!o.has_schedule) return NextStep::kStop;
  if (diversifies) {
    // Learned LNS: rounds go on to the limit while they pay; a round without
    // a gain leaves the center as it is and the history moves the windows.
    if (o.improved) {
      s->idle = 0;
      return s->w == 0 ? NextStep::kStop : NextStep::kRecentre;
    }
    if (o.stalled) {
      s->scale = std::max(kMinScale, s->scale / 2);
    } else if ((s->scale *= 2) > kMaxScale) {
      return NextStep::kUniform;
    }
    return ++s->idle > kMaxIdleRounds ? NextStep::kStop : NextStep::kSameCenter;
  }
  if (o.stalled && !o.improved) {
    if (s->last_chance) return NextStep::kStop;
    s->last_chance = true;  // the same windows (center unchanged), searched to the end
    return NextStep::kSameCenter;
  }
  s->closed += o.stalled ? 0 : 1;
  if (o.improved) s->last_chance = false;  // a gain earns the stall stop back
  if (!o.improved && s->w < s->w_max) {    // a local optimum of width w: look wider
    ++s->w;
    s->last_chance = false;
    return NextStep::kSameCenter;
  }
  // widen_to_limit: the limit, not max_widen, ends the rounds.
  if (!o.improved || s->w == 0 || (!options.widen_to_limit && s->closed > options.max_widen)) return NextStep::kStop;
  return NextStep::kRecentre;
}

StatusOr<ScheduleResult> TwoPhaseScheduler::RunRound(const Problem& problem, const Windows& win,
                                                     const Schedule& center, double limit_s, bool stall_stop,
                                                     bool diversifying, const SolveContext& ctx) const {
  ExactOptions wo = WindowOptions(options_.exact, options_.window_engine, problem.g().size());
  // Without the shared closure (Refine: too costly) each round would compute its own.
  if (problem.objective.kind == ObjectiveKind::kMemoryComm && !problem.closure) wo.incumbent_windows = false;
  if (stall_stop && !diversifying) wo.stall_s = StallSeconds(ctx);
  ExactScheduler window_exact(wo);  // no start provider: the round's start is its center
  auto res = window_exact.RunWindowed(problem, &win, &center, ctx.Within(limit_s));
  if (!res.ok()) return res.status().WithContext("two_phase (windowed ILP)");
  return res;
}

TwoPhaseScheduler::RoundOutcome TwoPhaseScheduler::JudgeRound(const ScheduleResult& res, bool diversifies,
                                                              const Incumbent& alt, double tol, Rounds* out) {
  ++out->rounds;
  RoundOutcome o;
  o.has_schedule = HasSchedule(res);
  if (!o.has_schedule) return o;
  out->window_optimal = res.status == SolveStatus::kOptimal;
  // An LNS round that did not close its windows was too hard for its time.
  o.stalled = res.stats.exact.stalled || (diversifies && res.status != SolveStatus::kOptimal);
  out->stalled_rounds += o.stalled ? 1 : 0;
  if (res.objective < out->best.objective - tol) {
    out->best = Incumbent{res.schedule, res.objective};
    o.improved = true;
  }
  // After the first round dp_topo's split competes: when it beats the first
  // window's optimum, the next round is centred on it.
  if (out->rounds == 1 && alt.objective < out->best.objective - tol) {
    out->best = alt;
    o.improved = out->from_dp_topo = out->recentred = true;
  }
  return o;
}

bool TwoPhaseScheduler::Advance(NextStep next, const WindowPolicy* uniform, Rounds* out, Walk* walk) const {
  if (walk->state.w > options_.window) out->width = walk->state.w;
  switch (next) {
    case NextStep::kStop:
      return false;
    case NextStep::kRecentre:
      walk->center = out->best.schedule;
      return true;
    case NextStep::kUniform:
      walk->policy = uniform;
      walk->diversifies = false;
      return true;
    case NextStep::kSameCenter:
      return true;
  }
  return true;
}

StatusOr<TwoPhaseScheduler::Rounds> TwoPhaseScheduler::CloseWindows(const Problem& problem, const Windows& hard,
                                                                    const Incumbent& coarse, const Incumbent& alt,
                                                                    const SolveContext& ctx) const {
  // Rounds: windows around a center, closed exactly. Each round is judged
  // (JudgeRound), NextRound decides what follows from that outcome alone,
  // and Advance applies its step to the walk.
  const double tol = 1e-9 * std::max(1.0, std::fabs(coarse.objective));
  const UniformWindows uniform;
  Rounds out;
  out.best = coarse;
  Walk walk{coarse.schedule, window_policy_.get(), window_policy_->Diversifies(), {}, {}};
  walk.state.w = std::max(0, options_.window);
  walk.state.w_max = options_.widen_to_limit && walk.state.w > 0 ? walk.state.w + TwoPhaseOptions::kMaxExtraWidth
                                                                  : walk.state.w;
  // The last opening's and the last model build's seconds: a round whose
  // windows would open, or whose model would be built, past the limit is
  // not started (at 100,000 nodes an opening took 7-9 s and a build 7-9 s,
  // untimed: a round begun 2 s before the limit overran it by 7 s).
  double open_s = 0.0, build_s = 0.0, solver_floor_s = 0.0;
  // A requested stop ends the rounds (the one under way stops in Cbc).
  while (ctx.Left() > open_s + build_s + solver_floor_s && !ctx.stop().Requested()) {
    walk.history.scale = walk.state.scale;
    const Stopwatch opening;
    auto win = walk.policy->Open(problem, hard, walk.center, walk.state.w, walk.history);
    if (!win.ok()) return win.status().WithContext("two_phase (windows)");
    open_s = opening.Seconds();
    // Opening the windows can take seconds at 100,000 nodes: the round gets
    // what is left after it; an LNS round gets its share of it.
    const double left = ctx.Left();
    if (left <= build_s + solver_floor_s) break;
    ScheduleResult::WindowRound clocks;
    clocks.limit_s = walk.diversifies ? std::min(left, ctx.ShareOf(time_shares::kTwoPhaseLnsRound)) : left;
    const Stopwatch ts;
    clocks.start_s = ctx.Elapsed();
    auto res = RunRound(problem, *win, walk.center, clocks.limit_s, !walk.state.last_chance, walk.diversifies, ctx);
    out.ilp_seconds += ts.Seconds();
    if (!res.ok()) return res.status();
    build_s = res->stats.exact.build_seconds.value_or(0.0);
    solver_floor_s = time_shares::kTwoPhaseRoundFloor * res->stats.exact.solver_seconds.value_or(0.0);
    if (walk.diversifies) walk.history.Record(*win);
    if (out.vars_kept < 0) out.vars_kept = BinariesOf(problem, *win);
    const RoundOutcome o = JudgeRound(*res, walk.diversifies, alt, tol, &out);
    if (o.has_schedule) ctx.OfferIncumbent(res->objective);
    if (o.has_schedule && out.rounds == 1 && out.recentred) ctx.OfferIncumbent(alt.objective);
    clocks.end_s = ctx.Elapsed();
    out.log.push_back(RoundRecord(clocks, *win, *res, o.improved, walk.state.scale, out.best.objective));
    // Quiet for the first second, like exact's progress line: small graphs close in milliseconds.
    if (options_.exact.progress && out.log.back().end_s >= time_shares::kProgressQuietS)
      PrintRound(out.log.size(), out.log.back());
    if (!Advance(NextRound(o, options_, walk.diversifies, &walk.state), &uniform, &out, &walk)) break;
  }
  return out;
}

std::unique_ptr<CutBoundThread> TwoPhaseScheduler::StartCutBound(const Problem& problem,
                                                                 const SolveContext& ctx) const {
  // With certify, exact's run on the full problem proves the bound itself
  // (on the zoo in milliseconds: a second thread only slowed it down).
  if (!options_.bound_thread || options_.certify) return nullptr;
  if (ctx.Left() <= 0) return nullptr;
  return ExactScheduler::StartCutBoundThread(options_.exact, problem, std::numeric_limits<double>::infinity(), ctx);
}

void TwoPhaseScheduler::JoinCutBound(const Problem& problem, CutBoundThread* cut, ScheduleResult* out) {
  const double bound = ExactScheduler::RecordCutBound(cut->Stop(), out);
  if (!std::isfinite(bound)) return;
  const double objective = Evaluate(problem, out->schedule).objective;
  out->bound = std::isfinite(out->bound) ? std::max(out->bound, bound) : bound;
  out->bound = std::min(out->bound, objective);
  if (ExactScheduler::BoundMeets(out->bound, objective)) out->status = SolveStatus::kOptimal;
}

Status TwoPhaseScheduler::Certify(const Problem& problem, const SolveContext& ctx, ScheduleResult* out) {
  // The full problem from the result, for what the rounds left of the limit.
  const double left = ctx.Left();
  if (left <= 0 || ctx.stop().Requested()) return Status::Ok();
  const Stopwatch tc;
  // Its incumbents stay out of the primal curve (the result's objective ends it).
  auto cert = exact_.RunWindowed(problem, nullptr, &out->schedule, ctx.WithTrace(nullptr).Within(left));
  out->stats.two_phase.certify_seconds = tc.Seconds();
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
