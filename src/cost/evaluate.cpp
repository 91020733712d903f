#include "cost/evaluate.h"

#include "cost/activation.h"
#include "cost/crossing.h"
#include "cost/pins.h"

#include <algorithm>

namespace respect {

const char* ToString(ObjectiveKind k) {
  return k == ObjectiveKind::kLatency ? "latency" : "memory_comm";
}
const char* ToString(CommModel m) { return m == CommModel::kEdge ? "edge" : "tensor"; }
const char* ToString(EdgeWeight w) {
  switch (w) {
    case EdgeWeight::kIndicator: return "indicator";
    case EdgeWeight::kUnit: return "unit";
    default: return "tensor";
  }
}

Status Problem::Validate() const {
  if (!graph) return Status::Invalid("problem has no graph");
  if (stages < 1) return Status::Invalid("stages must be >= 1, got " + std::to_string(stages));
  if (objective.comm_weight < 0) return Status::Invalid("comm_weight must be >= 0");
  if (objective.comm_model == CommModel::kTensor && objective.edge_weight != EdgeWeight::kTensor)
    return Status::Invalid(std::string("objective.edge_weight ") + ToString(objective.edge_weight) +
                           " needs objective.comm_model edge (comm_model tensor weighs each tensor by its "
                           "producer's output_bytes)");
  if (!constraints.pin.empty()) {
    auto pinned = ResolvePins(*this);
    if (!pinned.ok()) return pinned.status();
  }
  return Status::Ok();
}

std::string Problem::NoScheduleReason() const {
  const Graph& gr = *graph;
  if (constraints.nonempty_stages && stages > gr.num_operators()) {
    const bool all_ops = gr.num_operators() == gr.size();
    return "graph '" + gr.name() + "' has " + std::to_string(gr.num_operators()) +
           (all_ops ? " nodes" : " operator nodes") + ", fewer than the " + std::to_string(stages) +
           " non-empty stages asked for";
  }
  if (std::string why = PinConflict(*this); !why.empty()) return why;
  if (std::string why = ActivationConflict(*this); !why.empty()) return why;
  if (constraints.max_stage_param_bytes <= 0) return "";
  const int64_t cap = constraints.max_stage_param_bytes;
  const int64_t big = gr.max_param_bytes();
  if (big > cap) {
    for (const Node& nd : gr.nodes())
      if (nd.param_bytes == big)
        return "max_stage_param_bytes " + std::to_string(cap) + " is below node '" + nd.name + "' alone (" +
               std::to_string(big) + " bytes)";
  }
  if (static_cast<double>(gr.total_param_bytes()) > static_cast<double>(cap) * stages)
    return "max_stage_param_bytes " + std::to_string(cap) + " x " + std::to_string(stages) +
           " stages cannot hold the " + std::to_string(gr.total_param_bytes()) + " parameter bytes";
  return "";
}

std::vector<int64_t> CrossingBytes(const Graph& g, const std::vector<int>& stage, int stages,
                                   const ObjectiveSpec& objective) {
  std::vector<int64_t> x(std::max(0, stages - 1), 0);
  if (stages < 2) return x;
  // Difference array: +w at the first crossed boundary, -w after the last.
  std::vector<int64_t> diff(stages, 0);
  CrossingWeights(g, objective).AddToDiff(g, stage, 0, &diff);
  int64_t run = 0;
  for (int k = 0; k + 1 < stages; ++k) { run += diff[k]; x[k] = run; }
  return x;
}

double StageTimeS(const EdgeTpuParams& tp, int64_t macs, int64_t param_bytes, double crossing_bytes,
                  int64_t activation_spill_bytes) {
  const int64_t off =
      std::max<int64_t>(0, param_bytes - tp.sram_bytes) + (tp.activation_spill ? activation_spill_bytes : 0);
  return tp.segment_overhead_s + static_cast<double>(macs) / tp.macs_per_s +
         static_cast<double>(off) / tp.offchip_bytes_per_s + crossing_bytes / tp.link_bytes_per_s;
}

Evaluation StandardCostModel::Evaluate(const Problem& p, const Schedule& s) const {
  Evaluation ev;
  const Graph& g = p.g();
  const int n = p.stages;
  auto fail = [&ev](std::string why) { ev.feasible = false; ev.violation = std::move(why); return ev; };
  if (static_cast<int>(s.stage.size()) != g.size())
    return fail("schedule has " + std::to_string(s.stage.size()) + " entries for " +
                std::to_string(g.size()) + " nodes");
  for (int v = 0; v < g.size(); ++v)
    if (s.stage[v] < 0 || s.stage[v] >= n)
      return fail("node '" + g.node(v).name + "' has stage " + std::to_string(s.stage[v]) +
                  " outside [0, " + std::to_string(n - 1) + "]");
  ev.stage_param_bytes.assign(n, 0);
  ev.stage_macs.assign(n, 0);
  std::vector<int> count(n, 0);
  for (int v = 0; v < g.size(); ++v) {
    ev.stage_param_bytes[s.stage[v]] += g.node(v).param_bytes;
    ev.stage_macs[s.stage[v]] += g.node(v).macs;
    count[s.stage[v]] += g.is_operator(v) ? 1 : 0;
  }
  ev.offchip_bytes.resize(n);
  for (int k = 0; k < n; ++k)
    ev.offchip_bytes[k] = std::max<int64_t>(0, ev.stage_param_bytes[k] - p.edgetpu.sram_bytes);
  ev.crossing_bytes = CrossingBytes(g, s.stage, n, p.objective);
  ev.max_stage_param_bytes = *std::max_element(ev.stage_param_bytes.begin(), ev.stage_param_bytes.end());
  ev.total_crossing_bytes = 0;
  for (int64_t x : ev.crossing_bytes) ev.total_crossing_bytes += x;
  ev.stage_activation_bytes = StageActivationBytes(g, s.stage, n);
  ev.max_stage_activation_bytes =
      *std::max_element(ev.stage_activation_bytes.begin(), ev.stage_activation_bytes.end());
  ev.stage_time_s.assign(n, 0.0);
  ev.activation_spill_bytes.assign(n, 0);
  for (int k = 0; k < n; ++k) {
    double xin = k > 0 ? static_cast<double>(ev.crossing_bytes[k - 1]) : 0.0;
    double xout = k + 1 < n ? static_cast<double>(ev.crossing_bytes[k]) : 0.0;
    ev.activation_spill_bytes[k] =
        ActivationSpillBytes(ev.stage_activation_bytes[k], ev.stage_param_bytes[k], p.edgetpu.sram_bytes);
    ev.stage_time_s[k] =
        StageTimeS(p.edgetpu, ev.stage_macs[k], ev.stage_param_bytes[k], xin + xout, ev.activation_spill_bytes[k]);
  }
  if (p.objective.kind == ObjectiveKind::kMemoryComm) {
    ev.objective = static_cast<double>(ev.max_stage_param_bytes) +
                   p.objective.comm_weight * static_cast<double>(ev.total_crossing_bytes);
  } else {
    ev.objective = *std::max_element(ev.stage_time_s.begin(), ev.stage_time_s.end());
  }
  // Constraints: the figures above are filled even for infeasible schedules,
  // so reports can still show them.
  for (const Edge& e : g.edges())
    if (s.stage[e.src] > s.stage[e.dst])
      return fail("edge " + g.node(e.src).name + " -> " + g.node(e.dst).name + " goes backwards (stage " +
                  std::to_string(s.stage[e.src]) + " -> " + std::to_string(s.stage[e.dst]) + ")");
  if (std::string why = PinViolation(p, s.stage); !why.empty()) return fail(std::move(why));
  if (p.constraints.nonempty_stages)
    for (int k = 0; k < n; ++k)
      if (count[k] == 0)
        return fail("stage " + std::to_string(k) +
                    (g.num_operators() == g.size() ? " is empty" : " holds no operator node"));
  if (p.constraints.children_same_stage)
    for (int u = 0; u < g.size(); ++u)
      for (int c : g.children(u))
        if (s.stage[c] != s.stage[g.children(u).front()])
          return fail("children of '" + g.node(u).name + "' are in different stages");
  if (p.constraints.max_stage_param_bytes > 0)
    for (int k = 0; k < n; ++k)
      if (ev.stage_param_bytes[k] > p.constraints.max_stage_param_bytes)
        return fail("stage " + std::to_string(k) + " holds " + std::to_string(ev.stage_param_bytes[k]) +
                    " parameter bytes, above max_stage_param_bytes " +
                    std::to_string(p.constraints.max_stage_param_bytes));
  if (std::string why = ActivationViolation(p, ev.stage_activation_bytes); !why.empty()) return fail(std::move(why));
  ev.feasible = true;
  return ev;
}

double SimpleLowerBound(const Problem& p) {
  const Graph& g = p.g();
  const int64_t stages = std::max(1, p.stages);
  if (p.objective.kind == ObjectiveKind::kLatency) {
    int64_t macs = 0;
    for (const Node& nd : g.nodes()) macs += nd.macs;
    // A hair below: evaluate() sums the same figures in another order.
    return (1.0 - 1e-12) * (p.edgetpu.segment_overhead_s +
                            static_cast<double>(macs) / static_cast<double>(stages) / p.edgetpu.macs_per_s);
  }
  const int64_t total = g.total_param_bytes();
  return static_cast<double>(std::max((total + stages - 1) / stages, g.max_param_bytes()));
}

Evaluation Evaluate(const Problem& problem, const Schedule& schedule) {
  return StandardCostModel().Evaluate(problem, schedule);
}

}  // namespace respect
