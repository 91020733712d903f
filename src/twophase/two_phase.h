// "two_phase": the policy's coarse schedule s0, a window of slack around each
// node, and Cbc closing the windows exactly (docs/design.md "Two-phase").
//
//  1. rl: policy order -> optimal split -> s0 (dp_topo's split if the policy
//     yields nothing feasible).
//  2. window of v: [max(lo_v, s0(v) - w), min(hi_v, s0(v) + w)], lo/hi the hard
//     bounds of FullWindows (precedence + non-empty stages).
//  3. the windowed problem solved exactly (the exact engine of
//     ExactOptions: the ILP with the direct Cbc driver and light cut settings
//     for big graphs, the lattice DP for graphs of <= 64 nodes), warm-started
//     from the window's center.
//  4. moving on: when a round improved the incumbent, the windows are
//     re-centred on it and solved again (a node that moved to a window edge
//     gets room beyond it), until a round does not improve or max_widen
//     further rounds. With strong_start, dp_topo's split also competes: if it
//     beats the first window's optimum, the next round is centred on it. A
//     round whose Cbc tree stalls (StallSeconds) ends early; see CloseWindows.
//  5. certify (optional): the full ILP warm-started from the result, under
//     the time limit, proves the gap.
// Without certify the status is `feasible`: optimal inside the windows is not
// a proof for the full problem. Stats: window, widen_rounds, vars_kept,
// vars_full, coarse_objective, rl_seconds, ilp_seconds, certify_seconds,
// certified_gap (widen_rounds = rounds after the first; vars_kept / vars_full =
// binary columns of the first windowed ILP / of the full ILP, counted from the
// windows; recentred_on_dp_topo = 1 when dp_topo took over;
// incumbent_from_dp_topo = 1 when the result descends from dp_topo's split,
// 0 when from the policy's; stalled_rounds = rounds cut by StallSeconds;
// widened_to = the widest windows, when widen_to_limit widened them). Every phase, certify included, shares
// exact.time_limit_s (wall clock), or under Solve the context's deadline:
// every phase gets a child context (SolveContext::Within) and no option's
// limit is changed.
#pragma once

#include <limits>
#include <memory>

#include "core/solve_context.h"
#include "sched/exact.h"
#include "sched/rl.h"
#include "sched/scheduler.h"
#include "twophase/window_policy.h"

namespace respect {

struct TwoPhaseOptions {
  RlOptions rl;
  ExactOptions exact;
  int window = 1;
  int max_widen = 3;        // rounds after the first (re-centred on the new incumbent)
  bool certify = false;
  bool strong_start = true;  // also try dp_topo's split as incumbent
  // Engine of the windowed solves: kAuto = exact.engine (whose kAuto is the
  // ILP with the direct Cbc driver, here with light cut settings, for graphs
  // of > 64 nodes, the lattice below); kLattice = the ideal-lattice DP on
  // graphs of any size it handles (the ILP where the lattice is too large).
  // See bench/results/two_phase_engines.md.
  ExactEngine window_engine = ExactEngine::kAuto;
  // Use the whole limit: when the rounds stop gaining (a round closes its
  // windows without a better schedule), widen the windows by one, up to
  // window + kMaxExtraWidth, and go on. exact's start search sets it; plain
  // two_phase returns at the first local optimum.
  bool widen_to_limit = false;
  static constexpr int kMaxExtraWidth = 2;
  // memory_comm without certify: the cut bound of formulations/cut_bound.h
  // (with band ILPs when exact.cut_bound_ilp) on a thread of its own from
  // the windows to the end, so that the result carries a real bound (with
  // certify, exact's full run gives it). The registry sets it for plain
  // two_phase, not for exact's start search (exact runs its own).
  bool bound_thread = false;
  // Where the windows open (twophase/window_policy.h): kUniform = width
  // `window` around every node; kLearned = the window network's windows, a
  // fresh neighbourhood every round (learned LNS, NextRound). window_weights:
  // "default" (the shipped window network), "random" (seeded by window_seed)
  // or a path.
  WindowMode windows = WindowMode::kUniform;
  std::string window_weights = "default";
  uint64_t window_seed = 1;
  // kLearned: the share of the uniform windows' free binaries to spend (0, 1].
  double window_budget = 0.25;
  // learned windows: the most nodes a connected group of open windows holds (0: no cap; AllocateWindows).
  int window_group = 8;

  // rl.Validate(), exact.Validate(), window, max_widen, window_budget and
  // window_group within the config's bounds (core/option_bounds.h),
  // window_engine a row of sched/engines.h; else InvalidInput naming the
  // field. Run and RunFrom call it first.
  Status Validate() const;
};

class TwoPhaseScheduler final : public Scheduler {
 public:
  // `policy` may be null: loaded from options.rl.weights on first use.
  explicit TwoPhaseScheduler(TwoPhaseOptions options, std::shared_ptr<const PointerPolicy> policy = nullptr,
                             std::unique_ptr<MilpSolver> solver = nullptr);
  std::string name() const override { return "two_phase"; }
  // Solve under a context of options.exact.time_limit_s.
  StatusOr<ScheduleResult> Run(const Problem& problem) override;
  double time_limit_s() const override { return options_.exact.time_limit_s; }
  // The run under ctx: its deadline is the limit (the options' limits are
  // not read), its stop token ends the bound thread, the window rounds (the
  // round under way stops in Cbc) and certify. The result's
  // incumbent_trace counts from ctx's clock.
  StatusOr<ScheduleResult> Solve(const Problem& problem, const SolveContext& ctx) override;
  // Phases 2..5 from a given coarse schedule (instead of the policy's):
  // tests and benchmarks. Stats as Run (rl_seconds 0).
  StatusOr<ScheduleResult> RunFrom(const Problem& problem, const Schedule& coarse);
  // The seam where windows open: replaces what options.windows would load
  // (tests inject fakes). Not thread-safe against a concurrent Run.
  void set_window_policy(std::shared_ptr<const WindowPolicy> policy) { window_policy_ = std::move(policy); }

  // The rounds' loop state; NextRound is its only transition.
  struct RoundState {
    int w = 0;                 // the next round's width
    int w_max = 0;             // the widest width widen_to_limit may reach
    int closed = 0;            // rounds whose search ended by itself (not stalled)
    int idle = 0;              // rounds in a row without a gain (diversifying policies)
    double scale = 1.0;        // RoundHistory::scale of the next round (diversifying policies)
    bool last_chance = false;  // the next round repeats stalled windows without the stall stop
  };
  struct RoundOutcome {
    bool has_schedule = false;  // the round returned a schedule
    bool improved = false;      // ... better than the best so far
    bool stalled = false;       // its tree was cut by the stall stop (diversifying: or it did not close)
  };
  enum class NextStep { kStop, kSameCenter, kRecentre, kUniform };
  // What follows a round, from its outcome alone (pure; updates *s).
  //  - Uniform windows: a gain re-centres on the new incumbent (until
  //    max_widen rounds closed by themselves, unless widen_to_limit); a
  //    stall without a gain repeats the windows once without the stall stop;
  //    a closed round without a gain widens (widen_to_limit) or stops.
  //  - A policy that Diversifies() (learned LNS): a gain re-centres; a round
  //    without one opens a fresh neighbourhood around the same center, twice
  //    as large when the round closed (it was locally optimal), half as large
  //    when it stalled. When the neighbourhood would pass kMaxScale (the
  //    incumbent is locally optimal for every neighbourhood the policy
  //    opens), the rounds go on with uniform windows (kUniform) until the
  //    limit; after kMaxIdleRounds rounds in a row without a gain they end.
  static NextStep NextRound(const RoundOutcome& o, const TwoPhaseOptions& options, bool diversifies,
                            RoundState* s);
  static constexpr int kMaxIdleRounds = 64;
  static constexpr double kMaxScale = 16.0, kMinScale = 1.0 / 16;

 private:
  // The windowed solves' options: `engine` unless kAuto, no model file, and
  // light Cbc settings for graphs of at most kLightWindowMaxNodes nodes.
  static ExactOptions WindowOptions(ExactOptions o, ExactEngine engine, int nodes);
  // TwoPhaseOptions::bound_thread: the thread for what is left of ctx
  // (null when it does not apply), and its bound merged into *out.
  std::unique_ptr<CutBoundThread> StartCutBound(const Problem& problem, const SolveContext& ctx) const;
  static void JoinCutBound(const Problem& problem, CutBoundThread* cut, ScheduleResult* out);
  // The coarse phase's context: a quarter of the limit
  // (time_shares::kTwoPhaseCoarse), at most options.rl.time_limit_s.
  SolveContext CoarseContext(const SolveContext& ctx) const;
  // Phase 1 when the policy gives no feasible split: dp_topo's, else the
  // full problem by exact (whose result is then the run's: *done).
  StatusOr<ScheduleResult> CoarseFallback(const Problem& problem, const SolveContext& ctx, bool* done);
  // Phases 2..5 after the coarse schedule: DpTopoAlternative (strong_start),
  // CloseWindows, Certify (certify).
  StatusOr<ScheduleResult> Refine(const Problem& problem, ScheduleResult coarse, const SolveContext& ctx,
                                  ScheduleResult out);
  struct Incumbent {
    Schedule schedule;
    double objective = std::numeric_limits<double>::infinity();  // +inf: none
  };
  struct Rounds {
    Incumbent best;
    bool from_dp_topo = false;  // best descends from dp_topo's split, not the coarse schedule
    bool recentred = false;     // dp_topo's split beat the first window
    int rounds = 0;
    double ilp_seconds = 0.0;
    bool window_optimal = false;  // the last round closed its windows exactly
    double vars_kept = -1;        // binaries of the first round's windows
    int stalled_rounds = 0;       // rounds stopped by StallSeconds
    int width = 0;                // the widest windows searched, when widen_to_limit widened them
    std::vector<ScheduleResult::WindowRound> log;  // one record per round
  };
  // The rounds' figures in the result's stats.
  void RecordRounds(const Rounds& rounds, TwoPhaseStats* st) const;
  // How long a window round's tree may go without a better incumbent.
  static double StallSeconds(const SolveContext& ctx);
  // dp_topo's split (for up to time_shares::kTwoPhaseDpTopoAlternative of the limit); none when it finds none.
  Incumbent DpTopoAlternative(const Problem& problem, const SolveContext& ctx) const;
  // Window rounds around the coarse schedule, as NextRound decides, within
  // the limit; `alt` competes after the first round. A round whose tree
  // stalls (StallSeconds) is cut short.
  // Every incumbent the rounds see (Cbc's included) goes to ctx.trace()
  // (ScheduleResult::incumbent_trace, improvements only).
  // One round: the windows closed exactly from `center` for `limit_s`
  // seconds of ctx (CloseWindows gives an LNS round
  // time_shares::kTwoPhaseLnsRound of the limit). A diversifying (LNS) round
  // gets no stall stop.
  StatusOr<ScheduleResult> RunRound(const Problem& problem, const Windows& win, const Schedule& center,
                                    double limit_s, bool stall_stop, bool diversifying,
                                    const SolveContext& ctx) const;
  StatusOr<Rounds> CloseWindows(const Problem& problem, const Windows& hard, const Incumbent& coarse,
                                const Incumbent& alt, const SolveContext& ctx) const;
  // What the rounds carry besides the RoundState: the center, the policy
  // opening the windows (uniform once a diversifying policy is exhausted),
  // the history of the windows opened.
  struct Walk {
    Schedule center;
    const WindowPolicy* policy;
    bool diversifies;
    RoundHistory history;
    RoundState state;
  };
  // A finished round's outcome (the input of NextRound), judged against the
  // rounds so far: counts it in *out and takes its schedule when better, or
  // after the first round `alt` when better still. Pure but for *out.
  static RoundOutcome JudgeRound(const ScheduleResult& res, bool diversifies, const Incumbent& alt, double tol,
                                 Rounds* out);
  // Applies NextRound's step to the walk (*out: the widest width); false on kStop.
  bool Advance(NextStep next, const WindowPolicy* uniform, Rounds* out, Walk* walk) const;
  // The full problem from out->schedule for what is left of ctx: a better
  // schedule, the bound, optimal when proven.
  Status Certify(const Problem& problem, const SolveContext& ctx, ScheduleResult* out);

  // window_policy_ from options_.windows unless one was injected.
  Status EnsureWindowPolicy();

  TwoPhaseOptions options_;
  std::shared_ptr<const WindowPolicy> window_policy_;
  RlScheduler rl_;
  ExactScheduler exact_;         // the full problem (certify, fallback)
  // Graphs above this size solve their windows with the full Cbc settings.
  static constexpr int kLightWindowMaxNodes = 2000;
};

}  // namespace respect
