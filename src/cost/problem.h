// Problem = graph + stage count + cost model + constraints (docs/design.md "Cost model").
// Schedule = a stage per node. Plain value types; copy freely.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace respect {

enum class ObjectiveKind { kMemoryComm, kLatency };
enum class CommModel { kTensor, kEdge };
// How comm_model edge weighs an edge (docs/design.md "Cost model"): its
// tensor bytes, 1 where those are > 0 (the ICML'24 benchmark's LP), or 1.
enum class EdgeWeight { kTensor, kIndicator, kUnit };

const char* ToString(ObjectiveKind k);
const char* ToString(CommModel m);
const char* ToString(EdgeWeight w);

// Edge TPU figures used by the latency objective and the off-chip term
// (docs/design.md "Cost model"; `task: calibrate` fits the last four).
struct EdgeTpuParams {
  int64_t sram_bytes = 8388608;          // on-chip parameter cache per device
  // Activations share sram_bytes with the parameters: the activation peak
  // beyond what the stage's parameters leave (max(0, A_k - max(0, sram -
  // P_k))) is streamed like off-chip parameters (latency objective; docs/design.md).
  bool activation_spill = false;
  double link_bytes_per_s = 3.2e8;       // inter-stage link (USB) bandwidth
  double offchip_bytes_per_s = 3.2e8;    // host -> device parameter streaming
  double macs_per_s = 2.0e12;            // peak compute
  double segment_overhead_s = 0.0;       // fixed cost of one segment's invocation (>= 0)
};

struct ObjectiveSpec {
  ObjectiveKind kind = ObjectiveKind::kMemoryComm;
  double comm_weight = 1.0;              // memory_comm: weight of sum_k X_k
  CommModel comm_model = CommModel::kTensor;
  EdgeWeight edge_weight = EdgeWeight::kTensor;  // comm_model edge only (Validate refuses others)
};

struct ScheduleConstraints {
  bool nonempty_stages = true;           // every stage holds >= 1 operator node (Graph::is_operator)
  bool children_same_stage = false;      // all consumers of a tensor in one stage
  int64_t max_stage_param_bytes = 0;     // hard cap on P_k; 0 = none
  // Hard cap on A_k, a stage's peak of live activation bytes (cost/activation.h); 0 = none.
  int64_t max_stage_activation_bytes = 0;
  // constraints.pin: node name (or id, when no node has that name) -> the
  // stage it must take. Resolved against the graph by cost/pins.h;
  // Problem::Validate refuses unknown names and stages outside [0, stages).
  std::map<std::string, int> pin;
};

struct ClosureSums;  // formulations/reachability.h

struct Problem {
  std::shared_ptr<const Graph> graph;    // shared, immutable
  int stages = 4;
  ObjectiveSpec objective;
  EdgeTpuParams edgetpu;
  ScheduleConstraints constraints;
  // Optional, shared and immutable: ComputeClosureSums(*graph) with parameter
  // sums, computed once by a caller that solves the same graph many times
  // (two_phase's rounds). The incumbent windows read it instead of a closure
  // of their own (O(n^2 / 64) each: 6 s per round at 100,000 nodes, more
  // than a learned-LNS round's share). Null: computed where needed. It must
  // be the closure of `graph`; one of another size is ignored.
  std::shared_ptr<const ClosureSums> closure;

  const Graph& g() const { return *graph; }
  // Call errors (one line): no graph, stages < 1, a negative comm weight,
  // an edge weight without comm_model edge, a pin naming no node (or a
  // name several nodes share) or a stage outside [0, stages). Every
  // solver's precondition.
  Status Validate() const;
  // Why the settings admit no schedule, seen without solving: fewer operator
  // nodes than stages with nonempty_stages, a stage cap below the largest
  // node or below total / stages, pins that contradict precedence or leave
  // some stages too few operators (cost/pins.h PinConflict), an activation
  // cap below some node's own step (cost/activation.h ActivationConflict);
  // "" when none of these holds. A solve
  // outcome, not an error: schedulers return it as SolveStatus::kInfeasible
  // (BeginResult). Precondition: Validate() is ok.
  std::string NoScheduleReason() const;
  // Validate() is ok and NoScheduleReason() is "" (tests and benchmarks
  // skipping hopeless random instances).
  bool Schedulable() const { return Validate().ok() && NoScheduleReason().empty(); }
};

struct Schedule {
  std::vector<int> stage;                // stage[v] in [0, stages)
};

}  // namespace respect
