// Pieces the two ideal-lattice solvers share (sched/lattice.cpp for graphs of
// at most 64 nodes, sched/lattice_wide.cpp above): the labels, the stage
// term, Pareto insertion, the ladder of search targets, and SolverCore (the
// problem's figures, the clock, the root bound, the search counters).
// Internal to sched/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/deadline.h"
#include "cost/crossing.h"
#include "cost/evaluate.h"
#include "cost/problem.h"
#include "formulations/schedule_ilp.h"
#include "sched/lattice.h"

namespace respect {
namespace lattice_internal {

struct Label {
  double m;        // max of the stage terms so far
  int64_t x;       // sum of the crossing bytes so far (0 for latency)
  int pred_node;   // node index in the previous layer (-1: the empty set)
  int pred_label;  // label index in that node
};

// The stage term between boundary sets that differ by dp parameter bytes and
// dmacs MACs, with xs bytes coming in and xt going out (none from the last
// stage); +inf when the stage breaks the cap (cap <= 0: none).
double StageTerm(const Problem& p, int64_t cap, int64_t dp, int64_t dmacs, int64_t xs, int64_t xt, bool last);

// The start both solvers share: Problem::Validate() and positive rates for
// the latency objective, the effective windows (TightenWindows of
// `windows`, FullWindows if null) into *win, the incumbent value into *U
// (+inf unless `start` is feasible and inside them; res records it), and the
// one-stage problem solved outright. Returns true when *res is final.
bool BeginSearch(const Problem& p, const Windows* windows, const Schedule* start, Windows* win, double* U,
                 LatticeResult* res);

// Adds `nl` to a Pareto set over (m, x) unless a label there is at least as
// good in both; drops the labels `nl` is at least as good as.
void AddParetoLabel(std::vector<Label>* labels, const Label& nl);

// Objective targets of the iterated searches, ascending: a few steps from the
// lower bound towards the incumbent's value U, then U (or, without one,
// multiples of the bound, then +inf).
std::vector<double> SearchTargets(double lb, double U);

// The schedule of a chain of boundary down-sets, walked back from label
// `label` of node `node` of the last boundary layer; in_set(layer node, v)
// says whether v is in that node's down-set.
template <class LNode, class InSet>
Schedule RebuildChain(const std::vector<std::vector<LNode>>& layers, int n, int stages, int node, int label,
                      InSet in_set) {
  Schedule s;
  s.stage.assign(n, stages - 1);
  for (int k = stages - 2; k >= 0; --k) {
    const LNode& nd = layers[k][node];
    for (int v = 0; v < n; ++v)
      if (in_set(nd, v)) s.stage[v] = k;  // earlier layers overwrite
    const Label& l = nd.labels[label];
    node = l.pred_node;
    label = l.pred_label;
  }
  return s;
}

enum class Pass { kFound, kNone, kBudget, kTime };

// What both solvers hold and do alike: the problem and its objective's
// figures, the nodes' sizes, the clock, and the state and counters of the
// search below a target.
class SolverCore {
 protected:
  SolverCore(const Problem& p, const LatticeOptions& o) : p_(p), g_(p.g()), o_(o), xw_(p.g(), p.objective) {}

  // latency_, nonempty_, w_ and cap_ from the problem; param_, macs_ and
  // their totals from the graph (n_ nodes).
  void ReadObjectiveAndSizes();
  // Checks the clock (and the stop token) every 256 calls; true once the
  // time limit has passed or a stop was requested.
  bool OutOfTime() {
    if ((++clock_checks_ & 255) != 0) return timed_out_;
    if (clock_.Seconds() > o_.time_limit_s || o_.stop.Requested()) timed_out_ = true;
    return timed_out_;
  }
  // The root lower bound: latency, the MACs' even share at full speed;
  // memory_comm, the larger of a stage's even share of the parameters and the
  // heaviest node, plus the least crossing of every boundary (min_x_*).
  double RootLowerBound() const;
  // The stage term between boundary sets with these differences; +inf when
  // the stage breaks the cap.
  double StageTerm(int64_t dp, int64_t dmacs, int64_t xs, int64_t xt, bool last) const {
    return lattice_internal::StageTerm(p_, cap_, dp, dmacs, xs, xt, last);
  }

  const Problem& p_;
  const Graph& g_;
  LatticeOptions o_;
  const CrossingWeights xw_;  // what each crossing weighs (cost/crossing.h)
  Stopwatch clock_;
  int n_ = 0, S_ = 0, nops_ = 0;  // nops_: operator nodes (nonempty_stages counts these)
  bool latency_ = false, nonempty_ = true;
  double w_ = 1.0;
  int64_t cap_ = 0, total_p_ = 0, total_macs_ = 0;
  std::vector<int64_t> param_, macs_;
  std::vector<int64_t> min_x_layer_;  // least X over each layer's down-sets (0 if unknown)
  std::vector<int64_t> min_x_after_;  // sum of min_x_layer_ over layers > k

  // Search state.
  double target_ = std::numeric_limits<double>::infinity();
  int64_t steps_ = 0, labels_ = 0, clock_checks_ = 0;
  bool timed_out_ = false, over_budget_ = false;
  double best_j_ = std::numeric_limits<double>::infinity();
  int best_node_ = -1, best_label_ = -1;
};

// Searches for schedules below rising targets (SearchTargets(lb, U)): one
// that finds a schedule below its target has found the optimum (every
// schedule below the target is enumerated); one that finds none proves the
// target a lower bound. search(t) runs one search; found() rebuilds the
// schedule of a kFound search; steps/labels are the solver's counters.
// Completes `res` (which says whether a start of value U was used).
template <class SearchFn, class FoundFn>
LatticeResult SearchBelowTargets(const Problem& p, int64_t max_steps, double lb, double U, SearchFn search,
                                 FoundFn found, const int64_t& steps, const int64_t& labels, LatticeResult res) {
  for (double t : SearchTargets(lb, U)) {
    const Pass pass = search(t);
    res.steps = steps;
    res.labels = labels;
    if (pass == Pass::kBudget) {
      res.outcome = LatticeResult::Outcome::kTooLarge;
      res.message = "more than " + std::to_string(max_steps) + " steps between down-sets";
      res.schedule = Schedule();
      return res;
    }
    if (pass == Pass::kTime) {
      res.outcome = LatticeResult::Outcome::kTimeLimit;
      res.bound = lb;
      res.message = "time limit reached in the lattice search";
      return res;
    }
    if (pass == Pass::kNone) {
      lb = std::max(lb, t);
      continue;
    }
    Schedule s = found();
    Evaluation ev = Evaluate(p, s);
    if (!ev.feasible) {
      res.outcome = LatticeResult::Outcome::kTooLarge;
      res.message = "internal: lattice schedule is infeasible (" + ev.violation + ")";
      res.schedule = Schedule();
      return res;
    }
    res.outcome = LatticeResult::Outcome::kOptimal;
    res.schedule = std::move(s);
    res.objective = res.bound = ev.objective;
    res.start_optimal = false;
    return res;
  }
  // Nothing below the last target.
  if (res.start_used) {
    res.outcome = LatticeResult::Outcome::kOptimal;
    res.bound = res.objective;
    res.start_optimal = true;
    return res;
  }
  res.outcome = LatticeResult::Outcome::kInfeasible;
  res.message = "no chain of down-sets satisfies the constraints (exhaustive search)";
  return res;
}

}  // namespace lattice_internal
}  // namespace respect
