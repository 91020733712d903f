// A lower bound of the memory_comm objective J = Mpeak + w * sum_k X_k from
// minimum cuts, far above the ILP's root LP on large graphs (docs/design.md
// "Cut lower bound").
//
// The root LP can spread every node evenly over the stages (z[v][k] =
// (k+1)/stages), which makes every crossing zero and leaves it near
// total / stages. The cut bound uses that a node sits wholly in one stage.
// For a peak M, C(M) bounds sum_k X_k over schedules with max_k P_k <= M by
// the larger of two relaxations:
//   * per boundary: IncumbentWindows(M) (formulations/schedule_ilp.h) with
//     the hard windows, propagated along edges, put every node whose window
//     ends by k inside D_k = {v : s(v) <= k} and every node whose window
//     starts after k outside, so X_k >= the least crossing of a down-set
//     between the two: a minimum s-t cut (the edge model's edges, or each
//     tensor once through an auxiliary node; Boost's Boykov-Kolmogorov
//     max-flow). An empty window means no schedule has peak <= M;
//   * chained bands: the weights P(D_0) <= ... <= P(D_last) start within M
//     of 0, step by at most M and end within M of the total. Split [0,
//     total] into bands; a down-set whose weight is in band [a, b] contains
//     every v whose non-descendants weigh < a and no v whose ancestors weigh
//     > b, and its crossing is at least the Lagrangian bound of the least
//     such cut with a <= P(D) <= b (weight priced per byte, the price found
//     by bisection). A shortest path over bands then gives the least sum of
//     band bounds any chain fitting M can have. Bands are computed once, at
//     doubling resolutions while time lasts (a band's parent bound holds for
//     it).
// The band bounds are Lagrangian, so they can lie far below the least cut
// that really weighs a..b (on a 1,000-node synthetic graph 12.2 M against
// 20.8 M in the middle of the weights). With a band solver, the bands the
// chain of the least cell runs through are then closed exactly: the least
// crossing of a down-set weighing a..b is a small ILP (one binary per node
// the marks leave free, one knapsack row), solved first for a coarse band
// holding the chain's band and then for finer ones, and its proven bound
// holds for every band inside.
// C(M) does not increase with M, so a schedule with peak in (M_i, M_{i+1}]
// has J >= M_i + 1 + C(M_{i+1}) (peaks are whole bytes). The bound is the
// least such value over a grid of peaks from SimpleLowerBound up to the
// incumbent, refined by bisecting the cell that gives the least value, and
// never above the incumbent (no better schedule has a peak above it). It is
// a relaxation, valid for every schedule: nothing forces the down-sets to
// nest or a band's cut to be a schedule's.
// Two facts of the crossings raise it (CutBoundOptions::structure):
//   * with the non-empty rule each D_k holds an operator and leaves one
//     out, so X_k >= the least cut of such a down-set (one max-flow per
//     minimal and per maximal operator), per boundary and per band;
//   * crossing clusters (formulations/crossing_clusters.h): the crossing is
//     at least the sum over clusters of the crossing inside each, and a
//     cluster's stages hold at most M, so C(M) >= the sum over clusters
//     heavier than M of the chain bound of the cluster alone (its bands
//     between the empty set and the whole cluster cross at least its least
//     proper cut; band ILPs close them as for the whole graph). Where zero-
//     weight links leave the crossings in pieces, the whole graph's chain
//     fills a band's weight with light pieces at no cost, which a cluster
//     heavier than the peak cannot.
//   * the spectral floor (formulations/spectral_floor.h): a down-set
//     weighing x crosses at least lambda_2 x' (p(K) - x') / p(K), x' its
//     weight inside the heaviest linked piece K, lambda_2 the algebraic
//     connectivity of K's links against its weights; every band of the
//     whole graph's chain and of each cluster chain gets it (pieces of at
//     most kSpectralMaxNodes nodes and a fifth of the time: the
//     eigenvalues are dense).
// Thread-safety: CutLowerBound may run concurrently with anything that
// does not share its band_solver.
#pragma once

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>

#include "core/solve_context.h"
#include "core/time_shares.h"
#include "cost/problem.h"
#include "solver/milp.h"

namespace respect {

// The largest linked piece the spectral floor is computed for (its dense
// matrices take O(k^2) memory: at most about 0.6 GB); fewer when the time
// limit is short (its eigenvalues take O(k^3)).
constexpr int kSpectralMaxNodes = 6000;

struct CutBoundOptions {
  double time_limit_s = 1.0;  // wall clock; the grid refined so far when it ends
  int max_peaks = 4096;       // evaluations of C(M), each stages - 1 max-flows
  int bands = 4096;           // finest band resolution (at most 4 per node; about 13 max-flows per band); 0: no chain bound
  // Closes band cuts exactly (see above); null: the Lagrangian bounds only.
  // Not owned; used from the calling thread only, one solve at a time.
  MilpSolver* band_solver = nullptr;
  double band_ilp_s = 10.0;   // wall clock per band ILP (a stopped solve's bound still counts)
  // Requested from another thread, it ends the run as its time limit would
  // (the band ILP under way stops too, keeping its bound; at the latest
  // after one C(M)). Default: none.
  StopToken stop;
  // Ends the run once the bound (the least cell of the peak search) has not
  // risen for this long (wall clock, from the first bound); +inf: never.
  double stall_s = std::numeric_limits<double>::infinity();
  // The structure of the crossings (docs/design.md "Cut lower bound"):
  // with the non-empty rule every boundary crosses at least the least cut
  // of a down-set holding an operator and leaving one out; and crossing
  // clusters heavier than a peak are priced on their own (cluster chains).
  // False: neither (the bound of the plain relaxations, for comparison).
  bool structure = true;

  // For `seconds` of a run sized by run_limit_s: band ILPs of
  // time_shares::kBandIlp of that limit (what a stop may have to wait for).
  static CutBoundOptions ForRun(double run_limit_s, double seconds) {
    CutBoundOptions o;
    o.time_limit_s = seconds;
    o.band_ilp_s = time_shares::kBandIlp.Of(run_limit_s);
    return o;
  }
};

struct CutBoundResult {
  // Cost units (bytes); NaN for the latency objective or a single stage.
  // SimpleLowerBound <= bound <= incumbent; +inf when there is no incumbent
  // and no peak has a schedule (the problem is infeasible).
  double bound = std::numeric_limits<double>::quiet_NaN();
  // The lowest peak the bound allows (the lower end of its cell + 1), or
  // the incumbent when no better schedule can exist.
  double peak = std::numeric_limits<double>::quiet_NaN();
  int peaks_evaluated = 0;
  int bands_evaluated = 0;  // Lagrangian band cuts computed
  int bands = 0;            // resolution of the chain bound (its finest level)
  int max_flows = 0;
  int band_ilps = 0;          // band ILPs solved (band_solver)
  int band_splits = 0;        // bands split in two after their ILP
  int clusters = 0;           // crossing clusters priced on their own (cluster chains)
  int spectral_floors = 0;    // chains (the whole graph's, the clusters') with a spectral floor
  double spectral_seconds = 0.0;
  double band_ilp_seconds = 0.0;
  double seconds = 0.0;
  // The least cell is one byte wide (and with a band solver, every band its
  // chain runs through is closed): more time would not raise the bound.
  bool converged = false;
  bool stalled = false;  // ended by CutBoundOptions::stall_s
};

// `incumbent`: the objective of a known feasible schedule (+inf: none).
// Precondition: problem.Validate() is ok. Pure function of its inputs
// except for where the time limit cuts the refinement; thread-safe.
CutBoundResult CutLowerBound(const Problem& problem, double incumbent, const CutBoundOptions& options = {});

// CutLowerBound on a thread of its own, for callers whose other work uses
// one core: started by the constructor, stopped (if still running) and
// waited for by Stop or the destructor. The problem is copied (the graph
// shared), so it may outlive the caller's. Not copyable; one owner thread.
class CutBoundThread {
 public:
  // options.band_solver is replaced: the thread owns `band_solver` (may be
  // null: Lagrangian only). options.stop is replaced by a child of it
  // (StopToken::Child): the run ends at Stop or when options.stop is requested.
  CutBoundThread(Problem problem, double incumbent, CutBoundOptions options, std::unique_ptr<MilpSolver> band_solver);
  ~CutBoundThread();
  CutBoundThread(const CutBoundThread&) = delete;
  CutBoundThread& operator=(const CutBoundThread&) = delete;

  bool Finished() const;  // it returned on its own (its time or convergence)
  // The result; the first call stops the run and waits for it (at most the
  // band ILP under way), later calls return the same.
  CutBoundResult Stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The least crossing (X of comm_model, before comm_weight) of a down-set D
// with a <= P(D) <= b, as the band ILP above proves it within `seconds`:
// a lower bound, within the solver's tolerance of the least crossing when
// *optimal (at most a millionth of all crossing weights plus a byte below
// it); +inf when no such down-set exists, -inf when the solver fails. Builds a
// Reachability: for tests and tools, not for loops.
double LeastBandCrossing(const Problem& problem, int64_t a, int64_t b, MilpSolver* solver, double seconds,
                         bool* optimal);

}  // namespace respect
