// Per-node input features of the pointer network (docs/design.md "Learned policy").
//
// Input order: the nodes in Graph::topo_order() (deterministic Kahn order,
// smallest index first). Column j of the feature matrix describes node
// order[j]; the network points at columns, and the policy maps them back to
// node indices.
//
// The feature vector has kFeatureDim = 28 entries, all O(1). Let L =
// max(1, depth-1) (levels), n = |V|, pos(v) = position of v in the input
// order, B = ln(2^32) (a byte-size scale: 4 GiB -> 1):
//    0  asap(v) / L                                               [paper]
//    1  alap(v) / L                                               [extra]
//  2-7  ASAP levels / L of up to 6 parents, -1 padding            [paper]
// 8-13  ids of the same parents as pos(p) / n, -1 padding         [paper]
//   14  node id hashed from the operator name: FNV-1a(op) % 1021 / 1021 [paper]
//   15  param_bytes / max param_bytes of the graph (0 if all 0)   [paper]
//   16  ln(1 + param_bytes) / B                                   [paper]
//   17  param_bytes / total param_bytes of the graph (0 if all 0) [paper]
//   18  cumulative param fraction over the input order, through v [extra]
//   19  output_bytes / max output_bytes of the graph (0 if all 0) [extra]
//   20  ln(1 + output_bytes) / B                                  [extra]
//   21  fan-out / max fan-out of the graph (0 if no edges)        [extra]
//   22  min(in-degree, 6) / 6                                     [extra]
//   23  pos(v) / n                                                [extra]
//   24  param bytes of v and its ancestors / total param bytes     [size-invariant]
//   25  param bytes of v and its descendants / total param bytes   [size-invariant]
//   26  number of ancestors / (n - 1)                              [size-invariant]
//   27  number of descendants / (n - 1)                            [size-invariant]
// The size-invariant entries say where a node sits in the graph's parameter
// mass: a node whose ancestors hold 40% of the bytes belongs near 40% of the
// pipeline whatever the graph's size (the same facts bound the ILP's
// incumbent windows). Exact transitive closure by bitsets, O(n E / 64).
// Parents are taken in input order; a node with more than 6 parents keeps the
// 6 latest (closest) ones. FeatureSet::kPaper zeroes the [extra] entries, so
// the two sets share one network shape (for the ablation benchmark).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "graph/graph.h"

namespace respect {

inline constexpr int kFeatureDim = 28;
inline constexpr int kMaxParents = 6;

enum class FeatureSet { kPaper = 0, kFull = 1 };

struct NodeFeatures {
  std::vector<int> order;  // input order: order[j] = node index of column j
  Eigen::MatrixXd x;       // kFeatureDim x n
};

// Thread-safe (pure).
NodeFeatures ComputeFeatures(const Graph& g, FeatureSet set = FeatureSet::kFull);
// Same, into *out, reusing its storage (no allocation when sizes repeat).
void ComputeFeaturesInto(const Graph& g, FeatureSet set, NodeFeatures* out);
// The same, abandoned once `give_up` returns true (false; *out unusable). It
// is asked during the closure sums, which are all but all of the time on
// large graphs (O((n + E) n / 64): 13 s at 100,000 nodes).
bool ComputeFeaturesInto(const Graph& g, FeatureSet set, NodeFeatures* out, const std::function<bool()>& give_up);

// Short name of feature i (for tables), e.g. "asap", "parent_level_3".
std::string FeatureName(int i);

// True iff feature i belongs to the paper's embedding (kept by kPaper).
bool IsPaperFeature(int i);

// FNV-1a 64-bit hash (used for the operator-name id).
uint64_t Fnv1a64(const std::string& s);

}  // namespace respect
