// Activation memory: the peak bytes of tensors live at once inside a stage
// while it runs (docs/design.md "Activation memory"), and the
// constraints.max_stage_activation_bytes cap on it.
//
// A stage runs its nodes in the graph's topological order restricted to the
// stage (Graph::topo_order; for a TFLite model that is the operators'
// execution order, the order the deploy segmenter writes). At the step of
// node w, the tensor of node u (output_bytes) is live when
//   * u is in the stage, runs at or before w, and is still needed at or
//     after w: a consumer of u runs at or after w in the stage, or some
//     consumer lies in a later stage (then it stays until the stage ends);
//     u's own step counts even when u has no consumer;
//   * u is in an earlier stage and a consumer of u in this stage runs at or
//     after w (an incoming tensor lives from the stage's first step until
//     its last reader here).
// A tensor only passed through a stage (produced before it, read after it)
// is not counted: no operator of the stage touches it (the crossing bytes
// X_k count it). The stage's peak is the largest sum over its steps; an
// empty stage has 0. Every function is thread-safe (pure, or one object per
// thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cost/problem.h"

namespace respect {

// The peak of every stage for `stage` (a stage per node, precedence kept):
// O(n + E). Entries for stages no node has are 0.
std::vector<int64_t> StageActivationBytes(const Graph& g, const std::vector<int>& stage, int stages);

// max(0, activation - max(0, sram - params)): the activation bytes of a stage
// that do not fit in the on-chip memory its parameters leave
// (edgetpu.activation_spill).
inline int64_t ActivationSpillBytes(int64_t activation, int64_t params, int64_t sram) {
  const int64_t left = sram > params ? sram - params : 0;
  return activation > left ? activation - left : 0;
}

// Bytes live while v runs in every schedule: v's output plus the tensors v
// reads. A lower bound on the peak of the stage holding v.
int64_t RunFloorBytes(const Graph& g, int v);

// Why max_stage_activation_bytes admits no schedule, seen without solving:
// a node whose RunFloorBytes exceeds the cap (named). "" when the cap is 0 or
// every node fits.
std::string ActivationConflict(const Problem& problem);

// The first stage whose peak exceeds the cap, as evaluate() words it; "" when
// none does or there is no cap.
std::string ActivationViolation(const Problem& problem, const std::vector<int64_t>& stage_activation_bytes);

// The exact profile of one stage held as a set T of nodes, for sweeps over
// the contiguous segments of an order (sched/split.cpp): Append adds a node
// whose parents in T are all present (the next node of a topological
// order); PopFront removes the node of T that runs first, which must have no
// parent in T (the front of T when T is an interval of the topological
// order). Peak() is the stage peak of T as StageActivationBytes defines it
// when T is a stage. Each call costs O((1 + degree) log n).
class ActivationProfile {
 public:
  explicit ActivationProfile(const Graph& g);
  void Append(int w);
  void PopFront(int w);
  // Removes every node (O(touched nodes x log n)).
  void Clear();
  int64_t Peak() const;
  int size() const { return members_; }

 private:
  void Refresh(int u);                           // re-applies u's live interval
  void RangeAdd(int lo, int hi, int64_t delta);  // on run positions lo..hi
  void Add(int node, int lo, int hi, int l, int r, int64_t delta);

  const Graph& g_;
  int n_ = 0, members_ = 0;
  std::vector<int> pos_;                  // run position (index in topo_order)
  std::vector<char> in_;                  // member of T
  std::vector<int> readers_, last_reader_;  // consumers in T, the latest run position among them
  std::vector<int> lo_, hi_;              // the interval applied for u's tensor (lo > hi: none)
  std::vector<int> touched_;
  std::vector<int64_t> max_, lazy_;       // segment tree: max over members (others sit at -kAbsent)
};

// Which contiguous segments order[i..j-1] of one topological order fit under
// max_stage_activation_bytes. For the graph's own topological order (the run
// order) the fitting segments form a staircase: [i, j) fits, so does every
// segment inside it, and two pointers find them all in O((n + E) log n).
// For any other order each start is swept on its own (O(L (1 + degree)
// log n) for the L ends tried), within a budget of node appends: segments
// beyond what the budget reached are taken as not fitting, so a split may
// miss a schedule but never keeps one that breaks the cap. Without a cap
// every segment fits.
class SegmentActivationFits {
 public:
  SegmentActivationFits() = default;  // no cap: every segment fits
  SegmentActivationFits(const Problem& problem, const std::vector<int>& order,
                        int64_t append_budget = 4000000);
  bool capped() const { return capped_; }
  bool staircase() const { return !capped_ || staircase_; }
  bool Fits(int i, int j) const;
  // Staircase only: the smallest start i with [i, j) fitting (j when none);
  // every start from it to j - 1 fits.
  int MinStart(int j) const;
  // The largest end j with [i, j) fitting (i when none); on a staircase
  // every end from i + 1 to it fits.
  int MaxEnd(int i) const;

 private:
  void SweepRunOrder(const Problem& problem, const std::vector<int>& order);
  void SweepEachStart(const Problem& problem, const std::vector<int>& order, int64_t budget);

  bool capped_ = false, staircase_ = true;
  int n_ = 0;
  std::vector<int> max_end_;               // per start (staircase, and the last fit of a row)
  std::vector<std::vector<char>> rows_;    // other orders: rows_[i][j - i - 1] = [i, j) fits
};

}  // namespace respect
