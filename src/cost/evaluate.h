// evaluate(): the only place an objective is computed. Recomputes a schedule's
// figures and checks every constraint, independently of any solver.
// Thread-safe (pure functions).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cost/problem.h"

namespace respect {

struct Evaluation {
  bool feasible = false;
  std::string violation;                   // first violated rule, when !feasible
  double objective = 0.0;                  // J of docs/design.md (bytes, or seconds for latency)
  std::vector<int64_t> stage_param_bytes;  // P_k
  std::vector<int64_t> offchip_bytes;      // O_k = max(0, P_k - sram)
  std::vector<int64_t> stage_macs;         // M_k
  std::vector<int64_t> crossing_bytes;     // X_k, k = 0..n-2
  std::vector<double> stage_time_s;        // T_k (latency model terms; filled for both objectives)
  std::vector<int64_t> stage_activation_bytes;  // A_k: peak live activation bytes (cost/activation.h)
  // max(0, A_k - max(0, sram - P_k)): activations that do not fit beside the
  // parameters; part of T_k only with edgetpu.activation_spill.
  std::vector<int64_t> activation_spill_bytes;
  int64_t max_stage_param_bytes = 0;       // max_k P_k
  int64_t total_crossing_bytes = 0;        // sum_k X_k
  int64_t max_stage_activation_bytes = 0;  // max_k A_k
};

// Seam for the expensive step: schedulers and reports take a CostModel so
// tests can plug in a fake. StandardCostModel is the model of docs/design.md.
class CostModel {
 public:
  virtual ~CostModel() = default;
  virtual Evaluation Evaluate(const Problem& problem, const Schedule& schedule) const = 0;
};

class StandardCostModel final : public CostModel {
 public:
  Evaluation Evaluate(const Problem& problem, const Schedule& schedule) const override;
};

// evaluate(problem, schedule) with the standard cost model.
Evaluation Evaluate(const Problem& problem, const Schedule& schedule);

// A lower bound on the objective of every feasible schedule, from the
// parameters alone: memory_comm max(ceil(total / stages), largest node),
// latency the MACs spread evenly over the stages at peak rate. What a solver
// stopped before any bound of its own reports.
double SimpleLowerBound(const Problem& problem);

// T_k of docs/design.md for one stage: segment_overhead_s + macs / macs_per_s
// + (max(0, param_bytes - sram_bytes) + spill) / offchip_bytes_per_s +
// crossing_bytes (in and out together) / link_bytes_per_s, where spill is
// `activation_spill_bytes` with edgetpu.activation_spill and 0 without
// (cost/activation.h ActivationSpillBytes). The one formula of the latency
// model: evaluate(), the optimal split, the lattice DP and calibrate use it.
double StageTimeS(const EdgeTpuParams& tp, int64_t macs, int64_t param_bytes, double crossing_bytes,
                  int64_t activation_spill_bytes = 0);

// Crossing bytes X_k only (k = 0..stages-2) for a stage vector under the
// objective's comm_model and edge_weight (cost/crossing.h); no checks.
std::vector<int64_t> CrossingBytes(const Graph& g, const std::vector<int>& stage, int stages,
                                   const ObjectiveSpec& objective);

}  // namespace respect
