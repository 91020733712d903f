// The training reward (docs/design.md "Learned policy"): cosine similarity between
// the label sequences of an emitted order and the target order.
//
// Label sequence of an order: for each position t, the exact stage of the node
// at that position, counted from 1 (label = stage + 1, so stage-0 nodes weigh
// in too; with 0-based labels they would vanish from the dot product).
// Both sequences hold the same multiset of labels, so the cosine is 1 exactly
// when the emitted order's labels are non-decreasing like the target's, i.e.
// when the contiguous split of the order can reproduce the labelled schedule.
#pragma once

#include <vector>

#include "graph/graph.h"

namespace respect {

// labels[t] = stage[order[t]] + 1.
std::vector<int> LabelSequence(const std::vector<int>& order, const std::vector<int>& stage);

// a.b / (|a| |b|); 0 if either vector is zero or the lengths differ.
double CosineSimilarity(const std::vector<int>& a, const std::vector<int>& b);

// CosineSimilarity(LabelSequence(order), LabelSequence(target)).
double LabelReward(const std::vector<int>& order, const std::vector<int>& target_order,
                   const std::vector<int>& stage);

// The target order (docs/design.md): nodes sorted by (stage, ASAP level, index).
std::vector<int> TargetOrderFromStages(const Graph& g, const std::vector<int>& stage);

}  // namespace respect
