// The one table of how a time limit is split between the phases of a solve
// (docs/design.md "Time shares"). Every share is a fraction of a limit in
// seconds; where a phase has a floor or a cap in seconds, it is here too.
//
// The rule that keeps a longer limit from making an instance slower: the
// phases that run *before* Cbc on problems the lattice did not settle (the
// lattice itself, the cut bound's solo run, its band ILPs) are sized from
// SizingLimit(limit) = min(limit, kSizingLimitS), not from the limit: every
// limit of 5 s or more runs them exactly as a 5 s limit does, and Cbc, which
// stops as soon as it has proven the optimum, gets the rest. The cut bound
// also stops early once its bound stops rising (kCutBoundStall).
//
// Shares that do scale with the limit are caps on phases that end by
// themselves (dp_topo stops when its splits are done) or phases that are the
// job on large graphs (the start search above 500 nodes, the concurrent cut
// bound beside it, which never delays Cbc).
//
// Pure constants and one clamp: no state, usable from any thread.
#pragma once

#include <algorithm>
#include <limits>

namespace respect {
namespace time_shares {

// A share of a limit, clamped to [min_s, max_s] seconds.
struct Share {
  double fraction;
  double min_s = 0.0;
  double max_s = std::numeric_limits<double>::infinity();
  double Of(double limit_s) const { return std::min(max_s, std::max(min_s, fraction * limit_s)); }
};

// The limit the phases before Cbc are sized from (see above).
constexpr double kSizingLimitS = 5.0;
inline double SizingLimit(double limit_s) { return std::min(limit_s, kSizingLimitS); }

// ---- exact (src/sched/exact.cpp) ----
// The dp_topo MIP start: at most a fifth of the limit (its splits take
// seconds only on graphs of thousands of nodes).
constexpr Share kDpTopoStart{0.2};
// kAuto's lattice before Cbc: a tenth of the sizing limit (at most 0.5 s). The
// lattice proves every zoo model in at most 36 ms; on the 50-node wide graphs
// of issue 11 it either finished within 0.15 s or ran past 30 s.
constexpr Share kAutoLattice{0.1};
// The cut bound's solo run before the model is built (plain runs without a
// start search): a tenth of the sizing limit, at most 0.5 s
// (ExactOptions::cut_bound_share is this fraction), ...
constexpr Share kCutBoundSolo{0.1};
// ... ended earlier once its bound has not risen for this share of the
// sizing limit (0.125 s at 5 s and more).
constexpr Share kCutBoundStall{0.025};
// A band ILP of the cut bound: a fiftieth of the limit it is sized from (the
// sizing limit for the solo run, the run's limit for the concurrent one),
// 0.05..10 s: what a stop may have to wait for; they take about 0.1 s each at
// 1,000 nodes, 0.2 s at 10,000.
constexpr Share kBandIlp{0.02, 0.05, 10.0};
// The Lagrangian band bounds' part of a cut bound run: half its time, a
// quarter when band ILPs follow (they have better uses for the rest).
constexpr double kLagrangian = 0.5;
constexpr double kLagrangianWithIlp = 0.25;
// The start search (two_phase, graphs of 500 nodes or more the lattice did
// not settle): four fifths of the limit. On the synthetic graphs of 1,000 and
// 5,000 nodes (bench/results/scale.md) Cbc, given the other half after a
// half-limit start, improved the start by 1 KB in 53 s (1,000 nodes, 120 s)
// and not at all at 5,000 nodes, while two_phase kept improving with time.
constexpr Share kStartSearch{0.8};
// Above 2,048 nodes: Cbc's fifth improved neither the 5,000- nor the
// 10,000-node start (120 s each), and the bound comes from the cut bound's
// thread, so the search gets nearly all.
constexpr Share kLargeStartSearch{0.95};

// ---- Cbc's direct driver (solver/cbc_solver.cpp) ----
// The feasibility pump's CPU seconds: a quarter of the solve's limit (it does
// not look at Cbc's clock between passes: on a 30,000-column model its 20
// passes took 45 s of a 120 s budget).
constexpr Share kFeasibilityPump{0.25};

// ---- rl (src/sched/rl.cpp) ----
// The network's decode: at most half of what is left of rl's limit; past it
// the orders are completed without the network (DecodeOptions::time_limit_s)
// so the splits of the orders get the other half. The pointer decoder's
// greedy decode took 62 s of a 30 s coarse phase at 100,000 nodes. The
// node features count against it too (their closure sums: 13 s there).
constexpr Share kRlDecode{0.5};

// ---- two_phase (src/twophase/two_phase.cpp) ----
// The policy's coarse phase: at most a quarter of the limit.
constexpr Share kTwoPhaseCoarse{0.25};
// dp_topo when the policy gives no feasible split: a quarter.
constexpr Share kTwoPhaseDpTopoFallback{0.25};
// dp_topo's alternative start (strong_start): 15%.
constexpr Share kTwoPhaseDpTopoAlternative{0.15};
// A window round's stall stop (TwoPhaseScheduler::StallSeconds): a tenth of
// the limit, at least 10 s.
constexpr Share kTwoPhaseStall{0.1, 10.0};
// The closure sums the window rounds' incumbent windows read: computed once
// per run only when their estimated time, n^2 x kClosureSecondsPerNodePair
// (13 s with parameter sums at 100,000 nodes on the 2-vCPU VM), is at most
// 5% of the limit; otherwise the rounds go without incumbent windows, which
// narrow little in rounds that open a few nodes each.
constexpr Share kTwoPhaseClosure{0.05};
constexpr double kClosureSecondsPerNodePair = 1.3e-9;

// ---- the ILP's edge reduction (formulations/schedule_ilp.h EdgeReduction) ----
// A model of more than kReduceAllNodes nodes is reduced only when the
// Reachability pass it needs is expected to take at most a tenth of what is
// left of the solve (and it is abandoned there): at 100,000 nodes and
// 300,000 edges the pass took 46 s and 68 s of a 120 s limit on the loaded
// VM, a window round's whole share, and Cbc then got nothing.
constexpr Share kEdgeReduction{0.1};
// A Reachability's seconds per node-or-edge and 64-target word
// (EstimatedReachabilitySeconds): about 3e-8 on the quiet 2-vCPU VM (50,000
// layered nodes), 7e-8 under a load average of 6-8 (100,000 nodes, 300,000
// edges: 46 s).
constexpr double kReachabilitySecondsPerStep = 5e-8;
// A learned-LNS round (a policy that diversifies): 5% of the limit, at least
// 1 s. A round Cbc cannot close within it counts as too hard and the next
// neighbourhood is half as large: the neighbourhood's size follows what Cbc
// closes, not the limit.
constexpr Share kTwoPhaseLnsRound{0.05, 1.0};
// A window round starts only if, after its opening and model build, Cbc
// would get at least this fraction of the last round's Cbc seconds: at
// 100,000 nodes a round begun with 2.5 s left (after one whose Cbc ran 18 s)
// built for 1.2 s, could not finish a root LP, and Cbc returned 0.8 s past
// its limit (the whole run 0.7 s past it).
constexpr double kTwoPhaseRoundFloor = 0.25;

// ---- progress ----
// exact's progress line (core/progress.h SolveProgress) stays quiet this long.
constexpr double kProgressQuietS = 1.0;

}  // namespace time_shares
}  // namespace respect
