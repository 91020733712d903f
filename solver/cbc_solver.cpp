#include "solver/cbc_solver.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <mutex>
#include <sstream>
#include <utility>
#include <vector>

#include "CbcConfig.h"
#include "CbcEventHandler.hpp"
#include "CbcHeuristic.hpp"
#include "CbcHeuristicFPump.hpp"
#include "CbcHeuristicGreedy.hpp"
#include "CbcHeuristicLocal.hpp"
#include "CbcHeuristicRINS.hpp"
#include "CbcModel.hpp"
#include "CbcCutGenerator.hpp"  // after CbcModel.hpp (it needs CbcNode)
#include "CbcSolver.hpp"
#include "CglClique.hpp"
#include "CglFlowCover.hpp"
#include "CglGomory.hpp"
#include "CglKnapsackCover.hpp"
#include "CglMixedIntegerRounding2.hpp"
#include "CglProbing.hpp"
#include "CglTwomir.hpp"
#include "ClpEventHandler.hpp"
#include "ClpSolve.hpp"
#include "CoinError.hpp"
#include "CoinMessageHandler.hpp"
#include "OsiClpSolverInterface.hpp"
#include "core/deadline.h"
#include "core/time_shares.h"
#include "solver/coin_arrays.h"
#include "solver/model_names.h"

namespace respect {

namespace {

// CbcMain0/CbcMain1 keep their command-line position and a few buffers in
// globals (the Debian build lacks CBC_THREAD_SAFE; see coin-or/Cbc#332), so
// concurrent calls corrupt each other's arguments. One lock per process.
std::mutex& CbcMainMutex() {
  static std::mutex m;
  return m;
}

// CbcMain1 calls back at a few points; we need nothing from it.
int NoCallback(CbcModel* /*model*/, int /*where_from*/) { return 0; }

std::string FormatDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

bool ParamsHaveThreads(const CbcSolverUsefulData& data) {
  for (const CbcOrClpParam& p : data.parameters_)
    if (p.name() == "threads") return true;
  return false;
}

// Solves a model without columns: every row must hold 0.
MilpResult SolveEmpty(const MilpModel& model) {
  MilpResult r;
  for (const auto& row : model.rows) {
    if (row.lb > 1e-9 || row.ub < -1e-9) {
      r.status = SolveStatus::kInfeasible;
      r.message = "model without columns has an unsatisfiable row '" + row.name + "'";
      return r;
    }
  }
  r.status = SolveStatus::kOptimal;
  r.objective = r.bound = model.obj_offset;
  r.gap = 0.0;
  return r;
}

double RelGap(double obj, double bound) {
  if (!std::isfinite(obj)) return kMilpInf;
  if (!std::isfinite(bound)) return kMilpInf;
  return std::max(0.0, (obj - bound) / std::max(1e-9, std::fabs(obj)));
}


// The wall-clock deadline of one Solve and what the handlers saw, shared by
// every copy Clp and Cbc make of them (they clone handlers into each solver
// and model they create: preprocessing, heuristics, threads).
//
// Cbc's own limit (setMaximumSeconds) is only looked at between nodes and
// between some root phases; a root LP, a cut pass or a pump pass on a large
// model can run for minutes past it. So every simplex iteration also checks
// the deadline (ClpWatch) and stops the LP there. An LP stopped that way is
// neither optimal nor infeasible and Cbc may treat the node as fathomed, so
// once that happened nothing Cbc says afterwards counts as a proof: the
// status is at best feasible and the bound is the last one seen before the
// deadline (`safe_bound`).
struct SolveWatch {
  using Clock = SteadyClock;
  Clock::time_point t0, deadline, last_report;
  std::atomic<bool> expired{false};  // an LP or the tree was stopped by the deadline (or the stop token)
  StopToken stop;                    // MilpOptions::stop: ends the solve as the deadline does
  std::mutex mu;                     // guards the fields below (handlers may run in threads)
  double incumbent = kMilpInf;       // last seen, model units incl. offset
  double reported_incumbent = kMilpInf;  // incumbent of the last progress call
  double bound = -kMilpInf;
  double safe_bound = -kMilpInf;     // the best bound seen before the deadline
  int64_t nodes = 0;
  bool in_tree = false;
  double stall_s = kMilpInf;          // MilpOptions::stall_s
  bool gained = false;                // an incumbent better than the start (or the first one) was seen
  Clock::time_point last_gain;        // ... the last time
  double tree_entry_s = -1.0;         // seconds from t0 to the first tree node (-1: not yet)
  std::atomic<bool> stalled{false};   // the tree was stopped by stall_s
  std::function<void(const MilpProgress&)> progress;
  // The direct driver's model: its cut generators run between LPs and no
  // clock stops them (probing took 9 s a pass on a 1,000-node model).
  CbcModel* cbc = nullptr;
  // What a generator's first pass is assumed to cost before it has one:
  // probing's first pass took about twice the root LP's time (1,000 nodes).
  double first_pass_estimate_s = 0.0;

  double Elapsed() const { return SecondsBetween(t0, Clock::now()); }
  // Seconds to the deadline (negative once passed).
  double Left() const { return SecondsBetween(Clock::now(), deadline); }
  // A root LP the watch stopped is not the end of Clp's work: on a
  // 180,000-column window at 100,000 nodes (1M rows) stack samples showed
  // its dual simplex go on to a primal start, and CbcModel::initialSolve
  // then resolve, dual and primal again, each start a factorization of the
  // whole model, before an iteration could be stopped: 4-14 s past the
  // deadline under load. So the deadline comes earlier by a reserve: what
  // loading the model took (ReserveForCleanup), and once the root LP's first
  // factorization is done, kRootRestarts times what reaching it took
  // (SeeFactorization); at most a quarter of the limit. Milliseconds on
  // models that factorize in milliseconds.
  static constexpr double kRootRestarts = 3.0;
  void ReserveForCleanup(double setup_s, double limit_s) {
    caller_deadline = deadline;
    max_reserve_s = 0.25 * limit_s;
    Reserve(setup_s);
  }
  void SeeFactorization() {
    if (root_start == Clock::time_point{} || root_factorized) return;
    root_factorized = true;
    Reserve(kRootRestarts * SecondsBetween(root_start, Clock::now()));
  }
  void Reserve(double seconds) {
    reserve_s = std::min(max_reserve_s, std::max(reserve_s, seconds));
    deadline = caller_deadline - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(reserve_s));
  }
  Clock::time_point caller_deadline;  // MilpOptions::time_limit_s from t0
  Clock::time_point root_start;       // the direct driver's root LP began (unset: not yet)
  bool root_factorized = false;
  double reserve_s = 0.0, max_reserve_s = 0.0;
  // The deadline has passed or a stop was requested: from here on the solve
  // ends as a timed-out one (no proofs from interrupted LPs).
  bool Passed() const { return Clock::now() >= deadline || stop.Requested(); }
  // Records a bound seen before the deadline.
  void SeeBound(double b) {
    if (!std::isfinite(b) || std::fabs(b) >= 1e40 || Passed()) return;
    std::lock_guard<std::mutex> lock(mu);
    bound = b;
    safe_bound = std::max(safe_bound, b);
  }
  void SeeIncumbent(double v) {
    if (!std::isfinite(v) || std::fabs(v) >= 1e40) return;
    std::lock_guard<std::mutex> lock(mu);
    if (v < incumbent) {
      gained = true;
      last_gain = Clock::now();
    }
    incumbent = std::min(incumbent, v);
  }
  // In the tree, after a gain: whether the search has gone without another
  // for stall_s, and for at least as long as it took to reach the tree
  // (what a new search would spend again before its first node).
  bool Stalled() {
    if (!std::isfinite(stall_s)) return false;
    std::lock_guard<std::mutex> lock(mu);
    if (!gained || tree_entry_s < 0) return false;
    const double quiet = SecondsBetween(last_gain, Clock::now());
    return quiet > std::max(stall_s, tree_entry_s);
  }
  // Switches off every cut generator whose average pass (CPU seconds, twice
  // for a loaded machine) no longer fits before the deadline, all of them
  // once it has passed: the root cut loop then ends at its next pass.
  void GuardCutPasses() {
    if (!cbc) return;
    const double left = stop.Requested() ? 0.0 : SecondsBetween(Clock::now(), deadline);
    for (int i = 0; i < cbc->numberCutGenerators(); ++i) {
      CbcCutGenerator* g = cbc->cutGenerator(i);
      if (g->switchedOff()) continue;
      const int calls = g->numberTimesEntered();
      const double per = calls > 0 ? g->timeInCutGenerator() / calls : first_pass_estimate_s;
      if (left <= 0 || 2.0 * per > left) g->setSwitchedOff(true);
    }
  }
  // The progress callback, at most every half second; skipped when another
  // thread is reporting.
  void Tick() {
    if (!progress) return;
    std::unique_lock<std::mutex> lock(mu, std::try_to_lock);
    if (!lock.owns_lock()) return;
    const auto now = Clock::now();
    // A better incumbent is reported at once (primal curves need its time).
    if (now - last_report < std::chrono::milliseconds(500) && !(incumbent < reported_incumbent)) return;
    last_report = now;
    reported_incumbent = incumbent;
    MilpProgress p;
    p.seconds = SecondsBetween(t0, now);
    p.incumbent = incumbent;
    p.bound = bound;
    p.nodes = nodes;
    p.phase = in_tree ? "tree" : "root";
    progress(p);
  }
};

// Stops any simplex (primal or dual, in any clone of the LP) at the deadline.
class ClpWatch final : public ClpEventHandler {
 public:
  explicit ClpWatch(SolveWatch* w) : w_(w) {}
  ClpEventHandler* clone() const override { return new ClpWatch(*this); }
  int event(Event e) override {
    // Every LP the cut loop solves between passes factorizes at least once,
    // even when it needs no iteration: the guard runs there too.
    if (e == endOfFactorization) {
      w_->SeeFactorization();
      w_->GuardCutPasses();
    }
    if (e != endOfIteration) return -1;
    w_->GuardCutPasses();
    if (w_->Passed()) {
      w_->expired = true;
      return 0;  // Clp: stopped by event handler (status 5)
    }
    w_->Tick();
    return -1;
  }

 private:
  SolveWatch* w_;
};

// Follows the search (incumbent, bound, nodes) for the progress line and
// stops it at the deadline.
class CbcWatch final : public CbcEventHandler {
 public:
  explicit CbcWatch(SolveWatch* w) : w_(w) {}
  CbcEventHandler* clone() const override { return new CbcWatch(*this); }
  CbcAction event(CbcEvent e) override {
    const CbcModel* m = getModel();
    if (m && (e == node || e == treeStatus || e == solution || e == heuristicSolution)) {
      if (m->bestSolution()) w_->SeeIncumbent(m->getObjValue());
      if (e == node || e == treeStatus) {
        if (!w_->in_tree) {
          std::lock_guard<std::mutex> lock(w_->mu);
          w_->tree_entry_s = w_->Elapsed();
        }
        w_->in_tree = true;
        w_->nodes = m->getNodeCount();
        if (!w_->expired) w_->SeeBound(m->getBestPossibleObjValue());
      }
      w_->Tick();
    }
    if (w_->Passed()) {
      w_->expired = true;
      return stop;
    }
    // Between nodes every LP has finished: the bound stays a proof.
    if (e == node && w_->in_tree && w_->Stalled()) {
      w_->stalled = true;
      return stop;
    }
    return noAction;
  }

 private:
  SolveWatch* w_;
};

}  // namespace

bool CbcHasThreads() {
  static const bool has = [] {
    try {
      CbcSolverUsefulData data;
      data.noPrinting_ = true;
      data.useSignalHandler_ = false;
      OsiClpSolverInterface lp;
      CbcModel model(lp);
      model.setLogLevel(0);
      std::lock_guard<std::mutex> lock(CbcMainMutex());
      CbcMain0(model, data);
      return ParamsHaveThreads(data);
    } catch (...) {
      return false;
    }
  }();
  return has;
}

std::string CbcVersion() { return CBC_VERSION; }

namespace {

// The LP both drivers start from: rows as given; a constant objective term
// becomes a column fixed at 1 so that Cbc's gap and cutoff logic see the true
// objective.
struct LoadedLp {
  bool offset_col = false;
  int ncols = 0;
  std::vector<std::string> names;  // column names (only when asked for)
};

LoadedLp LoadLp(const MilpModel& model, bool with_names, bool verbose, OsiClpSolverInterface* lp) {
  LoadedLp out;
  const int nc = model.num_cols();
  const int nr = model.num_rows();
  out.offset_col = model.obj_offset != 0.0;
  const CoinArrays arr = ToCoinArrays(model, out.offset_col);
  out.ncols = arr.ncols;
  const int ncols = out.ncols;
  lp->messageHandler()->setLogLevel(verbose ? 1 : 0);
  // Clp installs a SIGINT handler of its own while it solves an LP (ClpSolve
  // special option 2, "interrupt handling"): a Ctrl-C in that window only
  // cut the LP short, and the process's handler (core/signal_stop.h) never
  // saw it. Off: the stop token ends our solves instead. Clones copy it.
  ClpSolve solve_options;
  solve_options.setSpecialOption(2, 1);
  lp->setSolveOptions(solve_options);
  lp->loadProblem(arr.matrix, arr.collb.data(), arr.colub.data(), arr.obj.data(), arr.rowlb.data(),
                  arr.rowub.data());
  if (with_names) {
    out.names = MakeColumnNames(model);
    if (out.offset_col) {
      std::string n = "objective_constant";
      for (const auto& s : out.names)
        if (s == n) n += "_";
      out.names.push_back(n);
    }
    for (int c = 0; c < ncols; ++c) lp->setColName(c, out.names[c]);
    const std::vector<std::string> rnames = MakeRowNames(model);
    for (int r = 0; r < nr; ++r) lp->setRowName(r, rnames[r]);
  }
  for (int c = 0; c < nc; ++c)
    if (arr.integer[c]) lp->setInteger(c);
  lp->setObjSense(1.0);
  return out;
}

// The MIP start as a full LP column vector (integers rounded, offset column 1).
std::vector<double> StartVector(const MilpModel& model, const MilpOptions& options, const LoadedLp& lp) {
  std::vector<double> x(lp.ncols, 1.0);
  for (int c = 0; c < model.num_cols(); ++c)
    x[c] = model.cols[c].integer ? std::round(options.mip_start[c]) : options.mip_start[c];
  return x;
}

void RunMain(const MilpModel& model, const MilpOptions& options, const LoadedLp& loaded, SolveWatch* watch,
             CbcModel& cbc, MilpResult* result) {
  CbcSolverUsefulData data;
  std::unique_lock<std::mutex> lock(CbcMainMutex());
  // Time spent waiting for the lock counts against the limit.
  const double left = watch->Left();
  if (left <= 0 || watch->Passed()) {
    watch->expired = true;
    return;
  }
  CbcMain0(cbc, data);
  data.noPrinting_ = !options.verbose;
  data.useSignalHandler_ = false;
  cbc.setLogLevel(options.verbose ? 1 : 0);
  cbc.messageHandler()->setLogLevel(options.verbose ? 1 : 0);
  cbc.solver()->messageHandler()->setLogLevel(options.verbose ? 1 : 0);

  int threads = options.threads;
  if (threads > 1 && !ParamsHaveThreads(data)) {
    result->message += "Cbc was built without threads; solved with 1 thread; ";
    threads = 1;
  }
  if (!options.mip_start.empty()) {
    const std::vector<double> x = StartVector(model, options, loaded);
    std::vector<std::pair<std::string, double>> start;
    start.reserve(loaded.ncols);
    for (int c = 0; c < loaded.ncols; ++c) start.emplace_back(loaded.names[c], x[c]);
    cbc.setMIPStart(start);
  }
  std::vector<std::string> args = {"respect",
                                   "-log", options.verbose ? "1" : "0",
                                   "-slog", options.verbose ? "1" : "0",
                                   "-timeMode", "elapsed",
                                   "-seconds", FormatDouble(left),
                                   "-ratioGap", FormatDouble(options.relative_gap)};
  if (threads > 1) {
    args.push_back("-threads");
    args.push_back(std::to_string(threads));
  }
  if (model.objective_step > 0.0) {
    // Half the promised step: exact (a better solution is a whole step
    // better), finer than Cbc's default increment (1e-5), which could cut off
    // the true optimum, and half a step clear of the LP tolerances (a 1-byte
    // step is ~1e-6 in MiB; 0.999 of it left ~1e-9 and lost a 1-byte optimum).
    args.push_back("-increment");
    args.push_back(FormatDouble(0.5 * model.objective_step));
  }
  if (options.cutoff < kMilpInf) {
    args.push_back("-cutoff");
    args.push_back(FormatDouble(options.cutoff));
  }
  args.push_back("-solve");
  args.push_back("-quit");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  CbcMain1(static_cast<int>(argv.size()), argv.data(), cbc, NoCallback, data);
}

// What the direct driver saw before branch and bound.
struct DirectOutcome {
  bool lp_unbounded = false;   // the root LP is dual infeasible: no B&B
  bool lp_infeasible = false;  // the root LP is primal infeasible: no B&B
  bool root_stopped = false;   // the deadline came before the root LP was solved
};

// RunDirect's steps. The driver's parameters: log level, limits, passes.
void SetDirectParameters(const MilpModel& model, const MilpOptions& options, const CbcDirectSettings& set,
                         const SolveWatch& watch, CbcModel& cbc, MilpResult* result) {
  const int log = options.verbose ? 1 : 0;
  cbc.setLogLevel(log);
  cbc.messageHandler()->setLogLevel(log);
  cbc.solver()->messageHandler()->setLogLevel(log);
  if (!options.verbose) cbc.solver()->setHintParam(OsiDoReducePrint, true, OsiHintTry);
  if (options.threads > 1) result->message += "the direct Cbc driver solves with 1 thread; ";
  cbc.setUseElapsedTime(true);
  cbc.setMaximumSeconds(std::max(1e-3, watch.Left()));
  cbc.setAllowableFractionGap(options.relative_gap);
  if (model.objective_step > 0.0) cbc.setCutoffIncrement(0.5 * model.objective_step);  // see RunMain
  if (set.root_cut_passes >= 0) cbc.setMaximumCutPassesAtRoot(set.root_cut_passes);
  if (set.tree_cut_passes >= 0) cbc.setMaximumCutPasses(set.tree_cut_passes);
  if (set.strong_branching >= 0) cbc.setNumberStrong(set.strong_branching);
  if (set.before_trust >= 0) cbc.setNumberBeforeTrust(set.before_trust);
}

// Adds a generator of type Gen, set up by `setup`: howOften -1 = at the
// root, then in the tree only where it paid off at the root (Cbc decides),
// as in the cbc program. Cbc keeps a copy.
template <class Gen>
void AddCutGenerator(CbcModel& cbc, const char* name, const std::function<void(Gen&)>& setup = nullptr) {
  Gen gen;
  if (setup) setup(gen);
  cbc.addCutGenerator(&gen, -1, name);
}

void AddCutGenerators(const CbcDirectSettings& set, CbcModel& cbc) {
  if (set.probing)
    AddCutGenerator<CglProbing>(cbc, "Probing", [](CglProbing& probing) {
      probing.setUsingObjective(1);
      probing.setMaxPass(1);
      probing.setMaxPassRoot(3);
      probing.setMaxProbe(10);
      probing.setMaxProbeRoot(50);
      probing.setMaxLook(10);
      probing.setMaxLookRoot(50);
      probing.setMaxElements(200);
      probing.setRowCuts(3);
    });
  if (set.gomory) AddCutGenerator<CglGomory>(cbc, "Gomory", [](CglGomory& gomory) { gomory.setLimit(300); });
  if (set.knapsack) AddCutGenerator<CglKnapsackCover>(cbc, "Knapsack");
  if (set.mir) AddCutGenerator<CglMixedIntegerRounding2>(cbc, "MixedIntegerRounding2");
  if (set.flow) AddCutGenerator<CglFlowCover>(cbc, "FlowCover");
  if (set.clique)
    AddCutGenerator<CglClique>(cbc, "Clique", [](CglClique& clique) {
      clique.setStarCliqueReport(false);
      clique.setRowCliqueReport(false);
    });
  if (set.twomir) AddCutGenerator<CglTwomir>(cbc, "TwoMirCuts");
  // Timed generators: SolveWatch::GuardCutPasses judges from their seconds
  // (and the verbose cut summary shows them).
  for (int i = 0; i < cbc.numberCutGenerators(); ++i) cbc.cutGenerator(i)->setTiming(true);
}

// Primal heuristics (Cbc keeps copies).
void AddHeuristics(const MilpOptions& options, CbcModel& cbc) {
  CbcRounding rounding(cbc);
  cbc.addHeuristic(&rounding);
  CbcHeuristicLocal local(cbc);
  cbc.addHeuristic(&local);
  CbcHeuristicFPump pump(cbc);
  pump.setMaximumPasses(20);
  // The pump does not look at Cbc's clock between its passes: on a
  // 30,000-column model its 20 passes took 45 s of a 120 s budget.
  // CPU seconds; ClpWatch bounds the wall time.
  pump.setMaximumTime(time_shares::kFeasibilityPump.Of(options.time_limit_s));
  cbc.addHeuristic(&pump);
  CbcHeuristicGreedyCover greedy_cover(cbc);
  cbc.addHeuristic(&greedy_cover);
  CbcHeuristicGreedyEquality greedy_equality(cbc);
  cbc.addHeuristic(&greedy_equality);
  CbcHeuristicRINS rins(cbc);
  cbc.addHeuristic(&rins);
}

// The pump's time cap was set before the root LP, from the whole limit; a
// root LP that took most of it left the pump 11 s past the deadline on a
// 133,000-binary window at 100,000 nodes (its passes go on with LPs the
// watch stops at once). After the root, the cap is at most what is left.
void CapPumpToDeadline(const SolveWatch& watch, CbcModel& cbc) {
  const double left = std::max(0.0, SecondsBetween(SteadyClock::now(), watch.deadline));
  for (int i = 0; i < cbc.numberHeuristics(); ++i)
    if (auto* pump = dynamic_cast<CbcHeuristicFPump*>(cbc.heuristic(i)))
      pump->setMaximumTime(std::min(pump->maximumTime(), left));
}

DirectOutcome RunDirect(const MilpModel& model, const MilpOptions& options, const CbcDirectSettings& set,
                        const LoadedLp& loaded, bool start_feasible, SolveWatch* watch, CbcModel& cbc,
                        MilpResult* result) {
  DirectOutcome out;
  SetDirectParameters(model, options, set, *watch, cbc, result);
  AddCutGenerators(set, cbc);
  watch->cbc = &cbc;
  if (set.heuristics) AddHeuristics(options, cbc);
  // The generators and heuristics are set up without a clock (5 s on a
  // 180,000-column window under load): past the deadline no root LP starts.
  if (watch->Passed()) {
    watch->expired = true;
    out.root_stopped = true;
    return out;
  }
  // The root LP first: branchAndBound reports an unbounded relaxation as
  // infeasible, so that case is told apart here.
  const double before_root = watch->Elapsed();
  watch->root_start = SteadyClock::now();
  cbc.initialSolve();
  watch->first_pass_estimate_s = 2.0 * (watch->Elapsed() - before_root);
  const OsiSolverInterface* root = cbc.solver();
  if (watch->expired) {
    out.root_stopped = true;  // the deadline stopped the root LP: no B&B, no bound
    return out;
  }
  if (root->isProvenOptimal()) watch->SeeBound(root->getObjValue());
  if (!root->isProvenOptimal()) {
    if (root->isProvenDualInfeasible()) {
      out.lp_unbounded = true;
      return out;
    }
    if (root->isProvenPrimalInfeasible()) {
      out.lp_infeasible = true;
      return out;
    }
  }
  CapPumpToDeadline(*watch, cbc);
  if (options.cutoff < kMilpInf) cbc.setCutoff(options.cutoff);
  if (start_feasible) {
    const std::vector<double> x = StartVector(model, options, loaded);
    const double value = model.ObjectiveOf(options.mip_start);
    cbc.setBestSolution(x.data(), loaded.ncols, value, false);
    result->start_accepted = cbc.bestSolution() != nullptr &&
                             std::fabs(cbc.getObjValue() - value) <= 1e-9 * (1.0 + std::fabs(value));
  }
  cbc.branchAndBound();
  return out;
}

// CbcSolver::Solve's steps after the search, in order.

// What the search ended with, read from Cbc and the watch. After an
// interrupted LP Cbc may have fathomed nodes it never solved: neither its
// infeasibility nor its optimality is a proof then.
struct SearchEnd {
  bool expired = false, infeasible = false, unbounded = false, time_hit = false, proven = false;
  bool stopped = false;  // expired because MilpOptions::stop was requested
  int status = 0, secondary = 0;
};

// The start's own checks (given, feasible, objective) into *result.
void CheckStart(const MilpModel& model, const MilpOptions& options, MilpResult* result) {
  if (options.mip_start.empty()) return;
  result->start_given = true;
  std::string where;
  const double viol = model.MaxViolation(options.mip_start, &where);
  result->start_feasible = viol <= 1e-6;
  result->start_objective = model.ObjectiveOf(options.mip_start);
  if (!result->start_feasible) result->message = "MIP start violates the model (" + where + "); ";
}

// Cbc's incumbent (integers rounded, valued from our own data) and bound
// into *result; false when there is no usable incumbent.
bool ReadIncumbent(const MilpModel& model, CbcModel& cbc, const SolveWatch& watch, bool expired, MilpResult* result) {
  const int nc = model.num_cols();
  result->nodes = cbc.getNodeCount();
  const double* best = cbc.bestSolution();
  bool has_sol = best != nullptr && cbc.getNumCols() >= nc;
  if (has_sol) {
    result->values.assign(best, best + nc);
    for (int c = 0; c < nc; ++c)
      if (model.cols[c].integer) result->values[c] = std::round(result->values[c]);
    result->objective = model.ObjectiveOf(result->values);
    // A solution completed by an LP the deadline cut short may break rows.
    if (expired && model.MaxViolation(result->values) > 1e-6) {
      has_sol = false;
      result->values.clear();
      result->objective = kMilpInf;
    }
  }
  double bound = expired ? watch.safe_bound : cbc.getBestPossibleObjValue();
  if (!std::isfinite(bound) || std::fabs(bound) >= 1e40) bound = -kMilpInf;
  result->bound = bound;
  return has_sol;
}

SearchEnd ReadSearchEnd(CbcModel& cbc, const SolveWatch& watch, const DirectOutcome& direct, bool has_sol) {
  SearchEnd e;
  e.expired = watch.expired;
  e.infeasible = (cbc.isProvenInfeasible() || direct.lp_infeasible) && !has_sol && !e.expired;
  e.unbounded = (cbc.secondaryStatus() == 7 || cbc.isContinuousUnbounded() || cbc.isProvenDualInfeasible() ||
                 direct.lp_unbounded) &&
                !e.expired;
  e.time_hit = cbc.isSecondsLimitReached() || cbc.secondaryStatus() == 4 || e.expired;
  e.stopped = e.expired && watch.stop.Requested();
  e.proven = cbc.isProvenOptimal();
  e.status = cbc.status();
  e.secondary = cbc.secondaryStatus();
  return e;
}

// Never return worse than a feasible start (Cbc drops a start it cannot map
// through preprocessing, and a time limit may stop it before use); then the
// bound and gap of what is returned.
void KeepTheBetterOfStartAndIncumbent(const MilpModel& model, const MilpOptions& options, bool has_sol,
                                      MilpResult* result) {
  if (result->start_given && result->start_feasible &&
      (!has_sol || result->objective > result->start_objective + 1e-9 * (1 + std::fabs(result->start_objective)))) {
    result->values = options.mip_start;
    for (int c = 0; c < model.num_cols(); ++c)
      if (model.cols[c].integer) result->values[c] = std::round(result->values[c]);
    result->objective = result->start_objective;
    result->message += "incumbent is the MIP start; ";
  }
  const bool have = !result->values.empty();
  if (have && std::isfinite(result->bound) && result->bound > result->objective)
    result->bound = result->objective;  // numerical noise, or a proof finished on the start
  result->gap = have ? RelGap(result->objective, result->bound) : kMilpInf;
}

// A result with an incumbent: optimal when the search proved it (or the
// gap is within the asked one), else feasible with the reason it stopped.
void ClassifyWithIncumbent(const MilpOptions& options, const SearchEnd& e, bool stalled, MilpResult* result) {
  // A start the search could not improve on is optimal when the search
  // finished (infeasible below the start's cutoff).
  const bool proven = (e.proven || e.infeasible) && !e.time_hit && !e.unbounded && !e.expired && !stalled;
  const bool within = std::isfinite(result->gap) && result->gap <= options.relative_gap + 1e-12;
  if ((proven || within) && !e.unbounded) {
    result->status = SolveStatus::kOptimal;
    if (!std::isfinite(result->bound)) {  // Cbc proved it on the start: no bound left
      result->bound = result->objective;
      result->gap = 0.0;
    }
    return;
  }
  result->status = SolveStatus::kFeasible;
  if (e.unbounded) result->message += "the LP relaxation is unbounded; ";
  result->message += e.stopped  ? "stopped by request with an incumbent"
                     : e.time_hit ? "time limit reached with an incumbent"
                     : stalled  ? "stopped after " + FormatDouble(options.stall_s) +
                                     " s without a better incumbent (stall_s)"
                                : "stopped with an incumbent (Cbc status " + std::to_string(e.status) + "/" +
                                     std::to_string(e.secondary) + ")";
}

// The status and message of *result; Internal when Cbc stopped with
// neither a solution nor a proof.
Status Classify(const MilpOptions& options, const SearchEnd& e, bool stalled, double elapsed, MilpResult* result) {
  const bool have = !result->values.empty();
  if (e.unbounded && !have) {
    result->status = SolveStatus::kInvalid;
    result->message += "the LP relaxation is unbounded";
  } else if (e.infeasible && !have) {
    result->status = SolveStatus::kInfeasible;
    result->message += options.cutoff < kMilpInf ? "Cbc proved that no solution beats the cutoff"
                                                 : "Cbc proved the model infeasible";
    result->bound = kMilpInf;
    result->objective = kMilpInf;
  } else if (have) {
    ClassifyWithIncumbent(options, e, stalled, result);
  } else if (e.time_hit || elapsed >= options.time_limit_s) {
    result->status = SolveStatus::kTimeLimit;
    result->message += e.stopped ? "stopped by request before a solution was found"
                                 : "time limit reached before a solution was found";
  } else {
    return Status::Internal("Cbc stopped without a solution or a proof (status " + std::to_string(e.status) + "/" +
                            std::to_string(e.secondary) + ")");
  }
  while (!result->message.empty() && (result->message.back() == ' ' || result->message.back() == ';'))
    result->message.pop_back();
  return Status::Ok();
}

}  // namespace

StatusOr<MilpResult> CbcSolver::Solve(const MilpModel& model, const MilpOptions& options) {
  const Stopwatch clock;
  RESPECT_RETURN_IF_ERROR(model.Validate());
  RESPECT_RETURN_IF_ERROR(options.Validate());
  const int nc = model.num_cols();
  if (!options.mip_start.empty() && static_cast<int>(options.mip_start.size()) != nc)
    return Status::Invalid("MIP start has " + std::to_string(options.mip_start.size()) +
                           " values for " + std::to_string(nc) + " columns");
  MilpResult result;
  CheckStart(model, options, &result);
  if (nc == 0) {
    MilpResult r = SolveEmpty(model);
    r.seconds = clock.Seconds();
    return r;
  }
  try {
    SolveWatch watch;
    const SteadyClock::time_point t0 = clock.start();
    watch.t0 = t0;
    watch.deadline = t0 + std::chrono::duration_cast<SteadyClock::duration>(
                              std::chrono::duration<double>(options.time_limit_s));
    watch.last_report = t0;
    watch.progress = options.progress;
    watch.stall_s = options.stall_s;
    watch.stop = options.stop;
    const bool start_ok = result.start_given && result.start_feasible;
    if (start_ok) watch.incumbent = result.start_objective;
    OsiClpSolverInterface lp;
    const bool main = driver_ == CbcDriver::kMain;
    const LoadedLp loaded = LoadLp(model, /*with_names=*/main, options.verbose, &lp);
    // Before CbcModel copies the LP: every clone carries the handler.
    ClpWatch clp_watch(&watch);
    lp.getModelPtr()->passInEventHandler(&clp_watch);
    CbcModel cbc(lp);
    watch.ReserveForCleanup(clock.Seconds(), options.time_limit_s);
    CbcWatch cbc_watch(&watch);
    cbc.passInEventHandler(&cbc_watch);
    DirectOutcome direct;
    if (main) RunMain(model, options, loaded, &watch, cbc, &result);
    else direct = RunDirect(model, options, direct_, loaded, start_ok, &watch, cbc, &result);
    result.stalled = watch.stalled;
    const bool has_sol = ReadIncumbent(model, cbc, watch, watch.expired, &result);
    const SearchEnd end = ReadSearchEnd(cbc, watch, direct, has_sol);
    result.stopped = end.stopped;
    KeepTheBetterOfStartAndIncumbent(model, options, has_sol, &result);
    RESPECT_RETURN_IF_ERROR(Classify(options, end, result.stalled, clock.Seconds(), &result));
    result.seconds = clock.Seconds();
    return result;
  } catch (const CoinError& e) {
    return Status::Internal("Cbc failed in " + e.className() + "::" + e.methodName() + ": " + e.message());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("Cbc failed: ") + e.what());
  } catch (...) {
    return Status::Internal("Cbc failed with an unknown exception");
  }
}

std::unique_ptr<MilpSolver> MakeCbcSolver(CbcDriver driver) { return std::make_unique<CbcSolver>(driver); }

}  // namespace respect
