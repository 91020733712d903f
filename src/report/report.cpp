#include "report/report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

#include "io/graph_io.h"
#include "io/json_guard.h"

namespace respect {

using nlohmann::json;

namespace {

std::string Fmt(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}

std::string Pad(std::string s, size_t w, bool right = true) {
  if (s.size() >= w) return s;
  return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

double Mib(int64_t b) { return static_cast<double>(b) / 1048576.0; }

json NumberOrNull(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

// The "stats" object of the schedule and compare JSON: every figure present
// under its key (sched/solve_stats.h ForEachStat), an object even when empty.
json StatsJson(const SolveStats& stats) {
  json st = json::object();
  ForEachStat(stats, [&st](const char* key, double value) { st[key] = NumberOrNull(value); });
  return st;
}

std::string ObjectiveText(const Problem& p, double v) {
  if (!std::isfinite(v)) return "-";
  if (p.objective.kind == ObjectiveKind::kLatency) return PlainNumber(v) + " s";
  return PlainNumber(v);
}

// The crossing column counts bytes, except under comm_model edge with
// indicator or unit edge weights, where X_k counts edges.
bool CrossingCountsEdges(const Problem& p) {
  return p.objective.comm_model == CommModel::kEdge && p.objective.edge_weight != EdgeWeight::kTensor;
}

std::string CrossingText(const Problem& p, int64_t x) {
  if (CrossingCountsEdges(p)) return std::to_string(x) + (x == 1 ? " edge" : " edges");
  return HumanBytes(static_cast<double>(x));
}

// The heading of the crossing column, by what it counts.
const char* CrossingHeading(const Problem& p) {
  if (CrossingCountsEdges(p)) return "edges out";
  return p.objective.comm_model == CommModel::kEdge ? "edge bytes out" : "crossing out";
}

}  // namespace

std::string PlainNumber(double v) {
  if (!std::isfinite(v)) return "-";
  // Six decimals, or enough for six significant digits below 1; never
  // e-notation, which a table reader misreads (2.93335e+07).
  const double mag = v == 0 ? 0 : std::floor(std::log10(std::fabs(v)));
  const int decimals = static_cast<int>(std::min(15.0, std::max(6.0, 5.0 - mag)));
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string HumanBytes(double b) {
  if (b >= 1048576.0) return Fmt("%.2f MiB", b / 1048576.0);
  if (b >= 1024.0) return Fmt("%.1f KiB", b / 1024.0);
  return Fmt("%.0f B", b);
}

namespace {

void PrintStageRows(const Problem& p, const ScheduleResult& r, std::ostream& os) {
  const Evaluation& e = r.eval;
  std::vector<int> count(p.stages, 0);
  for (int s : r.schedule.stage) ++count[s];
  os << "  stage  nodes   params MiB  on-chip MiB  off-chip MiB  fits" << Pad(CrossingHeading(p), 16)
     << "   time ms   act MiB\n";
  for (int k = 0; k < p.stages; ++k) {
    const int64_t on = std::min<int64_t>(e.stage_param_bytes[k], p.edgetpu.sram_bytes);
    os << "  " << Pad(std::to_string(k), 5) << Pad(std::to_string(count[k]), 7)
       << Pad(Fmt("%.3f", Mib(e.stage_param_bytes[k])), 13) << Pad(Fmt("%.3f", Mib(on)), 13)
       << Pad(Fmt("%.3f", Mib(e.offchip_bytes[k])), 14)
       << Pad(e.stage_param_bytes[k] <= p.edgetpu.sram_bytes ? "yes" : "no", 6)
       << Pad(k + 1 < p.stages ? CrossingText(p, e.crossing_bytes[k]) : "-", 16)
       << Pad(Fmt("%.3f", e.stage_time_s[k] * 1e3), 10) << Pad(Fmt("%.3f", Mib(e.stage_activation_bytes[k])), 10)
       << "\n";
  }
}

// "fits on chip: 2 of 4 stages (parameters within edgetpu.sram_bytes = 8.00 MiB)".
std::string FitsLine(const Problem& p, const Evaluation& e) {
  int fit = 0;
  for (int64_t b : e.stage_param_bytes) fit += b <= p.edgetpu.sram_bytes;
  std::string line = "  fits on chip: " + std::to_string(fit) + " of " + std::to_string(p.stages) +
                     " stages (parameters within edgetpu.sram_bytes = " +
                     HumanBytes(static_cast<double>(p.edgetpu.sram_bytes)) + ")";
  if (fit < p.stages) {
    int64_t off = 0;
    for (int64_t b : e.offchip_bytes) off += b;
    line += "; " + HumanBytes(static_cast<double>(off)) + " streamed from off-chip memory per inference";
  }
  return line + "\n";
}

// "objective (memory_comm, comm tensor) = J = max stage params + comm_weight x crossing total".
void PrintObjectiveLine(const Problem& p, const ScheduleResult& r, std::ostream& os) {
  const Evaluation& e = r.eval;
  os << "  objective (" << ToString(p.objective.kind) << ", comm " << ToString(p.objective.comm_model);
  if (p.objective.comm_model == CommModel::kEdge) os << ", edge weight " << ToString(p.objective.edge_weight);
  os << ") = " << ObjectiveText(p, r.objective);
  // memory_comm: J = max_k P_k + comm_weight * sum_k X_k, shown in its parts
  // (the ICML'24 objective is J / comm_weight).
  if (p.objective.kind == ObjectiveKind::kMemoryComm && std::isfinite(r.objective))
    os << " = " << e.max_stage_param_bytes << " + " << PlainNumber(p.objective.comm_weight) << " x "
       << e.total_crossing_bytes;
  if (std::isfinite(r.bound)) os << ", bound " << ObjectiveText(p, r.bound);
  os << ", " << Fmt("%.3f", r.seconds) << " s\n";
}

// The status as the tables show it: a run ended by a requested stop says so
// beside its solver status (which stays what the solver proved).
std::string StatusText(const ScheduleResult& r) {
  return std::string(ToString(r.status)) + (r.stats.stopped ? " (stopped)" : "");
}

}  // namespace

std::string FormatScheduleTable(const Problem& p, const ScheduleResult& r) {
  std::ostringstream os;
  const Graph& g = p.g();
  os << g.name() << " (" << g.size() << " nodes, " << g.num_edges() << " edges, "
     << HumanBytes(static_cast<double>(g.total_param_bytes())) << " parameters) on " << p.stages
     << " stages — method " << r.method << ", status " << StatusText(r) << "\n";
  if (r.status == SolveStatus::kInfeasible || r.status == SolveStatus::kTimeLimit ||
      r.status == SolveStatus::kInvalid) {
    os << "  no schedule: " << r.message << "\n";
    return os.str();
  }
  const Evaluation& e = r.eval;
  PrintStageRows(p, r, os);
  os << FitsLine(p, e);
  os << "  max stage params " << HumanBytes(static_cast<double>(e.max_stage_param_bytes)) << ", crossing total "
     << CrossingText(p, e.total_crossing_bytes) << "\n";
  PrintObjectiveLine(p, r, os);
  if (!r.policy_weights.empty()) os << "  policy weights: " << r.policy_weights << "\n";
  if (!r.message.empty()) os << "  note: " << r.message << "\n";
  return os.str();
}

namespace {

// The summary's one reference: the lowest objective any method found, who
// found it, and whether some method's bound proves it optimal.
struct BestFound {
  double objective = std::numeric_limits<double>::infinity();
  std::string method;
  double bound = -std::numeric_limits<double>::infinity();  // the best proven lower bound
  std::string bound_method;
};

bool HasSchedule(const ScheduleResult& r) {
  return std::isfinite(r.objective) &&
         (r.status == SolveStatus::kOptimal || r.status == SolveStatus::kFeasible);
}

BestFound FindBest(const std::vector<ScheduleResult>& results) {
  BestFound b;
  for (const ScheduleResult& r : results) {
    if (HasSchedule(r) && r.objective < b.objective) {
      b.objective = r.objective;
      b.method = r.method;
    }
    if (std::isfinite(r.bound) && r.bound > b.bound) {
      b.bound = r.bound;
      b.bound_method = r.method;
    }
  }
  return b;
}

// The line under the summary's title: the best objective, whether it is
// proven optimal (else how far the best bound leaves it), and what the gap
// column measures.
std::string BestLine(const Problem& p, const BestFound& b) {
  if (!std::isfinite(b.objective)) return "  no method found a schedule\n";
  std::string line = "  best objective " + ObjectiveText(p, b.objective) + " (" + b.method;
  const double tolerance = 1e-9 * std::max(1.0, std::fabs(b.objective));
  if (std::isfinite(b.bound) && b.bound >= b.objective - tolerance) {
    line += ", proven optimal";
  } else if (std::isfinite(b.bound) && b.bound > 0) {
    line += ", not proven optimal: " + b.bound_method + "'s lower bound " + ObjectiveText(p, b.bound) +
            " leaves it at most " + Fmt("%.2f%%", 100.0 * (b.objective - b.bound) / b.bound) + " above the optimum";
  } else {
    line += ", not proven optimal";
  }
  return line + "); over best = (objective - best) / best\n";
}

}  // namespace

std::string FormatMethodSummary(const Problem& p, const std::vector<ScheduleResult>& results) {
  const BestFound best = FindBest(results);
  std::ostringstream os;
  os << "summary: " << p.g().name() << " on " << p.stages << " stages\n" << BestLine(p, best);
  os << "  " << Pad("method", 11, false) << Pad("objective", 14) << Pad("over best", 11) << Pad("seconds", 10)
     << "  status\n";
  for (const ScheduleResult& r : results) {
    const bool scheduled = HasSchedule(r);
    std::string gap = "-";
    if (scheduled && std::isfinite(best.objective))
      gap = best.objective > 0 ? Fmt("%+.2f%%", 100.0 * (r.objective - best.objective) / best.objective)
                               : (r.objective == best.objective ? "+0.00%" : "-");
    os << "  " << Pad(r.method, 11, false) << Pad(scheduled ? ObjectiveText(p, r.objective) : "-", 14)
       << Pad(gap, 11) << Pad(Fmt("%.3f", r.seconds), 10) << "  " << StatusText(r) << "\n";
  }
  return os.str();
}

std::string ScheduleToJson(const Problem& p, const ScheduleResult& r) {
  const Graph& g = p.g();
  json doc;
  doc["graph"] = g.name();
  doc["stages"] = p.stages;
  doc["method"] = r.method;
  doc["status"] = ToString(r.status);
  doc["objective"] = NumberOrNull(r.objective);
  doc["bound"] = NumberOrNull(r.bound);
  doc["solve_seconds"] = r.seconds;
  doc["objective_kind"] = ToString(p.objective.kind);
  doc["comm_model"] = ToString(p.objective.comm_model);
  if (p.objective.comm_model == CommModel::kEdge) doc["edge_weight"] = ToString(p.objective.edge_weight);
  if (std::isfinite(r.objective) && std::isfinite(r.bound))
    doc["gap"] = std::fabs(r.objective) > 0 ? (r.objective - r.bound) / std::fabs(r.objective) : 0.0;
  if (!r.incumbent_trace.empty()) {
    json trace = json::array();
    for (const auto& [t, obj] : r.incumbent_trace) trace.push_back({t, obj});
    doc["incumbent_trace"] = std::move(trace);
  }
  if (!r.window_rounds.empty()) {
    json rounds = json::array();
    for (const auto& w : r.window_rounds)
      rounds.push_back({{"start_s", w.start_s}, {"end_s", w.end_s}, {"limit_s", w.limit_s}, {"build_s", w.build_s},
                        {"solver_s", w.solver_s}, {"free_binaries", w.free_binaries}, {"open_nodes", w.open_nodes},
                        {"scale", w.scale}, {"closed", w.closed}, {"improved", w.improved},
                        {"objective", NumberOrNull(w.objective)}});
    doc["window_rounds"] = std::move(rounds);
  }
  json assignment = json::array();
  if (r.schedule.stage.size() == static_cast<size_t>(g.size())) {
    for (int v = 0; v < g.size(); ++v) {
      const Node& n = g.node(v);
      json a;
      if (n.id_is_int) a["id"] = std::stoll(n.id); else a["id"] = n.id;
      a["name"] = n.name;
      a["stage"] = r.schedule.stage[v];
      assignment.push_back(std::move(a));
    }
  }
  doc["assignment"] = std::move(assignment);
  doc["stage_param_bytes"] = r.eval.stage_param_bytes;
  doc["crossing_bytes"] = r.eval.crossing_bytes;
  doc["stage_activation_bytes"] = r.eval.stage_activation_bytes;
  if (!r.policy_weights.empty()) doc["policy_weights"] = r.policy_weights;
  if (!r.message.empty()) doc["message"] = r.message;
  if (!r.stats.empty()) doc["stats"] = StatsJson(r.stats);
  return doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";  // names from GML may be invalid UTF-8
}

std::string ScheduleStem(const std::string& dir, const Problem& p, const std::string& method) {
  return dir + "/" + SafeFileStem(p.g().name()) + "." + std::to_string(p.stages) + "." + method;
}

StatusOr<std::string> WriteScheduleFiles(const std::string& dir, const Problem& p, const ScheduleResult& r) {
  const std::string stem = ScheduleStem(dir, p, r.method);
  RESPECT_RETURN_IF_ERROR(WriteTextFile(stem + ".schedule.json", ScheduleToJson(p, r)));
  if (r.schedule.stage.size() == static_cast<size_t>(p.g().size()))
    RESPECT_RETURN_IF_ERROR(WriteTextFile(stem + ".dot", GraphToDot(p.g(), &r.schedule.stage, p.stages)));
  return stem + ".schedule.json";
}

StatusOr<Schedule> ReadScheduleJson(const std::string& path, const Graph& g, int* stages, bool allow_missing) {
  auto text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  return ParseScheduleJson(*text, path, g, stages, allow_missing);
}

StatusOr<Schedule> ParseScheduleJson(const std::string& text, const std::string& path, const Graph& g,
                                     int* stages, bool allow_missing) {
  RESPECT_RETURN_IF_ERROR(CheckJsonNesting(text, path));
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Status::Invalid(path + ": not a schedule JSON object");
  if (!doc.contains("assignment") || !doc["assignment"].is_array())
    return Status::Invalid(path + ": no 'assignment' array");
  int n_stages = 0;
  // Stage numbers beyond the node count cannot make a schedule with non-empty
  // stages; bounding them also keeps them inside int.
  const int64_t max_stage = std::max(1, g.size());
  auto stage_ok = [&](const json& v) {
    return v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() < max_stage &&
           !(v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(max_stage));
  };
  if (doc.contains("stages")) {
    const json& st = doc["stages"];
    if (!st.is_number_integer() || st.get<int64_t>() < 1 || st.get<int64_t>() > max_stage ||
        (st.is_number_unsigned() && st.get<uint64_t>() > static_cast<uint64_t>(max_stage)))
      return Status::Invalid(path + ": 'stages' must be an integer in [1, " + std::to_string(max_stage) +
                             "], got " + BriefJson(st));
    n_stages = st.get<int>();
  }
  Schedule s;
  s.stage.assign(g.size(), -1);
  for (const json& a : doc["assignment"]) {
    if (!a.is_object() || !a.contains("stage") || !a["stage"].is_number_integer())
      return Status::Invalid(path + ": an assignment entry has no integer 'stage'");
    if (!stage_ok(a["stage"]))
      return Status::Invalid(path + ": stage " + BriefJson(a["stage"]) + " is outside [0, " +
                             std::to_string(max_stage - 1) + "]");
    int v = -1;
    if (a.contains("id")) {
      const json& id = a["id"];
      if (id.is_string() || id.is_number_integer()) v = g.FindId(id.is_string() ? id.get<std::string>() : id.dump());
    }
    if (v < 0 && a.contains("name") && a["name"].is_string()) {
      const std::string nm = a["name"].get<std::string>();
      for (int u = 0; u < g.size(); ++u)
        if (g.node(u).name == nm) { v = u; break; }
    }
    if (v < 0) return Status::Invalid(path + ": assignment names a node not in graph '" + g.name() + "': " + (a.contains("id") ? "id " + BriefJson(a["id"]) : "an entry without a known id or name"));
    s.stage[v] = a["stage"].get<int>();
    n_stages = std::max(n_stages, s.stage[v] + 1);
  }
  for (int v = 0; v < g.size() && !allow_missing; ++v)
    if (s.stage[v] < 0) return Status::Invalid(path + ": node '" + g.node(v).name + "' has no stage");
  if (stages) *stages = n_stages;
  return s;
}

void FillGaps(std::vector<CompareRow>* rows) {
  std::map<std::pair<std::string, int>, double> best;
  for (const CompareRow& r : *rows) {
    if (!std::isfinite(r.result.objective)) continue;
    auto key = std::make_pair(r.graph, r.stages);
    auto it = best.find(key);
    if (it == best.end() || r.result.objective < it->second) best[key] = r.result.objective;
  }
  for (CompareRow& r : *rows) {
    auto it = best.find({r.graph, r.stages});
    if (it == best.end() || !std::isfinite(r.result.objective)) { r.gap_to_best = std::nan(""); continue; }
    r.gap_to_best = it->second > 0 ? (r.result.objective - it->second) / it->second : 0.0;
  }
}

std::string FormatCompareTable(const std::vector<CompareRow>& rows) {
  std::ostringstream os;
  os << Pad("graph", 22, false) << Pad("|V|", 5) << Pad("st", 4) << "  " << Pad("method", 10, false)
     << Pad("objective", 16) << Pad("over best", 10) << Pad("bound", 16) << Pad("max MiB", 9) << Pad("cross", 11)
     << Pad("seconds", 9) << "  status   per-stage MiB\n";
  for (const CompareRow& r : rows) {
    const ScheduleResult& s = r.result;
    std::string per;
    for (int64_t b : s.eval.stage_param_bytes) per += (per.empty() ? "" : " ") + Fmt("%.2f", Mib(b));
    os << Pad(r.graph, 22, false) << Pad(std::to_string(r.nodes), 5) << Pad(std::to_string(r.stages), 4) << "  "
       << Pad(s.method, 10, false) << Pad(PlainNumber(s.objective), 16)
       << Pad(std::isfinite(r.gap_to_best) ? Fmt("%+.2f%%", 100 * r.gap_to_best) : "-", 10)
       << Pad(PlainNumber(s.bound), 16)
       << Pad(s.eval.stage_param_bytes.empty() ? "-" : Fmt("%.2f", Mib(s.eval.max_stage_param_bytes)), 9)
       << Pad(s.eval.stage_param_bytes.empty() ? "-" : HumanBytes(static_cast<double>(s.eval.total_crossing_bytes)), 11)
       << Pad(Fmt("%.3f", s.seconds), 9) << "  " << Pad(StatusText(s) + " ", 9, false) << per << "\n";
  }
  return os.str();
}

std::string CompareToCsv(const std::vector<CompareRow>& rows) {
  std::ostringstream os;
  os << "graph,nodes,stages,method,status,objective,bound,gap_to_best,max_stage_param_bytes,"
        "total_crossing_bytes,seconds,stage_param_bytes,bb_nodes,stage_activation_bytes,stopped\n";
  auto joined = [](const std::vector<int64_t>& v) {
    std::string out;
    for (int64_t b : v) out += (out.empty() ? "" : ";") + std::to_string(b);
    return out;
  };
  for (const CompareRow& r : rows) {
    const ScheduleResult& s = r.result;
    auto num = [](double v) { return std::isfinite(v) ? Fmt("%.17g", v) : std::string(""); };
    const Figure& bb = s.stats.exact.bb_nodes;
    os << r.graph << "," << r.nodes << "," << r.stages << "," << s.method << "," << ToString(s.status) << ","
       << num(s.objective) << "," << num(s.bound) << "," << num(r.gap_to_best) << ","
       << s.eval.max_stage_param_bytes << "," << s.eval.total_crossing_bytes << "," << Fmt("%.6f", s.seconds)
       << "," << joined(s.eval.stage_param_bytes) << "," << (bb ? num(*bb) : std::string("")) << ","
       << joined(s.eval.stage_activation_bytes) << "," << (s.stats.stopped ? 1 : 0) << "\n";
  }
  return os.str();
}

std::string CompareToJson(const std::vector<CompareRow>& rows) {
  json arr = json::array();
  for (const CompareRow& r : rows) {
    const ScheduleResult& s = r.result;
    json j;
    j["graph"] = r.graph;
    j["nodes"] = r.nodes;
    j["stages"] = r.stages;
    j["method"] = s.method;
    j["status"] = ToString(s.status);
    j["objective"] = NumberOrNull(s.objective);
    j["bound"] = NumberOrNull(s.bound);
    j["gap_to_best"] = NumberOrNull(r.gap_to_best);
    j["solve_seconds"] = s.seconds;
    j["stage_param_bytes"] = s.eval.stage_param_bytes;
    j["crossing_bytes"] = s.eval.crossing_bytes;
    j["stage_activation_bytes"] = s.eval.stage_activation_bytes;
    j["stats"] = StatsJson(s.stats);
    if (!s.message.empty()) j["message"] = s.message;
    arr.push_back(std::move(j));
  }
  return arr.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace respect
