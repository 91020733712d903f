// "exact": the ILP of formulations/schedule_ilp.h solved by a MilpSolver
// (COIN-OR Cbc by default), warm-started from its start provider
// (sched/start_provider.h; dp_topo's best natural-order split unless another
// is injected, given at most a fifth of the time limit; on large graphs the
// lattice does not settle, a better start from the injected start search,
// which the registry fills with two_phase), and restricted to the
// IncumbentWindows of that start (options.incumbent_windows): node stages no
// schedule as good as the start can use are fixed away before Cbc starts;
// graphs of at most kLatticeMaxNodes nodes are solved by the ideal-lattice
// DP of sched/lattice.h instead (proven optimal too; the ILP takes over when
// the lattice is too large).
#pragma once

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/deadline.h"
#include "core/solve_context.h"
#include "core/time_shares.h"
#include "formulations/cut_bound.h"
#include "formulations/schedule_ilp.h"
#include "sched/choice_ids.h"
#include "sched/lattice.h"
#include "sched/scheduler.h"
#include "sched/start_provider.h"
#include "solver/cbc_solver.h"
#include "solver/milp.h"

namespace respect {

// The lattice's time share in a kAuto run of this limit (seconds;
// core/time_shares.h kAutoLattice: at most 0.5 s, whatever the limit).
double AutoLatticeSeconds(double time_limit_s);

// Which exact engine solves the problem.
//   kAuto:      the lattice DP (wide, up to kLatticeWideMaxNodes nodes) for
//               AutoLatticeSeconds of the limit; when it neither proves nor
//               refutes in that time (or its lattice is too large), Cbc takes
//               over, starting from the better of the lattice's incumbent and
//               the dp_topo start, and the result's bound is the larger of
//               the two engines' (optimal when it meets the objective). Cbc:
//               the direct driver, or CbcMain with threads > 1 when the
//               linked Cbc has threads (exact.cpp, AutoDriver);
//   kCbcMain:   Cbc through CbcMain0/CbcMain1 (the cbc program's defaults;
//               one solve at a time per process);
//   kCbcDirect: Cbc through CbcModel with a fixed set of cut generators and
//               heuristics (thread-safe, solves run concurrently);
//   kLattice:   the ideal-lattice DP of sched/lattice.h on any graph up to
//               2048 nodes (LatticeOptions::wide); where the graph or its
//               lattice is too large, kAuto's Cbc driver.
// Each engine (ExactEngine, sched/choice_ids.h) is a row of sched/engines.h
// (its name, its use of the lattice, the factory of its MILP solver); rows
// registered there take the values after kLattice.

struct ExactOptions {
  // Wall clock of a whole Run: start, windows, model, solver. Solve and the
  // RunWindowed overload with a context take the context's deadline instead.
  double time_limit_s = 600.0;
  int threads = 1;
  double relative_gap = 0.0;
  bool verbose = false;
  // Cbc's tree stops after this long without a better incumbent
  // (MilpOptions::stall_s; stats.exact.stalled); two_phase's window rounds
  // use it to move on. +inf: never.
  double stall_s = std::numeric_limits<double>::infinity();
  bool progress = false;    // a SolveProgress line (core/progress.h) for the run: after each phase, and while Cbc runs (quiet for the first time_shares::kProgressQuietS)
  // (The objective of each incumbent Cbc reports goes to the run context's
  // IncumbentTrace, when it has one: two_phase's primal curve.)
  std::string write_lp;     // write the model to this .lp/.mps path before solving ("" = no)
  // Beside write_lp (which it needs): the MIP start exact gives Cbc, as the
  // `cbc` program reads it (`cbc model.lp mipstart start.mst`;
  // WriteMipStartFile in solver/milp.h), every column of that model; .mst
  // or .sol ("" = no). Not written when the run has no start inside the
  // model's windows (warm_start off and no caller start, or none found).
  // When a large graph's run returns its start without building the full
  // model (stats.exact.full_model_skipped), or the limit ran out before the
  // model, the model of the final incumbent's windows is built after the
  // search just to write these files (not after a stop request).
  std::string write_mip_start;
  bool warm_start = true;   // ask the start provider (dp_topo unless injected) for the MIP start
  bool incumbent_windows = true;  // restrict the model with IncumbentWindows of the start
  // memory_comm, full problem (no caller windows): the cut lower bound of
  // formulations/cut_bound.h for at most cut_bound_share x the sizing limit
  // (min(limit, 5 s): at most 0.5 s, core/time_shares.h), after the start is
  // known and before the model is built, stopped earlier once its bound stops
  // rising (kCutBoundStall). It counts as a proof like the lattice's: a start
  // it meets is returned optimal without Cbc.
  // When the start search runs (large graphs), the cut bound instead runs
  // on a thread of its own beside the search and Cbc, until Cbc returns
  // (a second core is otherwise idle: the search and Cbc use one thread).
  bool cut_bound = true;
  double cut_bound_share = time_shares::kCutBoundSolo.fraction;
  // Close the chain's band cuts by small Cbc ILPs (CutBoundOptions::
  // band_solver; a direct-driver Cbc of the cut bound's own, never the
  // injected solver). At 1,000 nodes it raised the bound from 111.6 M to
  // 119.6 M (bench/results/scale.md).
  bool cut_bound_ilp = true;
  ExactEngine engine = ExactEngine::kAuto;
  LatticeOptions lattice;   // bounds of the lattice engine (its time limit is time_limit_s)
  CbcDirectSettings cbc_direct;  // cuts/heuristics of the direct Cbc driver
  // When ExactStarts::search (a better start than dp_topo's) is asked:
  // graphs of at least start_search_min_nodes nodes, for start_search_share
  // (large_start_search_share above kLatticeWideMaxNodes nodes) of the limit.
  int start_search_min_nodes = 500;
  // Why four fifths (95% above kLatticeWideMaxNodes): core/time_shares.h.
  double start_search_share = time_shares::kStartSearch.fraction;
  double large_start_search_share = time_shares::kLargeStartSearch.fraction;

  // time_limit_s >= 0 (0: the start at once), threads >= 1, relative_gap in
  // [0, 1], stall_s >= 0 (+inf: never), the three shares in [0, 1],
  // start_search_min_nodes >= 0, engine a row of sched/engines.h,
  // write_mip_start only with write_lp; else InvalidInput naming the field.
  // ExactScheduler's runs call it first.
  Status Validate() const;
};

// Where exact's MIP starts come from (sched/start_provider.h). Shared so
// that one provider may serve several runs; each run calls it from its
// solving thread, so a provider shared by concurrent runs must be
// thread-safe (DpTopoStart and TwoPhaseStart are).
struct ExactStarts {
  // The first start of every run without a caller start (options.warm_start):
  // dp_topo's split unless replaced. Asked for at most a fifth of the limit
  // (time_shares::kDpTopoStart). Null: no first start.
  std::shared_ptr<StartProvider> first = std::make_shared<DpTopoStart>();
  // A better start on large graphs (the registry plugs in two_phase; tests a
  // fake); null: none. Asked at most once per run, only for a plain run (no
  // caller start, no windows) of a graph of at least
  // options.start_search_min_nodes nodes that the lattice share did not
  // settle, with a context of start_search_share (large_start_search_share
  // above kLatticeWideMaxNodes nodes) of the limit. A schedule it returns
  // replaces the start when better; an error or a worse schedule is ignored.
  std::shared_ptr<StartProvider> search;
};

// Results:
//   optimal     proven optimal (within relative_gap); objective == bound;
//               stats.exact.proven_bound is the solver's bound;
//   feasible    the time limit stopped the search; bound = the proven lower
//               bound, at least SimpleLowerBound (cost/evaluate.h) when the
//               solver had none, stats.exact.gap;
//   infeasible  Problem::Validate() or the formulation found no schedule, or
//               the solver proved it; message says why; Status is ok;
//   time_limit  the limit hit before any schedule (only without a start).
// Every schedule is decoded from the solver's columns and judged by
// evaluate() (FinishResult); an optimal ILP objective that differs from
// evaluate() by more than 1e-6 relative is a bug and returns Internal (for a
// feasible one, evaluate() may only be lower).
// Stats (sched/solve_stats.h: stats.exact, stats.cut_bound, stats.lattice;
// by their JSON keys): cut_bound, cut_bound_seconds, cut_bound_peaks, cut_bound_bands,
// cut_bound_peak (and cut_bound_band_ilps when band ILPs ran, cut_bound_clusters
// when crossing clusters were priced,
// cut_bound_concurrent = 1 when it ran on its own thread) when the cut bound ran; start_search_seconds and start_search_improved (0/1) when the
// start search ran; bb_nodes, ilp_cols, ilp_rows, ilp_binaries, solver_seconds, gap,
// start_objective (cost units; absent without a start), start_feasible; for
// the lattice engine lattice_ideals, lattice_labels, lattice_steps,
// solver_seconds instead of the ILP figures.
class ExactScheduler final : public Scheduler {
 public:
  // solver == nullptr: the MILP solver of options.engine's row
  // (sched/engines.h; Cbc's drivers for the built-in rows). A solver passed
  // in is always used for the ILP (and the lattice engine is then used only
  // when asked for).
  // `starts`: where the MIP starts come from (ExactStarts).
  explicit ExactScheduler(ExactOptions options = {}, std::unique_ptr<MilpSolver> solver = nullptr,
                          ExactStarts starts = {});
  std::string name() const override { return "exact"; }
  // Solve under a context of options.time_limit_s.
  StatusOr<ScheduleResult> Run(const Problem& problem) override;
  double time_limit_s() const override { return options_.time_limit_s; }
  // The run under ctx: its deadline is the limit (options.time_limit_s is not
  // read), its stop token ends every phase (the cut bound, the start search,
  // the lattice, Cbc: MilpOptions::stop) as the limit would, its trace gets
  // Cbc's incumbents.
  StatusOr<ScheduleResult> Solve(const Problem& problem, const SolveContext& ctx) override;

  // The ILP restricted to `windows` (nullptr: none), warm-started from
  // `start` when given (else from the first start provider, if it fits the
  // windows). For two-phase: a proven optimum here is optimal within the
  // windows only. Without ctx: a context of options.time_limit_s.
  StatusOr<ScheduleResult> RunWindowed(const Problem& problem, const Windows* windows, const Schedule* start);
  StatusOr<ScheduleResult> RunWindowed(const Problem& problem, const Windows* windows, const Schedule* start,
                                       const SolveContext& ctx);

  const ExactOptions& options() const { return options_; }

  // The cut bound's glue, shared with two_phase's bound thread:
  // whether `o` asks for it and the problem has one (memory_comm, >= 2 stages);
  static bool CutBoundApplies(const ExactOptions& o, const Problem& problem);
  // the options of the solo run before the model (no band solver), for a
  // run under ctx: the same for every limit of time_shares::kSizingLimitS or
  // more; stopped by ctx's stop token;
  static CutBoundOptions SoloCutBoundOptions(const ExactOptions& o, const SolveContext& ctx);
  // CutLowerBound for what is left of ctx on a thread of its own (stopped by
  // ctx's stop token too), with a band solver when o.cut_bound_ilp (null when
  // CutBoundApplies is false);
  static std::unique_ptr<CutBoundThread> StartCutBoundThread(const ExactOptions& o, const Problem& problem,
                                                             double incumbent, const SolveContext& ctx);
  // records a cut bound's stats in r; its bound (NaN when none);
  static double RecordCutBound(const CutBoundResult& cb, ScheduleResult* r);
  // whether a proven bound reaches an objective (up to rounding).
  static bool BoundMeets(double bound, double objective);

 private:
  // RunWindowed's steps, in order; each either finishes the run (a result
  // or an error) or updates the state for the next.
  struct RunState;
  void ChooseStart(const Schedule* start, bool search_start, RunState* s) const;
  void RestrictToStart(RunState* s) const;  // IncumbentWindows of the start
  // The lattice engine (kLattice, or kAuto for its share): a result, or
  // nothing when Cbc takes over (with the lattice's incumbent and bound).
  std::optional<StatusOr<ScheduleResult>> TryLattice(RunState* s) const;
  static StatusOr<ScheduleResult> LatticeOptimal(const LatticeResult& lr, RunState* s);
  static StatusOr<ScheduleResult> LatticeStopped(const LatticeResult& lr, RunState* s);
  void ImproveStart(RunState* s) const;  // starts_.search, then the first start when it found none
  // The cut bound: a result when it proves the start optimal. With the
  // concurrent cut bound, only once it has finished (else it goes on).
  std::optional<StatusOr<ScheduleResult>> TryCutBound(RunState* s) const;
  // The concurrent cut bound: launched for what is left of the limit, and
  // joined (stopped when still running) into s->outside_bound and stats.
  void StartCutBound(RunState* s) const;
  void JoinCutBound(RunState* s) const;
  StatusOr<ScheduleResult> SolveIlp(RunState* s);  // build, solve with what is left, decode
  static StatusOr<ScheduleResult> FromMilp(const IlpModel& ilp, const MilpResult& mr, RunState* s);
  MilpSolver* IlpSolver();  // the injected solver, else the engine row's (made once, kept)
  // The MIP start of `ilp` (EncodeStart of the run's start when it is
  // feasible and inside ilp.windows; empty: none).
  static std::vector<double> StartColumns(const IlpModel& ilp, const RunState& s);
  // options.write_lp (and write_mip_start, `start` when not empty): the
  // model files of `ilp`.
  Status WriteModelFiles(const IlpModel& ilp, const std::vector<double>& start) const;
  // A run that returns before SolveIlp built its model: with write_lp, the
  // model of the final start's windows, built only to be written.
  Status WriteUnsolvedModel(RunState* s) const;
  static StatusOr<ScheduleResult> Infeasible(RunState* s, const std::string& why);

  // The result when the limit ran out (or a stop was requested: `stopped`,
  // which the message says) before the solver could start: the start
  // (feasible, with SimpleLowerBound) or time_limit without one.
  static StatusOr<ScheduleResult> StartAtTimeLimit(const Problem& problem, const Schedule* start, double bound,
                                                   double seconds, ScheduleResult r, bool stopped = false);
  // r->bound = the larger of `bound` (NaN: none) and SimpleLowerBound, never
  // above a feasible objective; stats.exact.gap to match.
  static void SetFallbackBound(const Problem& problem, double bound, ScheduleResult* r);
  // A feasible r becomes optimal when `bound` (the lattice's or the cut
  // bound, NaN: none) meets its objective.
  static void CloseByBound(double bound, ScheduleResult* r);
  // The first start provider's schedule (at most a fifth of the limit);
  // false when it gives none (or there is no provider).
  bool FirstStart(RunState* s) const;
  // True for graphs above kLatticeWideMaxNodes: no lattice share runs before
  // the start search, so the dp_topo start is left to it (the fallback).
  static bool StartSearchPrecedesLattice(const Problem& problem);
  // starts_.search for its share of what is left of the limit; the
  // schedule it found when feasible and better than the start (none: none).
  std::optional<Schedule> SearchBetterStart(RunState* s) const;
  // Seconds left once a large graph's start search has used its whole share
  // (options_.large_start_search_share) of `limit_s`, with a second of
  // slack: at or below it, Run returns the start without building the full
  // model.
  double LargeSearchRemainder(double limit_s) const;

  ExactOptions options_;
  ExactStarts starts_;
  std::unique_ptr<MilpSolver> solver_;         // injected, or null
  std::unique_ptr<MilpSolver> engine_solver_;  // made by the engine row's factory on first use
};

}  // namespace respect
