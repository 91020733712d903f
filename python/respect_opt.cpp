// respect_opt: the Python API of respect-opt (python/README.md).
//
//   respect_opt.schedule(model, stages, method="exact", **config) -> ScheduleResult
//   respect_opt.compare(model, stages, methods=[...], **config)   -> list of dict rows
//   respect_opt.deploy(model, stages, out_dir, method="exact", **config) -> manifest dict
//
// A call is a run of the CLI with a config file holding only the keys given:
// the same key table (config/config.cpp), the same checks of paths
// (CheckRunPaths), the same schedulers (the registry), the same reports.
// Keyword arguments are config keys with "." written "__"
// (solver__time_limit_s=5); a key that holds a "." works too
// (**{"solver.time_limit_s": 5}). A bad call raises ValueError with the line
// the CLI prints after "respect-opt: error: " (RuntimeError for an internal
// error, exit code 1 in the CLI). The GIL is released while models load and
// methods run; during schedule() and compare(), Ctrl-C stops the method under
// way, which returns its best schedule marked stopped (StoppableCall).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "app/tasks.h"
#include "config/config.h"
#include "core/signal_stop.h"
#include "deploy/deploy.h"
#include "io/graph_io.h"
#include "io/model_source.h"
#include "report/report.h"
#include "sched/registry.h"
#include "zoo/zoo.h"

namespace py = pybind11;
using json = nlohmann::json;

namespace respect {
namespace {

// ---------------------------------------------------------------- errors

// The message as the CLI prints it (main.cpp Fail: cut past 800 characters).
std::string CliMessage(const Status& s) {
  std::string msg = s.message();
  constexpr size_t kMaxMessage = 800;
  if (msg.size() > kMaxMessage)
    msg = msg.substr(0, kMaxMessage) + "... (" + std::to_string(msg.size()) + " characters, cut)";
  return msg;
}

// Exit code 2 in the CLI -> ValueError; 1 (a bug) -> RuntimeError.
[[noreturn]] void Raise(const Status& s) {
  if (s.code() == StatusCode::kInternal) throw std::runtime_error(CliMessage(s));
  throw py::value_error(CliMessage(s));
}

void Check(const Status& s) {
  if (!s.ok()) Raise(s);
}

template <class T>
T Value(StatusOr<T> r) {
  if (!r.ok()) Raise(r.status());
  return std::move(r).value();
}

// ---------------------------------------------------------------- Python values -> config values

std::string TypeName(py::handle v) { return py::str(py::type::handle_of(v).attr("__name__")); }

bool IsPathLike(py::handle v) { return py::isinstance<py::str>(v) || py::hasattr(v, "__fspath__"); }

std::string PathString(py::handle v) {
  return py::str(py::module_::import("os").attr("fspath")(v));
}

// A Python value as JSON, which is YAML too: ApplyOverride parses it as the
// CLI parses `--KEY VALUE`. Strings are quoted, so they stay strings.
json ToJson(py::handle v, const std::string& key) {
  if (v.is_none()) throw py::value_error("key '" + key + "': None is not a value");
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::int_>(v) || (!py::isinstance<py::float_>(v) && py::hasattr(v, "__index__"))) {
    // Seeds go up to 1.8e19 (uint64); larger still: a number the key's bounds refuse.
    const py::int_ i(py::reinterpret_borrow<py::object>(v));
    int overflow = 0;
    const long long x = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
    if (overflow == 0) return static_cast<int64_t>(x);
    if (overflow > 0) {
      const unsigned long long u = PyLong_AsUnsignedLongLong(i.ptr());
      if (!PyErr_Occurred()) return static_cast<uint64_t>(u);
      PyErr_Clear();
    }
    return py::float_(i).cast<double>();
  }
  if (py::isinstance<py::float_>(v) || py::hasattr(v, "__float__")) {
    const double d = py::float_(py::reinterpret_borrow<py::object>(v)).cast<double>();
    if (!std::isfinite(d)) throw py::value_error("key '" + key + "': " + std::string(py::repr(v)) + " is not a finite number");
    return d;
  }
  if (IsPathLike(v)) return PathString(v);
  if (py::isinstance<py::dict>(v)) {
    json out = json::object();
    for (auto kv : py::reinterpret_borrow<py::dict>(v)) out[std::string(py::str(kv.first))] = ToJson(kv.second, key);
    return out;
  }
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    json out = json::array();
    for (py::handle item : v) out.push_back(ToJson(item, key));
    return out;
  }
  throw py::value_error("key '" + key + "': a " + TypeName(v) +
                        " is not a config value (give a bool, number, string, list or dict)");
}

// "solver__time_limit_s" -> "solver.time_limit_s".
std::string DottedKey(std::string key) {
  for (size_t at = key.find("__"); at != std::string::npos; at = key.find("__", at + 1)) key.replace(at, 2, ".");
  return key;
}

void Set(Config* c, const std::string& key, const json& value) {
  Check(ApplyOverride(c, key, value.dump()));
}

// ---------------------------------------------------------------- models

// One model of a call: a spec the CLI takes (path, zoo:NAME, synthetic) or a
// graph made from a networkx graph.
struct ModelArg {
  std::string spec;                     // "" for a networkx graph
  std::shared_ptr<const Graph> graph;   // set for a networkx graph
};

bool IsNetworkx(py::handle m) {
  return py::hasattr(m, "nodes") && py::hasattr(m, "edges") && py::hasattr(m, "is_directed");
}

// The first of `names` that `attrs` holds, or an empty handle.
py::object Attr(const py::dict& attrs, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (attrs.contains(n)) return attrs[n];
  return py::object();
}

// A networkx.DiGraph as graph JSON (docs/formats.md), read by the JSON
// reader: the same validation and messages as a file. Node key -> id (an int
// stays an int, anything else its str()); attributes param_bytes (or
// GML-style parameter), output_bytes, macs, op, name (or label); edge
// attribute bytes (or parameter).
StatusOr<Graph> GraphFromNetworkx(py::handle g) {
  std::string name = "networkx";
  py::dict graph_attrs = py::getattr(g, "graph", py::dict());
  if (graph_attrs.contains("name") && !py::str(graph_attrs["name"]).cast<std::string>().empty())
    name = py::str(graph_attrs["name"]);
  const std::string origin = "networkx graph '" + name + "'";
  if (!g.attr("is_directed")().cast<bool>())
    return Status::Invalid(origin + " is undirected; give a networkx.DiGraph");
  auto id_of = [](py::handle key) -> json {
    if (py::isinstance<py::int_>(key) && !py::isinstance<py::bool_>(key)) return key.cast<int64_t>();
    return std::string(py::str(key));
  };
  json doc;
  doc["name"] = name;
  json nodes = json::array();
  for (py::handle item : g.attr("nodes")(py::arg("data") = true)) {
    const py::tuple kv = py::reinterpret_borrow<py::tuple>(item);
    const py::dict attrs = py::reinterpret_borrow<py::dict>(kv[1]);
    json n;
    n["id"] = id_of(kv[0]);
    const std::string where = origin + ": node '" + std::string(py::str(kv[0])) + "'";
    py::object params = Attr(attrs, {"param_bytes", "parameter"});
    if (!params) return Status::Invalid(where + " has no 'param_bytes' (or GML-style 'parameter')");
    n["param_bytes"] = ToJson(params, where + " param_bytes");
    if (py::object o = Attr(attrs, {"output_bytes"})) n["output_bytes"] = ToJson(o, where + " output_bytes");
    if (py::object o = Attr(attrs, {"macs"})) n["macs"] = ToJson(o, where + " macs");
    if (py::object o = Attr(attrs, {"op"})) n["op"] = std::string(py::str(o));
    if (py::object o = Attr(attrs, {"name", "label"})) n["name"] = std::string(py::str(o));
    nodes.push_back(std::move(n));
  }
  doc["nodes"] = std::move(nodes);
  json edges = json::array();
  for (py::handle item : g.attr("edges")(py::arg("data") = true)) {
    const py::tuple e = py::reinterpret_borrow<py::tuple>(item);
    json j;
    j["src"] = id_of(e[0]);
    j["dst"] = id_of(e[1]);
    const py::dict attrs = py::reinterpret_borrow<py::dict>(e[2]);
    if (py::object b = Attr(attrs, {"bytes", "parameter"}))
      j["bytes"] = ToJson(b, origin + ": edge " + std::string(py::str(e[0])) + " -> " + std::string(py::str(e[1])) + " bytes");
    edges.push_back(std::move(j));
  }
  doc["edges"] = std::move(edges);
  return ParseGraphJson(doc.dump(), origin);
}

ModelArg ToModel(py::handle m) {
  if (IsPathLike(m)) return {PathString(m), nullptr};
  if (IsNetworkx(m)) return {"", std::make_shared<const Graph>(Value(GraphFromNetworkx(m)))};
  throw py::value_error("key 'model': a " + TypeName(m) +
                        " is not a model (give a path, 'zoo:NAME', 'synthetic' or a networkx.DiGraph)");
}

// `model` of compare(): one model or a list of them.
std::vector<ModelArg> ToModels(py::handle m) {
  std::vector<ModelArg> out;
  if (py::isinstance<py::list>(m) || py::isinstance<py::tuple>(m)) {
    for (py::handle item : m) out.push_back(ToModel(item));
  } else {
    out.push_back(ToModel(m));
  }
  if (out.empty()) throw py::value_error("key 'model': the list is empty");
  return out;
}

// The graphs of one model (several for synthetic with synthetic.count > 1).
StatusOr<std::vector<std::shared_ptr<const Graph>>> LoadGraphs(const ModelArg& m, const Config& c) {
  if (m.graph) return std::vector<std::shared_ptr<const Graph>>{m.graph};
  return LoadModel(m.spec, c);
}

// ---------------------------------------------------------------- the config of a call

struct Run {
  Config config;
  std::vector<ModelArg> models;
  bool write_files = false;  // output.dir given: write what the CLI writes there
};

// Builds and checks the config as the CLI does (overrides, ResolveOutputPaths,
// ValidateConfig, CheckRunPaths), from struct defaults (a config file with
// only these keys).
// `out_dir` (deploy's argument) is output.dir; "" = none.
Run MakeRun(const std::string& task, const std::vector<ModelArg>& models, py::handle stages,
            const std::vector<std::string>& methods, const py::kwargs& kwargs, const std::string& out_dir = "") {
  Run run;
  run.models = models;
  Config& c = run.config;
  Set(&c, "task", json(task));  // the registry's task names, as the CLI reads them
  Set(&c, "stages", ToJson(stages, "stages"));
  Set(&c, "methods", json(methods));
  for (auto kv : kwargs) {
    const std::string key = DottedKey(py::str(kv.first));
    const bool argument = key == "task" || key == "model" || key == "stages" || key == "methods" ||
                          (key == "output.dir" && task == "deploy");
    if (argument)
      throw py::value_error("key '" + key + "' is set by an argument of respect_opt." + task + "(), not a config key");
    Set(&c, key, ToJson(kv.second, key));
    if (key == "output.dir") run.write_files = true;
  }
  if (!out_dir.empty()) Set(&c, "output.dir", out_dir);
  // `model` holds the specs (paths are checked and protected as inputs);
  // a networkx graph stands there by a name no reader takes.
  c.models.clear();
  for (const ModelArg& m : models) c.models.push_back(m.graph ? "networkx:" + m.graph->name() : m.spec);
  ResolveOutputPaths(&c);
  Check(ValidateConfig(c));
  Config paths = c;
  // schedule() and compare() write nothing without output.dir: its folder
  // and compare's fixed outputs are not checked then.
  if (!run.write_files && task != "deploy") {
    paths.output_dir = ".";
    paths.task = Task::kSchedule;
  }
  paths.models.clear();
  for (const ModelArg& m : models)
    if (!m.graph) paths.models.push_back(m.spec);
  Check(CheckRunPaths("", paths));
  return run;
}

std::vector<std::string> MethodList(py::handle methods) {
  if (py::isinstance<py::str>(methods)) return {methods.cast<std::string>()};
  std::vector<std::string> out;
  for (py::handle m : methods) {
    if (!py::isinstance<py::str>(m)) throw py::value_error("key 'methods': a " + TypeName(m) + " is not a method name");
    out.push_back(m.cast<std::string>());
  }
  return out;
}

// ---------------------------------------------------------------- Ctrl-C

// Runs f(stop) with the GIL released and SIGINT / SIGTERM turned into a
// request of `stop` (core/signal_stop.h): Python's own handler cannot run
// while the GIL is released, so Ctrl-C would wait for the whole solve. The
// call then returns its best schedule, marked stopped; Python's handlers are
// back before the GIL is taken again, and a second Ctrl-C during the call
// restores them at once (KeyboardInterrupt when the call returns).
template <class F>
auto StoppableCall(F&& f) {
  const StopToken stop = StopToken::Make();
  py::gil_scoped_release release;
  const SignalStop on_signal(stop);
  return f(stop);
}

// ---------------------------------------------------------------- schedule

struct PyScheduleResult {
  Problem problem;
  ScheduleResult result;
};

py::object NumberOrNone(double v) { return std::isfinite(v) ? py::object(py::float_(v)) : py::object(py::none()); }

py::object NodeId(const Node& n) {
  if (n.id_is_int) return py::int_(std::stoll(n.id));
  return py::str(n.id);
}

py::dict Assignment(const PyScheduleResult& r, bool by_id) {
  const Graph& g = r.problem.g();
  py::dict out;
  if (r.result.schedule.stage.size() != static_cast<size_t>(g.size())) return out;  // no schedule
  for (int v = 0; v < g.size(); ++v) {
    const Node& n = g.node(v);
    py::object key = by_id ? NodeId(n) : py::object(py::str(n.name));
    if (!by_id && out.contains(key))
      throw py::value_error("graph '" + g.name() + "': node name '" + n.name +
                            "' is repeated; use assignment_by_id (ids are unique)");
    out[key] = r.result.schedule.stage[v];
  }
  return out;
}

StatusOr<PyScheduleResult> ScheduleOne(const Run& run, const StopToken& stop) {
  const Config& c = run.config;
  auto graphs = LoadGraphs(run.models.front(), c);
  if (!graphs.ok()) return graphs.status();
  if (graphs->size() != 1)
    return Status::Invalid("key 'model': '" + c.models.front() + "' gives " + std::to_string(graphs->size()) +
                           " graphs (synthetic.count); schedule() takes one (compare() takes several)");
  PyScheduleResult out;
  out.problem = MakeProblem(graphs->front(), c.stages.front(), c);
  RESPECT_RETURN_IF_ERROR(out.problem.Validate());
  if (std::string why = out.problem.NoScheduleReason(); !why.empty()) return Status::Invalid(why);
  const Method method = c.methods.front();
  auto r = ScheduleWithMethod(out.problem, method, c, stop);
  if (!r.ok()) return r.status().WithContext(MethodName(method));
  out.result = std::move(r).value();
  if (run.write_files) {
    RESPECT_RETURN_IF_ERROR(MakeDirs(c.output_dir));
    auto path = WriteScheduleFiles(c.output_dir, out.problem, out.result);
    if (!path.ok()) return path.status();
  }
  // The CLI prints the table, then stops with exit 2.
  if (out.result.status == SolveStatus::kInfeasible)
    return Status::Invalid(out.problem.g().name() + " on " + std::to_string(out.problem.stages) +
                           " stages: " + out.result.message);
  return out;
}

PyScheduleResult ScheduleApi(py::object model, py::object stages, const std::string& method, const py::kwargs& kwargs) {
  const Run run = MakeRun("schedule", {ToModel(model)}, stages, {method}, kwargs);
  return Value(StoppableCall([&run](const StopToken& stop) { return ScheduleOne(run, stop); }));
}

// ---------------------------------------------------------------- compare

// A stop ends the run under way (its row is kept, marked stopped) and
// skips the rest.
StatusOr<std::vector<CompareRow>> CompareRows(const Run& run, const StopToken& stop) {
  const Config& c = run.config;
  // Every model loaded and every problem checked before the first solve.
  std::vector<Problem> problems;
  for (const ModelArg& m : run.models) {
    auto graphs = LoadGraphs(m, c);
    if (!graphs.ok()) return graphs.status();
    for (const auto& g : *graphs)
      for (int stages : c.stages) {
        problems.push_back(MakeProblem(g, stages, c));
        RESPECT_RETURN_IF_ERROR(problems.back().Validate());  // an infeasible one is a row
      }
  }
  if (run.write_files) RESPECT_RETURN_IF_ERROR(MakeDirs(c.output_dir));
  std::vector<CompareRow> rows;
  for (const Problem& problem : problems)
    for (const Method method : c.methods) {
      if (stop.Requested()) break;
      auto r = ScheduleWithMethod(problem, method, c, stop);
      const std::string where = problem.g().name() + "/" + std::to_string(problem.stages) + "/" + MethodName(method);
      if (!r.ok()) return r.status().WithContext(where);
      rows.push_back(CompareRow{problem.g().name(), problem.g().size(), problem.stages, std::move(r).value(), 0.0});
      if (run.write_files) {
        auto path = WriteScheduleFiles(c.output_dir, problem, rows.back().result);
        if (!path.ok()) return path.status();
      }
    }
  FillGaps(&rows);
  if (run.write_files) {
    RESPECT_RETURN_IF_ERROR(WriteTextFile(c.output_dir + "/compare.csv", CompareToCsv(rows)));
    RESPECT_RETURN_IF_ERROR(WriteTextFile(c.output_dir + "/compare.json", CompareToJson(rows)));
  }
  return rows;
}

py::object CompareApi(py::object model, py::object stages, py::object methods, const py::kwargs& kwargs) {
  const Run run = MakeRun("compare", ToModels(model), stages, MethodList(methods), kwargs);
  StatusOr<std::vector<CompareRow>> rows =
      StoppableCall([&run](const StopToken& stop) { return CompareRows(run, stop); });
  // The rows of compare.json, as dicts.
  return py::module_::import("json").attr("loads")(CompareToJson(Value(std::move(rows))));
}

// ---------------------------------------------------------------- deploy

// A YAML scalar as Python: quoted -> str; plain true/false, null/~, an
// integer, a number -> bool, None, int, float; anything else str.
py::object ScalarToPython(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return py::str(s);
  if (s == "true" || s == "True") return py::bool_(true);
  if (s == "false" || s == "False") return py::bool_(false);
  if (s == "null" || s == "~" || s.empty()) return py::none();
  int64_t i = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec == std::errc() && end == s.data() + s.size()) return py::int_(i);
  char* dend = nullptr;
  const double d = std::strtod(s.c_str(), &dend);
  if (dend == s.c_str() + s.size() && std::isfinite(d)) return py::float_(d);
  return py::str(s);
}

py::object YamlToPython(const YAML::Node& n) {
  if (n.IsMap()) {
    py::dict d;
    for (const auto& kv : n) d[py::str(kv.first.Scalar())] = YamlToPython(kv.second);
    return d;
  }
  if (n.IsSequence()) {
    py::list l;
    for (const auto& item : n) l.append(YamlToPython(item));
    return l;
  }
  if (n.IsScalar()) return ScalarToPython(n);
  return py::none();
}

py::object DeployApi(py::object model, py::object stages, py::object out_dir, const std::string& method,
                  const py::kwargs& kwargs) {
  const ModelArg m = ToModel(model);
  if (m.graph)  // RunDeploy's own words for a model that is no .tflite file
    throw py::value_error("task deploy: key 'model' must be a .tflite file, got a networkx graph");
  if (!IsPathLike(out_dir)) throw py::value_error("out_dir: a " + TypeName(out_dir) + " is not a path");
  const Run run = MakeRun("deploy", {m}, stages, {method}, kwargs, PathString(out_dir));
  std::ostringstream log, warnings;
  Status s;
  {
    py::gil_scoped_release release;
    s = RunDeploy(run.config, log, warnings);
  }
  // What the CLI prints (segments, notes, the check) on sys.stdout, its
  // warnings (a float model) on sys.stderr.
  if (!log.str().empty()) py::print(log.str(), py::arg("end") = "", py::arg("flush") = true);
  if (!warnings.str().empty())
    py::print(warnings.str(), py::arg("end") = "", py::arg("file") = py::module_::import("sys").attr("stderr"),
              py::arg("flush") = true);
  Check(s);
  const std::string manifest = (std::filesystem::path(run.config.output_dir) / "segments" / "manifest.yaml").string();
  try {
    return YamlToPython(YAML::LoadFile(manifest));
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(manifest + ": " + e.msg);
  }
}

}  // namespace
}  // namespace respect

PYBIND11_MODULE(respect_opt, m) {
  using namespace respect;
  m.doc() =
      "respect-opt: schedule DNN graphs onto a pipeline of Edge TPUs (python/README.md).\n"
      "Keyword arguments are config keys (docs/config.md) with '.' written '__': solver__time_limit_s=5.";
  m.attr("__version__") = RESPECT_VERSION;

  py::class_<PyScheduleResult>(m, "ScheduleResult", "The schedule of one method on one model and stage count.")
      .def_property_readonly("graph", [](const PyScheduleResult& r) { return r.problem.g().name(); })
      .def_property_readonly("stages", [](const PyScheduleResult& r) { return r.problem.stages; })
      .def_property_readonly("method", [](const PyScheduleResult& r) { return r.result.method; })
      .def_property_readonly("status", [](const PyScheduleResult& r) { return std::string(ToString(r.result.status)); },
                             "optimal | feasible | infeasible | time_limit | invalid")
      .def_property_readonly("objective", [](const PyScheduleResult& r) { return NumberOrNone(r.result.objective); },
                             "objective of the schedule (None without one)")
      .def_property_readonly("bound", [](const PyScheduleResult& r) { return NumberOrNone(r.result.bound); },
                             "proven lower bound (None when unknown)")
      .def_property_readonly("seconds", [](const PyScheduleResult& r) { return r.result.seconds; })
      .def_property_readonly("message", [](const PyScheduleResult& r) { return r.result.message; })
      .def_property_readonly("stats", [](const PyScheduleResult& r) { return r.result.stats.ToMap(); })
      .def_property_readonly("stopped", [](const PyScheduleResult& r) { return r.result.stats.stopped; },
                             "Ctrl-C stopped the solve: the best schedule by then (stats['stopped'] == 1)")
      .def_property_readonly("assignment", [](const PyScheduleResult& r) { return Assignment(r, false); },
                             "node name -> stage (ValueError when names repeat: use assignment_by_id)")
      .def_property_readonly("assignment_by_id", [](const PyScheduleResult& r) { return Assignment(r, true); },
                             "node id (int or str, as in the graph; a networkx node key) -> stage")
      .def_property_readonly("stage_param_bytes", [](const PyScheduleResult& r) { return r.result.eval.stage_param_bytes; })
      .def_property_readonly("offchip_bytes", [](const PyScheduleResult& r) { return r.result.eval.offchip_bytes; })
      .def_property_readonly("crossing_bytes", [](const PyScheduleResult& r) { return r.result.eval.crossing_bytes; },
                             "bytes crossing each boundary k -> k+1")
      .def_property_readonly("stage_macs", [](const PyScheduleResult& r) { return r.result.eval.stage_macs; })
      .def_property_readonly("stage_time_s", [](const PyScheduleResult& r) { return r.result.eval.stage_time_s; })
      .def_property_readonly("stage_activation_bytes",
                             [](const PyScheduleResult& r) { return r.result.eval.stage_activation_bytes; },
                             "peak bytes of activations live at once in each stage")
      .def("to_json", [](const PyScheduleResult& r) { return ScheduleToJson(r.problem, r.result); },
           "the schedule JSON the CLI writes (docs/formats.md)")
      .def("table", [](const PyScheduleResult& r) { return FormatScheduleTable(r.problem, r.result); },
           "the per-stage table the CLI prints")
      .def("__repr__", [](const PyScheduleResult& r) {
        std::ostringstream s;
        s << "<respect_opt.ScheduleResult " << r.problem.g().name() << " on " << r.problem.stages << " stages, "
          << r.result.method << ": " << ToString(r.result.status) << (r.result.stats.stopped ? " (stopped)" : "")
          << ", objective " << py::str(NumberOrNone(r.result.objective)) << ">";
        return s.str();
      });

  m.def("schedule", &ScheduleApi, py::arg("model"), py::arg("stages"), py::arg("method") = "exact",
        "Schedules `model` (a path: .tflite, .json, .gml; 'zoo:NAME'; 'synthetic'; or a networkx.DiGraph whose\n"
        "nodes carry param_bytes / output_bytes or GML-style parameter) on `stages` stages with `method`.\n"
        "Keyword arguments are config keys, '.' written '__' (solver__time_limit_s=5). Writes nothing unless\n"
        "output__dir is given (then the CLI's schedule JSON and DOT files). ValueError: the CLI's error line.");
  m.def("compare", &CompareApi, py::arg("model"), py::arg("stages"),
        py::arg("methods") = std::vector<std::string>{"heuristic", "dp_topo", "exact"},
        "Runs each of `methods` on each model (one or a list) and stage count (one or a list): the rows of\n"
        "compare.json as dicts. Writes compare.csv/json and every schedule only when output__dir is given.");
  m.def("deploy", &DeployApi, py::arg("model"), py::arg("stages"), py::arg("out_dir"), py::arg("method") = "exact",
        "Cuts a .tflite model into one segment per stage in <out_dir>/segments/ with manifest.yaml (task deploy),\n"
        "scheduled by `method` (or deploy__schedule=<schedule JSON>). Returns the manifest as a dict.");
  m.def("zoo", [] {
        std::vector<std::string> names;
        for (const auto& z : ListZooModels()) names.push_back(z.name);
        return names;
      }, "names of the built-in models (model='zoo:NAME')");
  m.def("methods", [] { return KnownMethods(); }, "method names");
  m.def("config_keys", [] { return ConfigKeys(); }, "every config key (docs/config.md), dotted");
}
