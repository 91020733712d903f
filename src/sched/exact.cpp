#include "sched/exact.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "core/deadline.h"
#include "core/option_bounds.h"
#include "core/progress.h"
#include "core/time_shares.h"
#include "formulations/activation_cuts.h"
#include "formulations/cut_bound.h"
#include "formulations/reachability.h"
#include "sched/engines.h"
#include "sched/lattice.h"
#include "sched/list_schedule.h"
#include "solver/cbc_solver.h"

namespace respect {

namespace {

// The cut bound's band solver: a direct-driver Cbc of its own (never the
// injected solver), or none when band ILPs are off.
std::unique_ptr<MilpSolver> BandSolver(const ExactOptions& o) {
  return o.cut_bound_ilp ? MakeCbcSolver(CbcDriver::kDirect) : nullptr;
}

std::string Fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

}  // namespace

// The lattice's share of a kAuto run (core/time_shares.h kAutoLattice).
double AutoLatticeSeconds(double time_limit_s) {
  return time_shares::kAutoLattice.Of(time_shares::SizingLimit(time_limit_s));
}

Status ExactOptions::Validate() const {
  auto bad = [](const char* field, double v, const char* want) {
    return Status::Invalid(std::string("exact options: ") + field + " = " + Fmt(v) + " (must be " + want + ")");
  };
  if (!(time_limit_s >= 0.0)) return bad("time_limit_s", time_limit_s, ">= 0 seconds");
  RESPECT_RETURN_IF_ERROR(CheckOptionBounds("exact options", "threads", threads, option_bounds::kThreads));
  RESPECT_RETURN_IF_ERROR(CheckOptionBounds("exact options", "relative_gap", relative_gap, option_bounds::kRelativeGap));
  if (!(stall_s >= 0.0)) return bad("stall_s", stall_s, ">= 0 seconds, +inf: never");
  const std::pair<const char*, double> shares[] = {{"cut_bound_share", cut_bound_share},
                                                   {"start_search_share", start_search_share},
                                                   {"large_start_search_share", large_start_search_share}};
  for (const auto& [field, v] : shares)
    if (!(v >= 0.0 && v <= 1.0)) return bad(field, v, "in [0, 1]");
  if (start_search_min_nodes < 0) return bad("start_search_min_nodes", start_search_min_nodes, ">= 0");
  if (!FindEngine(engine)) return bad("engine", static_cast<int>(engine), "a row of sched/engines.h");
  if (!write_mip_start.empty() && write_lp.empty())
    return Status::Invalid("exact options: write_mip_start needs write_lp (the start names that model's columns)");
  return Status::Ok();
}

ExactScheduler::ExactScheduler(ExactOptions options, std::unique_ptr<MilpSolver> solver, ExactStarts starts)
    : options_(std::move(options)), starts_(std::move(starts)), solver_(std::move(solver)) {}

StatusOr<ScheduleResult> ExactScheduler::Run(const Problem& problem) {
  return RunWindowed(problem, nullptr, nullptr);
}

StatusOr<ScheduleResult> ExactScheduler::Solve(const Problem& problem, const SolveContext& ctx) {
  return RunWindowed(problem, nullptr, nullptr, ctx);
}

StatusOr<ScheduleResult> ExactScheduler::RunWindowed(const Problem& problem, const Windows* windows,
                                                     const Schedule* start) {
  return RunWindowed(problem, windows, start, SolveContext(options_.time_limit_s));
}

// What one RunWindowed call carries from step to step. Not copyable:
// `windows` may point at `bounded`.
struct ExactScheduler::RunState {
  RunState(const Problem& p, const Windows* w, const SolveContext& c) : problem(p), ctx(c), windows(w) {}
  // The start search found a better start whose incumbent windows are not
  // computed yet (RestrictToStart before the model is built).
  bool restrict_pending = false;
  RunState(const RunState&) = delete;
  RunState& operator=(const RunState&) = delete;
  double Elapsed() const { return ctx.Elapsed(); }
  double Left() const { return ctx.Left(); }
  const Schedule* Warm() const { return have_warm ? &warm : nullptr; }
  // outside_bound = the larger of it and `bound` (NaN: nothing new).
  void RaiseOutsideBound(double bound) {
    if (std::isfinite(bound)) outside_bound = std::isfinite(outside_bound) ? std::max(outside_bound, bound) : bound;
  }
  // The start's objective; +inf without a feasible start.
  double WarmObjective() const {
    if (!have_warm) return std::numeric_limits<double>::infinity();
    const Evaluation ev = Evaluate(problem, warm);
    return ev.feasible ? ev.objective : std::numeric_limits<double>::infinity();
  }

  // The progress line (options.progress) between phases: the start and the
  // best bound proven so far (what the result would carry).
  void Report(const std::string& phase) {
    if (!line) return;
    const double bound = std::isfinite(outside_bound) ? std::max(outside_bound, simple_bound) : simple_bound;
    line->Update(WarmObjective(), bound, phase);
  }
  void StartLine() {
    line = std::make_unique<SolveProgress>("exact (" + std::to_string(problem.g().size()) + " nodes)",
                                           time_shares::kProgressQuietS);
    simple_bound = SimpleLowerBound(problem);
  }

  const Problem& problem;
  const SolveContext ctx;  // the run's deadline (its clock started with the run), stop token, trace
  const Windows* windows;  // the caller's, then restricted by the start (bounded)
  Windows bounded;
  Schedule warm;  // the start
  bool have_warm = false;
  double outside_bound = std::nan("");  // proven outside Cbc: the lattice's, then the cut bound's
  ScheduleResult r;
  std::unique_ptr<CutBoundThread> cut;  // the concurrent cut bound (StartCutBound) until joined
  std::unique_ptr<SolveProgress> line;  // options.progress: one line for the whole run
  double simple_bound = 0.0;            // SimpleLowerBound, with the line
};

StatusOr<ScheduleResult> ExactScheduler::RunWindowed(const Problem& problem, const Windows* windows,
                                                     const Schedule* start, const SolveContext& ctx) {
  RESPECT_RETURN_IF_ERROR(options_.Validate());
  RunState s(problem, windows, ctx);
  s.r.method = name();
  s.r.bound = std::nan("");
  RESPECT_RETURN_IF_ERROR(problem.Validate());
  if (std::string why = problem.NoScheduleReason(); !why.empty()) return Infeasible(&s, why);
  const bool full_problem = !windows;
  // A plain run of a graph large enough searches a better start (below).
  const bool search_start = full_problem && !start && starts_.search &&
                            problem.g().size() >= options_.start_search_min_nodes;
  if (options_.progress) s.StartLine();
  ChooseStart(start, search_start, &s);
  RestrictToStart(&s);
  if (auto done = TryLattice(&s)) return std::move(*done);
  s.Report("lattice");
  // After a requested stop no phase starts: the start is what it returns.
  const bool search = search_start && !ctx.stop().Requested();
  if (search && CutBoundApplies(options_, problem)) StartCutBound(&s);
  if (search) {
    ImproveStart(&s);
    s.Report("start search");
  } else if (search_start && !s.have_warm && options_.warm_start) {
    s.have_warm = FirstStart(&s);  // stopped before the search: dp_topo's split is the start
  }
  if (full_problem && !ctx.stop().Requested())
    if (auto done = TryCutBound(&s)) return std::move(*done);
  // The start took it all (large graphs, short limits), or a large graph's
  // start search used its whole share: the full model's build is not timed
  // (30 s at 200,000 nodes for a Cbc share of 6 s), and that share improved
  // no start above 2,048 nodes (time_shares::kLargeStartSearch).
  // So is one that left less than the better start's incumbent windows
  // would take (a Reachability with parameter sums, also not timed): the
  // search's rounds now end early rather than start a build past the limit,
  // and at 100,000 nodes the full model's windows and build then took 35 s
  // past it.
  const bool large_search_done =
      search_start && problem.g().size() > kLatticeWideMaxNodes &&
      (s.Left() <= LargeSearchRemainder(ctx.limit_s()) || EstimatedReachabilitySeconds(problem.g()) > s.Left());
  // A requested stop ends the run here as the limit would: the start, with
  // the bound proven so far.
  const bool stopped = ctx.stop().Requested();
  if (s.Elapsed() >= ctx.limit_s() || large_search_done || stopped) {
    if (large_search_done && !stopped) s.r.stats.exact.full_model_skipped = true;
    JoinCutBound(&s);
    auto done = StartAtTimeLimit(problem, s.Warm(), s.outside_bound, s.Elapsed(), std::move(s.r), stopped);
    // The model files asked for, after the result's clock stopped.
    if (done.ok() && !stopped) RESPECT_RETURN_IF_ERROR(WriteUnsolvedModel(&s));
    return done;
  }
  if (s.restrict_pending) RestrictToStart(&s);
  return SolveIlp(&s);
}

StatusOr<ScheduleResult> ExactScheduler::Infeasible(RunState* s, const std::string& why) {
  s->r.status = SolveStatus::kInfeasible;
  s->r.message = why;
  s->r.bound = std::nan("");
  s->r.seconds = s->Elapsed();
  RESPECT_RETURN_IF_ERROR(FinishResult(s->problem, &s->r));
  return std::move(s->r);
}

void ExactScheduler::ChooseStart(const Schedule* start, bool search_start, RunState* s) const {
  // The caller's, else the best dp_topo split (left to the start search on
  // graphs where it runs before any lattice share).
  if (start) {
    s->warm = *start;
    s->have_warm = true;
  } else if (options_.warm_start && !(search_start && StartSearchPrecedesLattice(s->problem))) {
    s->have_warm = FirstStart(s);
  }
}

void ExactScheduler::RestrictToStart(RunState* s) const {
  // A start of objective J rules out every node placement that forces a
  // stage heavier than J (IncumbentWindows): the model keeps only schedules
  // at least as good, the start among them.
  const Problem& problem = s->problem;
  if (!options_.incumbent_windows || !s->have_warm || problem.objective.kind != ObjectiveKind::kMemoryComm) return;
  const Evaluation ev = Evaluate(problem, s->warm);
  if (!ev.feasible || (s->windows && !WithinWindows(*s->windows, s->warm))) return;
  Windows bounded = IncumbentWindows(problem, ev.objective);
  if (s->windows)
    for (int v = 0; v < problem.g().size(); ++v) {
      bounded.lo[v] = std::max(bounded.lo[v], s->windows->lo[v]);
      bounded.hi[v] = std::min(bounded.hi[v], s->windows->hi[v]);
    }
  s->bounded = std::move(bounded);
  s->windows = &s->bounded;
}

std::optional<StatusOr<ScheduleResult>> ExactScheduler::TryLattice(RunState* s) const {
  const Problem& problem = s->problem;
  ScheduleResult& r = s->r;
  // kAuto tries the lattice on every graph it handles, but only for a share
  // of the limit: it proves DNN-like graphs (blocks in series) in
  // milliseconds, and on wide graphs it either finishes at once or not for
  // minutes; then Cbc takes over with its incumbent and bound.
  const EngineLattice use = FindEngine(options_.engine)->lattice;  // Validate checked the row
  const bool auto_lattice = use == EngineLattice::kShare && !solver_ && problem.g().size() <= kLatticeWideMaxNodes;
  if (use != EngineLattice::kWhole && !auto_lattice) return std::nullopt;
  if (!options_.write_lp.empty()) {
    // The model file is asked for even when the lattice solves the problem.
    auto b = BuildScheduleIlp(problem, s->windows);
    if (b.ok() && b->infeasible.empty()) {
      Status written = WriteModelFiles(*b, StartColumns(*b, *s));
      if (!written.ok()) return StatusOr<ScheduleResult>(written);
    }
  }
  LatticeOptions lo = options_.lattice;
  lo.time_limit_s = std::max(1e-3, s->Left());
  if (auto_lattice) lo.time_limit_s = std::min(lo.time_limit_s, s->ctx.SizedShareOf(time_shares::kAutoLattice));
  lo.wide = true;  // graphs of any size it handles
  lo.stop = s->ctx.stop();
  const Stopwatch tl;
  LatticeResult lr = SolveOnIdealLattice(problem, s->windows, s->Warm(), lo);
  r.stats.lattice.ideals = static_cast<double>(lr.ideals);
  r.stats.lattice.labels = static_cast<double>(lr.labels);
  r.stats.lattice.steps = static_cast<double>(lr.steps);
  ExactStats& e = r.stats.exact;
  e.solver_seconds = tl.Seconds();
  if (lr.start_used) {
    e.start_objective = Evaluate(problem, s->warm).objective;
    e.start_feasible = true;
  }
  // Cbc takes over: the lattice's figures are not the ILP's.
  auto hand_over = [&e] {
    e.lattice_seconds = e.solver_seconds;
    e.start_objective.reset();
    e.start_feasible.reset();
  };
  switch (lr.outcome) {
    case LatticeResult::Outcome::kOptimal:
      return LatticeOptimal(lr, s);
    case LatticeResult::Outcome::kInfeasible:
      return Infeasible(s, lr.message + (s->windows ? " (within the windows)" : ""));
    case LatticeResult::Outcome::kTimeLimit:
      if (!auto_lattice) return LatticeStopped(lr, s);
      // Hand over to Cbc: the lattice's incumbent as start, its bound kept.
      if (!lr.schedule.stage.empty()) {
        const Evaluation found = Evaluate(problem, lr.schedule);
        if (found.feasible && (!s->windows || WithinWindows(*s->windows, lr.schedule)) &&
            (!s->have_warm || found.objective < Evaluate(problem, s->warm).objective)) {
          s->warm = lr.schedule;
          s->have_warm = true;
        }
      }
      s->outside_bound = lr.bound;
      hand_over();
      return std::nullopt;
    case LatticeResult::Outcome::kTooLarge:
      hand_over();
      return std::nullopt;  // the ILP below
  }
  return std::nullopt;
}

StatusOr<ScheduleResult> ExactScheduler::LatticeOptimal(const LatticeResult& lr, RunState* s) {
  ScheduleResult& r = s->r;
  r.schedule = lr.schedule;
  r.status = SolveStatus::kOptimal;
  r.seconds = s->Elapsed();
  RESPECT_RETURN_IF_ERROR(FinishResult(s->problem, &r));
  const double tol = 1e-9 * std::max(1.0, std::fabs(lr.objective));
  if (std::fabs(r.objective - lr.objective) > tol)
    return Status::Internal("exact scheduler: lattice objective " + Fmt(lr.objective) + " but evaluate() gives " +
                            Fmt(r.objective));
  r.stats.exact.gap = 0.0;
  r.stats.exact.proven_bound = r.objective;
  return std::move(r);
}

StatusOr<ScheduleResult> ExactScheduler::LatticeStopped(const LatticeResult& lr, RunState* s) {
  ScheduleResult& r = s->r;
  r.message = lr.message;
  r.seconds = s->Elapsed();
  if (lr.schedule.stage.empty()) {
    r.status = SolveStatus::kTimeLimit;
  } else {
    r.schedule = lr.schedule;
    r.status = SolveStatus::kFeasible;
  }
  RESPECT_RETURN_IF_ERROR(FinishResult(s->problem, &r));
  SetFallbackBound(s->problem, lr.bound, &r);
  return std::move(r);
}

void ExactScheduler::ImproveStart(RunState* s) const {
  // Large graphs the lattice did not settle: a better start before Cbc (its
  // root LP and search rarely improve a dp_topo start within the limit).
  if (auto better = SearchBetterStart(s)) {
    s->warm = std::move(*better);
    s->have_warm = true;
    s->windows = nullptr;  // the start search runs on the full problem only: the better start's windows replace the old
    // Only the model reads them, and their closure with parameter sums took
    // 20 s at 200,000 nodes: computed when a model is built.
    s->restrict_pending = true;
  }
  if (!s->have_warm && options_.warm_start) s->have_warm = FirstStart(s);  // it found none
}

std::optional<StatusOr<ScheduleResult>> ExactScheduler::TryCutBound(RunState* s) const {
  // The cut bound may prove the start optimal before any model is built; it
  // is far above the root LP on large graphs.
  if (s->cut) {  // running beside the start search: only a finished one
    if (!s->cut->Finished()) return std::nullopt;
    JoinCutBound(s);
  } else if (CutBoundApplies(options_, s->problem)) {
    CutBoundOptions co = SoloCutBoundOptions(options_, s->ctx);
    co.time_limit_s = std::min(co.time_limit_s, s->Left());
    if (co.time_limit_s <= 0.0) return std::nullopt;
    std::unique_ptr<MilpSolver> band_solver = BandSolver(options_);
    co.band_solver = band_solver.get();
    s->RaiseOutsideBound(RecordCutBound(CutLowerBound(s->problem, s->WarmObjective(), co), &s->r));
    s->Report("cut bound");
  }
  const double cut = s->outside_bound;
  if (!std::isfinite(cut) || !s->have_warm || !BoundMeets(cut, Evaluate(s->problem, s->warm).objective))
    return std::nullopt;
  auto done = StartAtTimeLimit(s->problem, &s->warm, s->outside_bound, s->Elapsed(), std::move(s->r));
  if (done.ok()) {
    done->message = "the cut bound proves the start optimal";
    CloseByBound(s->outside_bound, &*done);
  }
  return done;
}

CutBoundOptions ExactScheduler::SoloCutBoundOptions(const ExactOptions& o, const SolveContext& ctx) {
  // Sized from the sizing limit (core/time_shares.h): a longer limit never
  // holds Cbc back longer.
  const double sizing = ctx.SizingLimit();
  CutBoundOptions co = CutBoundOptions::ForRun(sizing, o.cut_bound_share * sizing);
  co.stall_s = ctx.SizedShareOf(time_shares::kCutBoundStall);
  co.stop = ctx.stop();
  return co;
}

bool ExactScheduler::CutBoundApplies(const ExactOptions& o, const Problem& problem) {
  return o.cut_bound && problem.objective.kind == ObjectiveKind::kMemoryComm && problem.stages >= 2;
}

std::unique_ptr<CutBoundThread> ExactScheduler::StartCutBoundThread(const ExactOptions& o, const Problem& problem,
                                                                    double incumbent, const SolveContext& ctx) {
  if (!CutBoundApplies(o, problem)) return nullptr;
  CutBoundOptions co = CutBoundOptions::ForRun(ctx.limit_s(), ctx.Left());
  co.stop = ctx.stop();  // the thread stops at its owner's Stop or when the run is stopped
  return std::make_unique<CutBoundThread>(problem, incumbent, co, BandSolver(o));
}

void ExactScheduler::StartCutBound(RunState* s) const {
  // Without a start yet, the bound covers every peak (the incumbent caps it
  // where it is reported).
  s->r.stats.cut_bound.concurrent = true;
  s->cut = StartCutBoundThread(options_, s->problem, s->WarmObjective(), s->ctx);
}

void ExactScheduler::JoinCutBound(RunState* s) const {
  if (!s->cut) return;
  s->RaiseOutsideBound(RecordCutBound(s->cut->Stop(), &s->r));
  s->cut.reset();
}

MilpSolver* ExactScheduler::IlpSolver() {
  if (solver_) return solver_.get();
  if (!engine_solver_) engine_solver_ = FindEngine(options_.engine)->make_solver(options_);  // Validate checked the row
  return engine_solver_.get();
}

StatusOr<ScheduleResult> ExactScheduler::SolveIlp(RunState* s) {
  const Problem& problem = s->problem;
  ScheduleResult& r = s->r;
  const Stopwatch tb;
  // The edge reduction's pass may take a share of what is left (at 100,000
  // nodes it took a window round's whole limit).
  auto built = BuildScheduleIlp(problem, s->windows, EdgeReduction::kAuto,
                                s->ctx.ShareOfLeft(time_shares::kEdgeReduction));
  r.stats.exact.build_seconds = tb.Seconds();
  if (!built.ok()) return built.status();
  if (!built->infeasible.empty()) return Infeasible(s, built->infeasible);
  const IlpModel& ilp = *built;
  int binaries = 0;
  for (const auto& c : ilp.milp.cols) binaries += c.integer ? 1 : 0;
  r.stats.exact.ilp_cols = ilp.milp.num_cols();
  r.stats.exact.ilp_rows = ilp.milp.num_rows();
  r.stats.exact.ilp_binaries = binaries;
  std::vector<double> start = StartColumns(ilp, *s);
  RESPECT_RETURN_IF_ERROR(WriteModelFiles(ilp, start));

  // The start, the windows and the model took their share: the solver gets
  // what is left, and nothing when nothing is.
  const double left = s->Left();
  if (left <= 0.0 || s->ctx.stop().Requested()) {
    JoinCutBound(s);
    return StartAtTimeLimit(problem, s->Warm(), s->outside_bound, s->Elapsed(), std::move(r), left > 0.0);
  }
  MilpOptions mo;
  mo.time_limit_s = left;
  mo.stop = s->ctx.stop();  // one Request ends the run's Cbc solve too
  mo.threads = options_.threads;
  mo.relative_gap = options_.relative_gap;
  mo.verbose = options_.verbose;
  mo.stall_s = options_.stall_s;
  mo.mip_start = std::move(start);
  if (s->line || s->ctx.trace()) {
    // The bound shown is the one the result would carry (SetFallbackBound).
    SolveProgress* line = s->line.get();
    const double simple = s->simple_bound;
    const SolveContext* ctx = &s->ctx;
    mo.progress = [line, &ilp, simple, ctx](const MilpProgress& m) {
      if (std::isfinite(m.incumbent)) ctx->OfferIncumbent(ilp.ToCost(m.incumbent));
      if (!line) return;
      char extra[64];
      std::snprintf(extra, sizeof extra, "%s, %lld nodes", m.phase, static_cast<long long>(m.nodes));
      const double bound = std::isfinite(m.bound) ? std::max(simple, ilp.ToCost(m.bound)) : simple;
      line->Update(ilp.ToCost(m.incumbent), bound, extra);
    };
  }
  MilpSolver* solver = IlpSolver();
  if (!solver) return Status::Internal(std::string("exact scheduler: engine '") + FindEngine(options_.engine)->name +
                                       "' made no solver");
  // With constraints.max_stage_activation_bytes: lazy cuts, solving again
  // until the solution keeps the cap (the model gains rows, no columns).
  int act_rounds = 0;
  auto solved = SolveWithActivationCuts(solver, &*built, mo, &act_rounds);
  if (act_rounds > 0) r.stats.exact.activation_cut_rounds = act_rounds;
  if (s->line) s->line->Finish();
  JoinCutBound(s);
  if (!solved.ok()) return solved.status().WithContext("exact scheduler (" + solver->name() + ")");
  return FromMilp(ilp, *solved, s);
}

std::vector<double> ExactScheduler::StartColumns(const IlpModel& ilp, const RunState& s) {
  if (!s.have_warm || !WithinWindows(ilp.windows, s.warm) || !Evaluate(s.problem, s.warm).feasible) return {};
  return EncodeStart(ilp, s.warm);
}

Status ExactScheduler::WriteModelFiles(const IlpModel& ilp, const std::vector<double>& start) const {
  if (options_.write_lp.empty()) return Status::Ok();
  RESPECT_RETURN_IF_ERROR(WriteModelFile(ilp.milp, options_.write_lp));
  if (options_.write_mip_start.empty() || start.empty()) return Status::Ok();
  return WriteMipStartFile(ilp.milp, start, options_.write_mip_start);
}

Status ExactScheduler::WriteUnsolvedModel(RunState* s) const {
  // Large graphs skip the full model once the start search used its share
  // (its build is not timed); a user who asks for the model file gets the
  // one Cbc would have had, at the cost of building it now.
  if (options_.write_lp.empty()) return Status::Ok();
  if (s->restrict_pending) RestrictToStart(s);
  auto built = BuildScheduleIlp(s->problem, s->windows);
  if (!built.ok()) return built.status();
  if (!built->infeasible.empty()) return Status::Ok();  // no model to write (the result says why)
  return WriteModelFiles(*built, StartColumns(*built, *s));
}

StatusOr<ScheduleResult> ExactScheduler::FromMilp(const IlpModel& ilp, const MilpResult& mr, RunState* s) {
  const Problem& problem = s->problem;
  ScheduleResult& r = s->r;
  ExactStats& e = r.stats.exact;
  e.bb_nodes = static_cast<double>(mr.nodes);
  e.solver_seconds = mr.seconds;
  if (mr.stalled) e.stalled = true;
  if (mr.start_given) {
    e.start_objective = ilp.ToCost(mr.start_objective);
    e.start_feasible = mr.start_feasible;
  }
  r.message = mr.message;
  switch (mr.status) {
    case SolveStatus::kInfeasible:
      return Infeasible(s, "the solver proved that no schedule satisfies the constraints" +
                               std::string(s->windows ? " within the windows" : "") +
                               (mr.message.empty() ? "" : " (" + mr.message + ")"));
    case SolveStatus::kTimeLimit:
      if (s->have_warm && Evaluate(problem, s->warm).feasible)  // e.g. a start outside the windows
        return StartAtTimeLimit(problem, &s->warm, s->outside_bound, s->Elapsed(), std::move(r), mr.stopped);
      r.status = SolveStatus::kTimeLimit;
      if (std::isfinite(mr.bound)) r.bound = ilp.ToCost(mr.bound);
      r.seconds = s->Elapsed();
      RESPECT_RETURN_IF_ERROR(FinishResult(problem, &r));
      return std::move(r);
    case SolveStatus::kInvalid:
      return Status::Internal("exact scheduler: the solver rejected the schedule ILP: " + mr.message);
    case SolveStatus::kOptimal:
    case SolveStatus::kFeasible:
      break;
  }
  if (static_cast<int>(mr.values.size()) != ilp.milp.num_cols())
    return Status::Internal("exact scheduler: the solver returned " + std::to_string(mr.values.size()) +
                            " values for " + std::to_string(ilp.milp.num_cols()) + " columns");
  r.schedule = DecodeSchedule(ilp, mr.values);
  r.status = mr.status;
  const double ilp_cost = ilp.ToCost(mr.objective);
  const double proven = std::isfinite(mr.bound) ? ilp.ToCost(mr.bound) : std::nan("");
  r.seconds = s->Elapsed();
  RESPECT_RETURN_IF_ERROR(FinishResult(problem, &r));
  // The ILP's value of the schedule must be evaluate()'s (the continuous
  // columns can only sit above their least value in a non-optimal point).
  const double ev = r.eval.objective;
  const double tol = 1e-6 * std::max(std::fabs(ev), std::fabs(ilp_cost)) + 1e-7 * ilp.objective_scale;
  const bool mismatch = r.status == SolveStatus::kOptimal ? std::fabs(ilp_cost - ev) > tol : ev > ilp_cost + tol;
  if (mismatch)
    return Status::Internal("exact scheduler: ILP objective " + Fmt(ilp_cost) + " but evaluate() gives " +
                            Fmt(ev) + " for the decoded schedule of graph '" + problem.g().name() + "'");
  e.gap = mr.gap;
  if (r.status == SolveStatus::kOptimal) {
    if (std::isfinite(proven)) e.proven_bound = std::min(proven, r.objective);
  } else {
    const double bound = s->outside_bound;
    r.bound = std::isfinite(proven) ? std::min(proven, r.objective) : std::nan("");
    if (std::isfinite(bound)) r.bound = std::isfinite(r.bound) ? std::max(r.bound, bound) : bound;
    SetFallbackBound(problem, r.bound, &r);
    // Either engine's proof counts: the lattice's (or the cut) bound may
    // close the gap.
    CloseByBound(bound, &r);
  }
  return std::move(r);
}

bool ExactScheduler::BoundMeets(double bound, double objective) {
  return bound >= objective * (1 - 1e-12) - 1e-9;
}

void ExactScheduler::CloseByBound(double bound, ScheduleResult* r) {
  if (r->status != SolveStatus::kFeasible || !std::isfinite(bound)) return;
  if (!BoundMeets(r->bound, r->objective)) return;
  r->status = SolveStatus::kOptimal;
  r->stats.exact.proven_bound = r->bound;
  r->stats.exact.gap = 0.0;
  r->bound = r->objective;
}

double ExactScheduler::RecordCutBound(const CutBoundResult& cb, ScheduleResult* r) {
  CutBoundStats& c = r->stats.cut_bound;
  if (std::isfinite(cb.bound)) c.bound = cb.bound;
  c.seconds = cb.seconds;
  c.peaks = cb.peaks_evaluated;
  c.bands = cb.bands;
  if (cb.band_ilps > 0) c.band_ilps = cb.band_ilps;
  if (cb.clusters > 0) c.clusters = cb.clusters;
  if (cb.spectral_floors > 0) c.spectral_floors = cb.spectral_floors;
  if (cb.spectral_seconds > 0) c.spectral_seconds = cb.spectral_seconds;
  if (cb.stalled) c.stalled = true;
  if (std::isfinite(cb.peak)) c.peak = cb.peak;
  return std::isfinite(cb.bound) ? cb.bound : std::nan("");
}

StatusOr<ScheduleResult> ExactScheduler::StartAtTimeLimit(const Problem& problem, const Schedule* start,
                                                          double bound, double seconds, ScheduleResult r,
                                                          bool stopped) {
  r.message = stopped ? "stopped by request before the solver ran" : "time limit reached before the solver ran";
  if (start && Evaluate(problem, *start).feasible) {
    r.schedule = *start;
    r.status = SolveStatus::kFeasible;
    r.message += "; the schedule is the start";
  } else {
    r.status = SolveStatus::kTimeLimit;
  }
  r.seconds = seconds;
  RESPECT_RETURN_IF_ERROR(FinishResult(problem, &r));
  SetFallbackBound(problem, bound, &r);
  return r;
}

bool ExactScheduler::FirstStart(RunState* s) const {
  // The start is a help, not the job: at most a fifth of the time limit
  // (dp_topo's splits take seconds only on graphs of thousands of nodes).
  if (!starts_.first) return false;
  const Stopwatch ts;
  auto found = starts_.first->Start(s->problem, s->ctx.Within(s->ctx.ShareOf(time_shares::kDpTopoStart)));
  s->r.stats.exact.start_seconds = ts.Seconds();
  if (!found.ok() || found->stage.size() != static_cast<size_t>(s->problem.g().size())) return false;
  s->warm = std::move(found).value();
  return true;
}

bool ExactScheduler::StartSearchPrecedesLattice(const Problem& problem) {
  // Without a lattice share to seed, dp_topo's split would only be a fallback
  // that two_phase computes itself (its strong start), at up to a fifth of
  // the limit on graphs of thousands of nodes.
  return problem.g().size() > kLatticeWideMaxNodes;
}

double ExactScheduler::LargeSearchRemainder(double limit_s) const {
  // What a search that used its whole share leaves, plus a second of slack
  // for the steps between (joining the cut bound, evaluating the start).
  return (1.0 - options_.large_start_search_share) * limit_s + 1.0;
}

std::optional<Schedule> ExactScheduler::SearchBetterStart(RunState* s) const {
  const Problem& problem = s->problem;
  const double share = problem.g().size() > kLatticeWideMaxNodes ? options_.large_start_search_share
                                                                  : options_.start_search_share;
  const double seconds = std::min(share * s->ctx.limit_s(), s->Left());
  if (seconds <= 0.0) return std::nullopt;
  const Stopwatch ts;
  auto found = starts_.search->Start(problem, s->ctx.Within(seconds));
  s->r.stats.exact.start_search_seconds = ts.Seconds();
  s->r.stats.exact.start_search_improved = false;
  if (!found.ok() || found->stage.size() != static_cast<size_t>(problem.g().size())) return std::nullopt;
  const Evaluation ev = Evaluate(problem, *found);
  const Schedule* warm = s->Warm();
  if (!ev.feasible || (warm && ev.objective >= Evaluate(problem, *warm).objective)) return std::nullopt;
  s->r.stats.exact.start_search_improved = true;
  return std::move(found).value();
}

void ExactScheduler::SetFallbackBound(const Problem& problem, double bound, ScheduleResult* r) {
  // SimpleLowerBound holds for every schedule; a solver's own bound is
  // usually tighter, but a stopped one may have none.
  const double simple = SimpleLowerBound(problem);
  double b = std::isfinite(bound) ? std::max(bound, simple) : simple;
  if (r->status == SolveStatus::kFeasible) b = std::min(b, r->objective);
  r->bound = b;
  if (r->status == SolveStatus::kFeasible)
    r->stats.exact.gap = (r->objective - b) / std::max(1e-12, std::fabs(r->objective));
}

}  // namespace respect
