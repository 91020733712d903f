// The scheduling ILP of docs/design.md over a Problem, as a solver-neutral
// MilpModel, with the maps to decode a solution into a Schedule and to encode
// a Schedule as a MIP start.
//
// Variables (bytes in MiB, or for memory_comm with a fractional comm_weight
// p/q in a power-of-two unit at or below 1/q MiB so that the objective's
// step of 1/q bytes stays >= 2^-20 units; times in a power-of-ten unit
// chosen per model; objective_scale converts back):
//   z[v][k] = [s(v) <= k], k = 0..stages-2, binary (z[v][stages-1] = 1);
//   memory_comm: Mpeak >= P_k, objective Mpeak + comm_weight * sum_k X_k;
//   latency:     T >= T_k, o_k >= P_k - sram (only when the parameters can
//                exceed the SRAM), objective T.
//   X_k: comm_model edge -> sum over edges (u,w) of c_u (z[u][k] - z[w][k]),
//        exact in z, no extra variables; comm_model tensor -> a node whose
//        consumers have one latest consumer w (the others are ancestors of w)
//        crosses k exactly when z[u][k] - z[w][k] = 1, again no variable;
//        otherwise y[u][k] in [0,1] with y >= z[u][k] - z[w][k] for each
//        latest consumer w.
// Tightening: a node's window [lo, hi] (FullWindows: from ancestor /
// descendant counts when every stage must be non-empty, intersected with any
// caller windows and propagated along edges) fixes z below/above it, and the
// fixed z are substituted as constants rather than kept as columns; edges
// implied by longer paths get no precedence rows; nodes whose tensor weighs
// nothing get no crossing terms; Mpeak >= the largest node.
// Infeasibility visible without solving (settings Problem::NoScheduleReason
// refuses, an empty window, a stage no node can reach) is a model outcome:
// IlpModel::infeasible names the culprit and no model is built.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "core/status.h"
#include "cost/problem.h"
#include "solver/milp.h"

namespace respect {

class Reachability;

// Per-node stage interval: node v may only go to stages lo[v]..hi[v].
struct Windows {
  std::vector<int> lo, hi;
};

// The hard windows every feasible schedule satisfies: [0, stages-1], and with
// nonempty_stages (one operator node per stage; m operators, o(v) = 1 when v
// is one), lo[v] >= stages - 1 - m + o(v) + |operator ancestors(v)| (the later
// stages need operators that are not v or its ancestors) and
// hi[v] <= m - o(v) - |operator descendants(v)|. Without boundary nodes:
// stages - n + |ancestors(v)| and n - 1 - |descendants(v)|. Pins
// (constraints.pin) narrow them further: a pinned node's window is [s, s],
// its ancestors end by s and its descendants start at s or later
// (cost/pins.h PinBounds); IncumbentWindows and TightenWindows inherit this.
// Precondition: problem.Validate() is ok.
Windows FullWindows(const Problem& problem);

// memory_comm only: the windows every schedule of objective <= `objective`
// satisfies. Such a schedule has max_k P_k <= m = min(objective,
// max_stage_param_bytes if set); v and its ancestors lie in stages
// 0..s(v), v and its descendants in s(v)..stages-1, so
//   s(v) >= ceil((p_v + ancestor bytes) / m) - 1,
//   s(v) <= stages - ceil((p_v + descendant bytes) / m).
// With the objective of a known schedule (a MIP start) this restricts the
// model to schedules at least as good; the start itself stays inside.
// FullWindows for the latency objective or a non-finite objective.
Windows IncumbentWindows(const Problem& problem, double objective);
// The same from the caller's FullWindows(problem) and Reachability (built
// with_param_sums), so that many objectives cost no transitive closure and no
// hard windows each (formulations/cut_bound.h).
Windows IncumbentWindows(const Problem& problem, const Windows& hard, const Reachability& reach, double objective);

// Makes `w` consistent along edges (lo[w] >= lo[u], hi[u] <= hi[w] for every
// edge (u, w)); false when some node is then left no stage (w is still
// fully propagated). The propagation step of TightenWindows.
bool PropagateWindows(const Graph& g, Windows* w);

// `windows` intersected with FullWindows and made consistent along edges
// (lo[w] >= lo[u], hi[u] <= hi[w] for every edge (u, w)). InvalidInput if the
// vectors have the wrong size. Some node may be left no stage (lo > hi): no
// schedule fits the windows; EmptyWindowReason says which.
StatusOr<Windows> TightenWindows(const Problem& problem, const Windows& windows);

// "" when every node has a stage in `windows`, else a line naming the first
// node left none (with its bounds).
std::string EmptyWindowReason(const Problem& problem, const Windows& windows);

// True iff lo[v] <= schedule.stage[v] <= hi[v] for all v.
bool WithinWindows(const Windows& windows, const Schedule& schedule);

struct IlpModel {
  static constexpr int kFixedZero = -1;  // z entry fixed to 0 (below the window)
  static constexpr int kFixedOne = -2;   // z entry fixed to 1 (at/above the window top)

  MilpModel milp;
  Problem problem;            // the problem it was built from (graph shared)
  Windows windows;            // effective windows (after TightenWindows)
  // z[v][k], k = 0..stages-2: a column index, or kFixedZero / kFixedOne.
  std::vector<std::vector<int>> z;
  // Cost-model objective (bytes, or seconds for latency) = scale * ILP objective.
  double objective_scale = 1.0;
  int peak_col = -1;          // memory_comm: Mpeak (units of objective_scale bytes)
  int period_col = -1;        // latency: T (in units of objective_scale seconds)
  std::vector<int> offchip_col;  // latency: o_k (MiB), -1 where not modelled
  int num_crossing_cols = 0;  // y columns
  // Continuous columns in the order EncodeStart fixes them (each is set to
  // the least value its rows allow, given z and the columns before it).
  std::vector<int> aux_cols;

  // Not "": no schedule exists, evidently (why; the model is left unbuilt).
  std::string infeasible;
  // The precedence and crossing rows are over the edge reduction (EdgeReduction).
  bool edges_reduced = false;

  int stages() const { return problem.stages; }
  // Cost-model value of an ILP objective value.
  double ToCost(double ilp_objective) const { return ilp_objective * objective_scale; }
};

// Whether the builder drops the edges a longer path implies (no precedence
// rows) and the consumers that cannot be last (no crossing rows). Both need
// the reachability of the whole graph, O((n + E) n / 64) word operations:
// 11-17 s at 100,000 nodes on a quiet machine, 46-68 s under load, more than
// a window round's share of the limit. Without it the model has redundant
// rows but the same feasible set and optimum. kAuto reduces graphs of at
// most kReduceAllNodes nodes, and larger ones when at least half their nodes
// have a free window (a full model, where the saved rows pay for the pass)
// and the pass fits `reduce_within_s` (ReductionFits); a window round that
// frees a few nodes of a large graph is built in O(S (n + E)).
enum class EdgeReduction { kAuto, kAlways, kNever };
constexpr int kReduceAllNodes = 8192;

// kAuto's time rule for a graph above kReduceAllNodes nodes: its
// Reachability is expected to take at most `seconds`
// (EstimatedReachabilitySeconds, formulations/reachability.h).
bool ReductionFits(const Graph& g, double seconds);

// Builds the ILP. windows == nullptr means FullWindows. `reduce_within_s`
// (kAuto only, graphs above kReduceAllNodes nodes): the seconds the edge
// reduction may take; a pass expected to take longer is not started, and
// one that runs longer is abandoned (the model is then built unreduced).
// IlpModel::edges_reduced says which. Errors: InvalidInput for a bad
// problem/windows. When infeasibility is evident the model comes back with
// `infeasible` set (why) and nothing else.
StatusOr<IlpModel> BuildScheduleIlp(const Problem& problem, const Windows* windows = nullptr,
                                    EdgeReduction reduction = EdgeReduction::kAuto,
                                    double reduce_within_s = std::numeric_limits<double>::infinity());

// Stage per node from a column vector (z rounded at 0.5; fixed z as built).
// Precondition: values.size() == ilp.milp.num_cols().
Schedule DecodeSchedule(const IlpModel& ilp, const std::vector<double>& values);

// The column vector of a schedule: z from the stages, every continuous column
// at the least value its rows allow. For a feasible schedule inside the
// windows it satisfies every row, and ToCost(milp.ObjectiveOf(x)) equals
// evaluate(). Only z columns are written, so a schedule outside the windows
// is in effect clamped into them (check WithinWindows first; the clamped
// schedule may break rows, and solvers then ignore the start).
std::vector<double> EncodeStart(const IlpModel& ilp, const Schedule& schedule);

}  // namespace respect
