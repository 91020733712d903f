// Per-node input features of the window network (policy/stage_net.h): what a
// node is, and where it sits in a center schedule s0 that the windows will be
// opened around. O(n + E) time and memory (no transitive closure), so the
// network runs on graphs of any size.
//
// kStageFeatureDim = 30 entries, all O(1). L = max(1, depth - 1), K = stages,
// P_k = stage param bytes of s0, Pmax = max_k P_k (1 if all 0), X_k = crossing
// weight of boundary k under the objective, Xmax = max_k X_k (1 if all 0),
// c(v) = what v's tensor (or its out-edges) weighs at one boundary, A = the
// mean stage load total_param / K (1 if 0), B = ln(2^32):
//    0  asap / L                 1  alap / L              2  (alap - asap) / L
//    3  topological position / n
//    4  param / max param        5  min(param / A, 4) / 4   6  ln(1 + param) / B
//    7  min(comm_weight c(v) / A, 4) / 4                    8  ln(1 + c(v)) / ln(1 + max c)
//    9  min(in-degree, 6) / 6   10  min(out-degree, 6) / 6
//   11  s0(v) / (K - 1)         12  P_s0(v) / Pmax
//   13  P_{s0(v)-1} / Pmax (0 on stage 0)                 14  P_{s0(v)+1} / Pmax (0 on the last)
//   15  1 if s0(v)'s stage is a most loaded one
//   16  1 if a parent lies on an earlier stage            17  1 if a child lies on a later stage
//   18  (last child's stage - s0(v)) / K                  19  (s0(v) - first parent's stage) / K
//   20  the param fraction of v's stage held by nodes before v (topological order)
//   21  max(-1, (hard lo - s0(v)) / kMaxOffset)           22  min(1, (hard hi - s0(v)) / kMaxOffset)
//   23  share of the objective that is crossings (sum_k X_k comm_weight / (Pmax + that))
//   24  K / 16
//   25  X_{s0(v)} / Xmax (0 on the last stage)            26  X_{s0(v)-1} / Xmax (0 on stage 0)
// Where a balanced pipeline would put v, against where s0 does (clamped to
// [-1, 1]; positive: later than s0): with q in [0, 1] a position of v,
// (q K - 0.5 - s0(v)) / kMaxOffset for
//   27  q = param fraction of the nodes before v in topological order
//   28  q = asap / L                                      29  q = alap / L
// Thread-safe (pure).
#pragma once

#include <Eigen/Dense>

#include "cost/problem.h"
#include "formulations/schedule_ilp.h"

namespace respect {

inline constexpr int kStageFeatureDim = 30;

// [kStageFeatureDim x n], column v = node v. `center` must be feasible for
// `problem`; `hard` is FullWindows(problem) (or tighter).
Eigen::MatrixXd StageFeatures(const Problem& problem, const Schedule& center, const Windows& hard);

}  // namespace respect
