// constraints.pin: nodes fixed to a stage (docs/design.md "Cost model").
// A pin names a node by its name (or its id, when no node has that name);
// these helpers resolve the names once per call and give every method the
// same view: the stage per node, the bounds the pins put on the other nodes
// through precedence, the conflicts visible without solving, and the check
// evaluate() makes. Thread-safe (pure functions).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "cost/problem.h"

namespace respect {

// The pinned stage of every node (-1: not pinned). InvalidInput, one line
// naming the pin, for a name no node has (with the nearest name), a name
// several nodes share, or a stage outside [0, stages).
StatusOr<std::vector<int>> ResolvePins(const Problem& problem);

// ResolvePins' vector, or an empty vector when the problem has no pins (or
// they do not resolve; callers have run Problem::Validate).
std::vector<int> PinnedStages(const Problem& problem);

// The pins propagated along the edges: lo[v] is the largest pinned stage of
// v and its ancestors (0 if none), hi[v] the smallest of v and its
// descendants (stages - 1 if none). Every schedule that honours the pins
// keeps lo[v] <= s(v) <= hi[v]. Both empty when `pinned` is.
struct PinBounds {
  std::vector<int> lo, hi;
};
PinBounds ComputePinBounds(const Problem& problem, const std::vector<int>& pinned);

// Why the pins admit no schedule, seen without solving, naming the pins: a
// pinned node has a pinned ancestor at a later stage; or, with
// nonempty_stages, some stages a..b can be reached (within the pin bounds)
// by fewer than b - a + 1 operator nodes. "" otherwise (and without pins).
// Precondition: Problem::Validate is ok.
std::string PinConflict(const Problem& problem);

// The first pin `stage` breaks ("node 'x' is pinned to stage 1 but is in
// stage 2"), "" when it keeps them all. Precondition: stage.size() is the
// graph's size.
std::string PinViolation(const Problem& problem, const std::vector<int>& stage);

// `order` (a topological order) itself when it lists the pinned nodes by
// non-decreasing stage, else `order` stably sorted by PinBounds::lo: still
// topological (lo never falls along an edge), and every pinned node of a
// stage comes before those of later stages, so a contiguous split can honour
// the pins.
std::vector<int> PinConsistentOrder(const Problem& problem, const std::vector<int>& order);

// Where the cuts of a contiguous split of one order may go under the pins.
// Cut k (k = 1..stages-1) is the position where stage k starts; it must lie
// in [lo[k], hi[k]] (after every node pinned below k, at or before the first
// pinned at k or later). Without pins every cut is allowed.
struct PinCuts {
  std::vector<int> lo, hi;  // indexed by k; empty without pins
  int max_pin = -1;         // the largest pinned stage, -1 without pins
  int n = 0;                // order length
  // May a split's first k segments end at position j? j < n: cut k lies in
  // its range; j == n (the rest of the stages empty): no pin at k or later.
  bool EndOk(int k, int j) const {
    if (lo.empty()) return true;
    if (j >= n) return max_pin < k;
    return k < static_cast<int>(lo.size()) && lo[k] <= j && j <= hi[k];
  }
};
PinCuts ComputePinCuts(const Problem& problem, const std::vector<int>& order);

}  // namespace respect
