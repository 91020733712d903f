#include "calibrate/calibrate.h"

#include <Eigen/Dense>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <tuple>

#include "io/model_source.h"
#include "sched/registry.h"

namespace respect {

namespace {

// --- CSV

// The fields of one CSV line: split at commas outside double quotes, a
// quoted field's "" is one quote, whitespace around a field is trimmed.
StatusOr<std::vector<std::string>> SplitCsvLine(const std::string& line, const std::string& where) {
  std::vector<std::string> fields;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"') cur += c;
      else if (i + 1 < line.size() && line[i + 1] == '"') cur += line[++i];
      else quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (quoted) return Status::Invalid(where + ": a quoted field is not closed");
  fields.push_back(cur);
  for (std::string& f : fields) {
    const size_t a = f.find_first_not_of(" \t\r");
    const size_t b = f.find_last_not_of(" \t\r");
    f = a == std::string::npos ? "" : f.substr(a, b - a + 1);
  }
  return fields;
}

// A short quote of an input value for a message.
std::string Quote(const std::string& s) { return "'" + (s.size() > 60 ? s.substr(0, 60) + "..." : s) + "'"; }

Status ParseNumber(const std::string& s, const std::string& what, double* out) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  if (s.empty() || ec != std::errc() || ptr != end || !std::isfinite(*out))
    return Status::Invalid(what + " is not a number: " + Quote(s));
  return Status::Ok();
}

Status ParseCount(const std::string& s, const std::string& what, int* out) {
  double v = 0;
  RESPECT_RETURN_IF_ERROR(ParseNumber(s, what, &v));
  if (v != std::floor(v) || std::fabs(v) > 1e9) return Status::Invalid(what + " is not a whole number: " + Quote(s));
  *out = static_cast<int>(v);
  return Status::Ok();
}

const std::vector<std::string>& KnownColumns() {
  static const std::vector<std::string> cols = {"model", "stages", "stage", "measured_ms", "method", "operators"};
  return cols;
}

// Column name -> index in the header; refuses unknown, repeated and
// missing required columns.
StatusOr<std::map<std::string, size_t>> HeaderColumns(const std::vector<std::string>& header,
                                                      const std::string& where) {
  std::map<std::string, size_t> at;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string& name = header[i];
    if (std::find(KnownColumns().begin(), KnownColumns().end(), name) == KnownColumns().end()) {
      const std::string near = NearestName(name, KnownColumns());
      return Status::Invalid(where + ": unknown column " + Quote(name) +
                             (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                             "; columns: model, stages, stage, measured_ms, and optionally method, operators");
    }
    if (!at.emplace(name, i).second) return Status::Invalid(where + ": column " + Quote(name) + " is given twice");
  }
  for (const char* need : {"model", "stages", "stage", "measured_ms"})
    if (!at.count(need)) return Status::Invalid(where + ": the header has no column '" + std::string(need) + "'");
  return at;
}

std::vector<std::string> SplitWords(const std::string& s) {
  std::vector<std::string> words;
  std::istringstream in(s);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// One data row, its fields already split.
Status ReadRow(const std::vector<std::string>& f, const std::map<std::string, size_t>& at, const std::string& where,
               MeasuredSegment* row) {
  auto field = [&](const char* name) { return f[at.at(name)]; };
  row->model = field("model");
  if (row->model.empty()) return Status::Invalid(where + ": model is empty");
  RESPECT_RETURN_IF_ERROR(ParseCount(field("stages"), where + ": stages", &row->stages));
  RESPECT_RETURN_IF_ERROR(ParseCount(field("stage"), where + ": stage", &row->stage));
  RESPECT_RETURN_IF_ERROR(ParseNumber(field("measured_ms"), where + ": measured_ms", &row->measured_ms));
  if (row->stages < 1 || row->stages > 1024)
    return Status::Invalid(where + ": stages " + field("stages") + " is outside [1, 1024]");
  if (row->stage < 0 || row->stage >= row->stages)
    return Status::Invalid(where + ": stage " + field("stage") + " is outside [0, " + std::to_string(row->stages - 1) +
                           "] for " + std::to_string(row->stages) + " stages");
  if (!(row->measured_ms > 0)) return Status::Invalid(where + ": measured_ms must be > 0, got " + field("measured_ms"));
  if (row->measured_ms < kMinMeasuredMs || row->measured_ms > kMaxMeasuredMs)
    return Status::Invalid(where + ": measured_ms " + field("measured_ms") + " is outside [1e-06, 1e+06] (1 ns to 1,000 s)");
  if (at.count("method") && !field("method").empty()) row->method = field("method");
  if (at.count("operators")) row->operators = SplitWords(field("operators"));
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<MeasuredSegment>> ParseCalibrationCsv(const std::string& text, const std::string& origin) {
  std::istringstream in(text);
  std::map<std::string, size_t> at;
  size_t columns = 0;
  std::vector<MeasuredSegment> rows;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    const std::string where = origin + ":" + std::to_string(line_no);
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[line.find_first_not_of(" \t")] == '#')
      continue;
    auto fields = SplitCsvLine(line, where);
    if (!fields.ok()) return fields.status();
    if (columns == 0) {
      auto header = HeaderColumns(*fields, where);
      if (!header.ok()) return header.status();
      at = std::move(*header);
      columns = fields->size();
      continue;
    }
    if (fields->size() != columns)
      return Status::Invalid(where + ": " + std::to_string(fields->size()) + " fields, the header has " +
                             std::to_string(columns));
    MeasuredSegment row;
    row.line = line_no;
    RESPECT_RETURN_IF_ERROR(ReadRow(*fields, at, where, &row));
    rows.push_back(std::move(row));
  }
  if (columns == 0) return Status::Invalid(origin + ": no header row (model,stages,stage,measured_ms,...)");
  if (rows.empty()) return Status::Invalid(origin + ": no measured segment after the header");
  return rows;
}

// --- terms

SegmentTerms TermsOfStage(const Evaluation& ev, int k) {
  const int n = static_cast<int>(ev.stage_param_bytes.size());
  SegmentTerms t;
  t.macs = ev.stage_macs[k];
  t.param_bytes = ev.stage_param_bytes[k];
  t.offchip_bytes = ev.offchip_bytes[k];
  t.crossing_bytes = (k > 0 ? ev.crossing_bytes[k - 1] : 0) + (k + 1 < n ? ev.crossing_bytes[k] : 0);
  return t;
}

StatusOr<SegmentTerms> TermsOfNodes(const Problem& problem, const std::vector<int>& members) {
  if (members.empty()) return Status::Invalid("the segment has no nodes");
  const Graph& g = problem.g();
  Problem three = problem;
  three.stages = 3;
  three.constraints = ScheduleConstraints();
  three.constraints.nonempty_stages = false;
  Schedule s;
  s.stage.assign(g.size(), 2);
  std::vector<int> todo;
  for (int v : members) s.stage[v] = 1;
  for (int v : members)
    for (int u : g.parents(v)) todo.push_back(u);
  while (!todo.empty()) {  // ancestors outside the segment go before it
    const int u = todo.back();
    todo.pop_back();
    if (s.stage[u] != 2) continue;
    s.stage[u] = 0;
    for (int w : g.parents(u)) todo.push_back(w);
  }
  const Evaluation ev = Evaluate(three, s);
  if (!ev.feasible)
    return Status::Invalid("its operators are not one contiguous segment (" + ev.violation +
                           ": a path leaves the segment and comes back)");
  return TermsOfStage(ev, 1);
}

namespace {

using ModelCache = std::map<std::string, std::shared_ptr<const Graph>>;
using ScheduleKey = std::tuple<std::string, int, std::string>;
using ScheduleCache = std::map<ScheduleKey, Evaluation>;

StatusOr<std::shared_ptr<const Graph>> CachedModel(const std::string& spec, const Config& config, ModelCache* cache) {
  if (auto it = cache->find(spec); it != cache->end()) return it->second;
  if (spec == "synthetic") return Status::Invalid("model 'synthetic' is random graphs, not a measured model");
  auto loaded = LoadModel(spec, config);
  if (!loaded.ok()) return loaded.status();
  if (loaded->size() != 1) return Status::Invalid("model " + Quote(spec) + " is not one graph");
  return (*cache)[spec] = loaded->front();
}

StatusOr<Evaluation> CachedSchedule(const MeasuredSegment& r, const Problem& p, const Config& config,
                                    ScheduleCache* cache) {
  const ScheduleKey key{r.model, r.stages, r.method};
  if (auto it = cache->find(key); it != cache->end()) return it->second;
  auto result = ScheduleWithMethod(p, r.method, config);
  if (!result.ok()) return result.status();
  if (!result->eval.feasible)
    return Status::Invalid("method " + r.method + " found no schedule of " + Quote(r.model) + " on " +
                           std::to_string(r.stages) + " stages" +
                           (result->message.empty() ? "" : ": " + result->message));
  return (*cache)[key] = result->eval;
}

// The node indices of a row's operator names.
StatusOr<std::vector<int>> NodesNamed(const Graph& g, const std::vector<std::string>& names) {
  std::map<std::string, int> by_name;
  std::vector<std::string> all;
  for (int v = 0; v < g.size(); ++v) {
    by_name.emplace(g.node(v).name, v);
    all.push_back(g.node(v).name);
  }
  std::vector<int> nodes;
  for (const std::string& n : names) {
    auto it = by_name.find(n);
    if (it == by_name.end()) {
      const std::string near = NearestName(n, all);
      return Status::Invalid("graph '" + g.name() + "' has no node " + Quote(n) +
                             (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    }
    nodes.push_back(it->second);
  }
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  return nodes;
}

StatusOr<SegmentTerms> RowTerms(const MeasuredSegment& r, const Config& config, ModelCache* models,
                                ScheduleCache* schedules) {
  auto graph = CachedModel(r.model, config, models);
  if (!graph.ok()) return graph.status();
  Problem p = MakeProblem(*graph, r.stages, config);
  if (!r.operators.empty()) {
    auto nodes = NodesNamed(**graph, r.operators);
    if (!nodes.ok()) return nodes.status();
    return TermsOfNodes(p, *nodes);
  }
  auto method = ParseMethod(r.method);
  if (!method.ok()) return method.status();
  auto ev = CachedSchedule(r, p, config, schedules);
  if (!ev.ok()) return ev.status();
  return TermsOfStage(*ev, r.stage);
}

}  // namespace

StatusOr<std::vector<CalibrationPoint>> MeasuredPoints(const std::vector<MeasuredSegment>& rows,
                                                       const Config& config, const std::string& origin) {
  ModelCache models;
  ScheduleCache schedules;
  std::vector<CalibrationPoint> points;
  for (const MeasuredSegment& r : rows) {
    auto terms = RowTerms(r, config, &models, &schedules);
    if (!terms.ok())
      return terms.status().WithContext(origin + ":" + std::to_string(r.line));
    points.push_back({*terms, r.measured_ms / 1000.0});
  }
  return points;
}

// --- fit

double PredictedSeconds(const EdgeTpuParams& tp, const SegmentTerms& t) {
  // StageTimeS's sum, with the segment's own off-chip bytes.
  return tp.segment_overhead_s + static_cast<double>(t.macs) / tp.macs_per_s +
         static_cast<double>(t.offchip_bytes) / tp.offchip_bytes_per_s +
         static_cast<double>(t.crossing_bytes) / tp.link_bytes_per_s;
}

const std::vector<std::string>& FittedKeys() {
  static const std::vector<std::string> keys = {"edgetpu.segment_overhead_s", "edgetpu.macs_per_s",
                                                "edgetpu.offchip_bytes_per_s", "edgetpu.link_bytes_per_s"};
  return keys;
}

namespace {

// Row i of the design matrix: the multipliers of the four unknowns
// (overhead, 1/macs_per_s, 1/offchip_bytes_per_s, 1/link_bytes_per_s).
Eigen::Vector4d TermRow(const SegmentTerms& t) {
  return {1.0, static_cast<double>(t.macs), static_cast<double>(t.offchip_bytes),
          static_cast<double>(t.crossing_bytes)};
}

struct Nnls {
  Eigen::Vector4d coef = Eigen::Vector4d::Zero();
  double residual = std::numeric_limits<double>::infinity();
};

// min ||A c - b|| over c >= 0 with c_j = 0 outside `usable`, by solving the
// unconstrained problem on every subset of the usable columns: the
// non-negative optimum is the unconstrained optimum on its own support, so
// the best non-negative candidate is it. Columns are scaled to unit maximum
// for the solve.
Nnls SolveNnls(const Eigen::MatrixXd& A, const Eigen::VectorXd& b, const bool usable[4]) {
  Eigen::Vector4d scale = Eigen::Vector4d::Ones();
  for (int j = 0; j < 4; ++j) {
    const double m = A.col(j).cwiseAbs().maxCoeff();
    if (m > 0) scale[j] = m;
  }
  Nnls best;
  for (int mask = 0; mask < 16; ++mask) {
    std::vector<int> cols;
    for (int j = 0; j < 4; ++j)
      if (mask >> j & 1) cols.push_back(j);
    bool ok = true;
    for (int j : cols) ok = ok && usable[j];
    if (!ok) continue;
    Eigen::Vector4d c = Eigen::Vector4d::Zero();
    if (!cols.empty()) {
      Eigen::MatrixXd sub(A.rows(), static_cast<Eigen::Index>(cols.size()));
      for (size_t i = 0; i < cols.size(); ++i) sub.col(static_cast<Eigen::Index>(i)) = A.col(cols[i]) / scale[cols[i]];
      const Eigen::VectorXd x = sub.colPivHouseholderQr().solve(b);
      for (size_t i = 0; i < cols.size(); ++i) c[cols[i]] = x[static_cast<Eigen::Index>(i)] / scale[cols[i]];
      if ((c.array() < 0).any() || !c.allFinite()) continue;
    }
    const double r = (A * c - b).squaredNorm();
    if (r < best.residual) best = {c, r};
  }
  return best;
}

// Puts coefficient c_j (0: the data do not bound the rate) into `fit` as its
// key's value, clamped to the key's bounds.
void SetConstant(int j, double c, LatencyFit* fit) {
  const std::string& key = FittedKeys()[j];
  const auto [lo, hi] = KeyBounds(key);
  double v = j == 0 ? c : (c > 0 ? 1.0 / c : std::numeric_limits<double>::infinity());
  if (j > 0 && !(c > 0)) fit->notes.push_back(key + ": the fit gives its term no weight; set to its upper bound");
  else if (v < lo || v > hi) fit->notes.push_back(key + ": fitted value " + std::to_string(v) + " clamped to its bounds");
  v = std::min(std::max(v, lo), hi);
  double* slot[4] = {&fit->params.segment_overhead_s, &fit->params.macs_per_s, &fit->params.offchip_bytes_per_s,
                     &fit->params.link_bytes_per_s};
  *slot[j] = v;
}

void FillErrors(const std::vector<CalibrationPoint>& points, LatencyFit* fit) {
  double sum = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const double pred = PredictedSeconds(fit->params, points[i].terms);
    const double err = (pred - points[i].measured_s) / points[i].measured_s;
    fit->predicted_s.push_back(pred);
    fit->relative_error.push_back(err);
    sum += err * err;
    if (std::fabs(err) > fit->max_relative_error) {
      fit->max_relative_error = std::fabs(err);
      fit->worst_point = static_cast<int>(i);
    }
  }
  fit->rms_relative_error = std::sqrt(sum / static_cast<double>(points.size()));
}

}  // namespace

StatusOr<LatencyFit> FitLatencyConstants(const std::vector<CalibrationPoint>& points, const EdgeTpuParams& base) {
  const Eigen::Index n = static_cast<Eigen::Index>(points.size());
  Eigen::MatrixXd A(n, 4);
  Eigen::VectorXd b = Eigen::VectorXd::Ones(n);  // measured / measured: the relative error's target
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(points[i].measured_s > 0)) return Status::Invalid("a measured time is not > 0");
    A.row(i) = TermRow(points[i].terms).transpose() / points[i].measured_s;
  }
  LatencyFit fit;
  fit.params = base;
  int unknowns = 0;
  for (int j = 0; j < 4; ++j) {
    fit.fitted[j] = j == 0 || (n > 0 && A.col(j).cwiseAbs().maxCoeff() > 0);
    unknowns += fit.fitted[j];
  }
  if (n < unknowns) {
    std::string which;
    for (int j = 0; j < 4; ++j)
      if (fit.fitted[j]) which += (which.empty() ? "" : ", ") + FittedKeys()[j];
    return Status::Invalid("calibration needs at least " + std::to_string(unknowns) + " measured segments for the " +
                           std::to_string(unknowns) + " constants it fits (" + which + "), got " +
                           std::to_string(n));
  }
  const Nnls solved = SolveNnls(A, b, fit.fitted);
  for (int j = 0; j < 4; ++j) {
    if (fit.fitted[j]) SetConstant(j, solved.coef[j], &fit);
    else fit.notes.push_back(FittedKeys()[j] + ": its term is 0 in every row; kept at the config's value");
  }
  FillErrors(points, &fit);
  return fit;
}

namespace {

// The shortest decimal that reads back as the same double.
std::string ShortestDouble(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return ec == std::errc() ? std::string(buf, ptr) : std::to_string(v);
}

}  // namespace

std::string LatencyFitYaml(const LatencyFit& fit, const std::vector<std::string>& comment) {
  std::ostringstream y;
  for (const std::string& c : comment) y << "# " << c << "\n";
  const EdgeTpuParams& p = fit.params;
  y << "edgetpu:\n";
  y << "  sram_bytes: " << p.sram_bytes << "  # given, not fitted\n";
  const double values[4] = {p.segment_overhead_s, p.macs_per_s, p.offchip_bytes_per_s, p.link_bytes_per_s};
  for (int j = 0; j < 4; ++j) {
    const std::string name = FittedKeys()[j].substr(std::string("edgetpu.").size());
    y << "  " << name << ": " << ShortestDouble(values[j]) << (fit.fitted[j] ? "" : "  # not in the data: kept")
      << "\n";
  }
  return y.str();
}

}  // namespace respect
