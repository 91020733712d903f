// respect_opt: the Python API of respect-opt (python/README.md).
//
//   respect_opt.schedule(model, stages, method="exact", **config) -> ScheduleResult
//   respect_opt.compare(model, stages, methods=[...], **config)   -> list of dict rows
//   respect_opt.deploy(model, stages, out_dir, method="exact", **config) -> manifest dict
//   respect_opt.label(dataset, **config)                          -> dict of counts
//   respect_opt.read_labels(dataset)                              -> list of label dicts
//   respect_opt.train(dataset, checkpoint_dir, **config)          -> dict (weights, curve, ...)
//   respect_opt.calibrate(measurements, output, **config)         -> dict (fitted constants, rows)
//   respect_opt.devices(**config)                                 -> list of device dicts
//
// label, train and calibrate run the CLI's own jobs (src/app/tasks.h) and
// print the CLI's lines on sys.stdout (its warnings on sys.stderr), as
// deploy does; progress bars follow solver.progress.
// A call is a run of the CLI with a config file holding only the keys given:
// the same key table (config/config.cpp), the same checks of paths
// (CheckRunPaths), the same schedulers (the registry), the same reports.
// Keyword arguments are config keys with "." written "__"
// (solver__time_limit_s=5); a key that holds a "." works too
// (**{"solver.time_limit_s": 5}). Each call registers its inputs with the
// output guard for its own duration (ProtectedInputScope). A bad call raises ValueError with the line
// the CLI prints after "respect-opt: error: " (RuntimeError for an internal
// error, exit code 1 in the CLI). The GIL is released while models load and
// methods run; during schedule() and compare(), Ctrl-C stops the method under
// way, which returns its best schedule marked stopped (StoppableCall).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
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
#include "io/output_guard.h"
#include "label/dataset.h"
#include "deploy/devices.h"
#include "report/report.h"
#include "sched/registry.h"
#include "zoo/zoo.h"

namespace py = pybind11;
using namespace pybind11::literals;  // "key"_a = value
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

// hasattr() that lets every error but AttributeError through: py::hasattr
// swallows them all, and a Ctrl-C during a property's Python code (networkx's
// `nodes`) would become "not a model" instead of KeyboardInterrupt.
bool HasAttr(py::handle v, const char* name) {
  PyObject* got = PyObject_GetAttrString(v.ptr(), name);
  if (got) {
    Py_DECREF(got);
    return true;
  }
  if (!PyErr_ExceptionMatches(PyExc_AttributeError)) throw py::error_already_set();
  PyErr_Clear();
  return false;
}

// getattr(v, name, fallback), with HasAttr's errors.
py::object GetAttrOr(py::handle v, const char* name, py::object fallback) {
  return HasAttr(v, name) ? v.attr(name) : std::move(fallback);
}

bool IsPathLike(py::handle v) { return py::isinstance<py::str>(v) || HasAttr(v, "__fspath__"); }

std::string PathString(py::handle v) {
  return py::str(py::module_::import("os").attr("fspath")(v));
}

// A Python value as JSON, which is YAML too: ApplyOverride parses it as the
// CLI parses `--KEY VALUE`. Strings are quoted, so they stay strings.
json ToJson(py::handle v, const std::string& key) {
  if (v.is_none()) throw py::value_error("key '" + key + "': None is not a value");
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::int_>(v) || (!py::isinstance<py::float_>(v) && HasAttr(v, "__index__"))) {
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
  if (py::isinstance<py::float_>(v) || HasAttr(v, "__float__")) {
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
  return HasAttr(m, "nodes") && HasAttr(m, "edges") && HasAttr(m, "is_directed");
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
  py::dict graph_attrs = GetAttrOr(g, "graph", py::dict());
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

// Config keys a call sets from its arguments; its keyword arguments may not
// name them.
using Arguments = std::vector<std::pair<std::string, json>>;

// The config of a call as the CLI's overrides build it, from struct defaults
// (a config file with only these keys): the task, `args`, then the keyword
// arguments. `model_argument`: `model` is an argument too. Sets
// *output_dir_given when a keyword names output.dir.
Config CallConfig(const std::string& task, const Arguments& args, bool model_argument, const py::kwargs& kwargs,
                  bool* output_dir_given) {
  Config c;
  Set(&c, "task", json(task));  // the registry's task names, as the CLI reads them
  for (const auto& [key, value] : args) Set(&c, key, value);
  for (auto kv : kwargs) {
    const std::string key = DottedKey(py::str(kv.first));
    bool argument = key == "task" || (key == "model" && model_argument);
    for (const auto& a : args) argument = argument || a.first == key;
    if (argument)
      throw py::value_error("key '" + key + "' is set by an argument of respect_opt." + task + "(), not a config key");
    Set(&c, key, ToJson(kv.second, key));
    if (key == "output.dir") *output_dir_given = true;
  }
  return c;
}

// Builds and checks the config as the CLI does (CallConfig, ResolveOutputPaths,
// ValidateConfig, CheckRunPaths).
// `out_dir` (deploy's argument) is output.dir; "" = none.
Run MakeRun(const std::string& task, const std::vector<ModelArg>& models, py::handle stages,
            const std::vector<std::string>& methods, const py::kwargs& kwargs, const std::string& out_dir = "") {
  Run run;
  run.models = models;
  Arguments args = {{"stages", ToJson(stages, "stages")}, {"methods", json(methods)}};
  if (task == "deploy") args.emplace_back("output.dir", out_dir);
  run.config = CallConfig(task, args, /*model_argument=*/true, kwargs, &run.write_files);
  Config& c = run.config;
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

// The config of a label, train, calibrate or devices call, checked as the
// CLI checks that task (CheckRunPaths: its inputs registered, its fixed
// outputs never an input). Their arguments name every file they write, so
// output.dir is checked only when a keyword gives it.
Config TaskConfig(const std::string& task, const Arguments& args, const py::kwargs& kwargs) {
  bool output_dir_given = false;
  Config c = CallConfig(task, args, /*model_argument=*/false, kwargs, &output_dir_given);
  ResolveOutputPaths(&c);
  Check(ValidateConfig(c));
  Config paths = c;
  if (!output_dir_given) paths.output_dir = ".";
  Check(CheckRunPaths("", paths));
  return c;
}

// A path argument as a config value ("" for None when `optional`).
json PathArgument(py::handle v, const std::string& key, bool optional = false) {
  if (optional && v.is_none()) return json();
  if (!IsPathLike(v)) throw py::value_error("key '" + key + "': a " + TypeName(v) + " is not a path");
  return PathString(v);
}

// Prints what a job reported: the CLI's stdout lines on sys.stdout, its
// stderr lines on sys.stderr.
void PrintReport(const std::string& out, const std::string& warnings) {
  if (!out.empty()) py::print(out, py::arg("end") = "", py::arg("flush") = true);
  if (!warnings.empty())
    py::print(warnings, py::arg("end") = "", py::arg("file") = py::module_::import("sys").attr("stderr"),
              py::arg("flush") = true);
}

// Runs a task's job (src/app/tasks.h) with the GIL released and its report
// captured, prints the report, and returns the job's value or raises its
// error. Progress bars follow solver.progress.
template <class T, class Job>
T RunJob(const Config& c, Job job) {
  std::ostringstream out, warnings;
  StatusOr<T> r = Status::Internal("not run");
  {
    py::gil_scoped_release release;
    r = job(c, TaskOutput{out, warnings, c.solver.progress});
  }
  PrintReport(out.str(), warnings.str());
  return Value(std::move(r));
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
// A Ctrl-C that came after Python last looked at its signals but before
// ours were installed is only a flag in Python: it is raised here, before
// the solve, instead of after the whole limit.
template <class F>
auto StoppableCall(F&& f) {
  const StopToken stop = StopToken::Make();
  py::gil_scoped_release release;
  const SignalStop on_signal(stop);
  {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  }
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
  const ProtectedInputScope inputs;  // this call's inputs, protected until it returns
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
  const ProtectedInputScope inputs;  // this call's inputs, protected until it returns
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
  const ProtectedInputScope inputs;  // this call's inputs, protected until it returns
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
  PrintReport(log.str(), warnings.str());
  Check(s);
  const std::string manifest = (std::filesystem::path(run.config.output_dir) / "segments" / "manifest.yaml").string();
  try {
    return YamlToPython(YAML::LoadFile(manifest));
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(manifest + ": " + e.msg);
  }
}

// ---------------------------------------------------------------- label

py::dict LabelApi(py::object dataset, const py::kwargs& kwargs) {
  const ProtectedInputScope inputs;
  const Config c = TaskConfig("label", {{"label.dataset", PathArgument(dataset, "label.dataset")}}, kwargs);
  const LabelRunStats stats = RunJob<LabelRunStats>(c, LabelJob);
  return py::dict("dataset"_a = c.label.dataset, "labels"_a = stats.existing + stats.written,
                  "existing"_a = stats.existing, "written"_a = stats.written, "not_optimal"_a = stats.not_optimal,
                  "seconds"_a = stats.seconds, "labels_per_s"_a = stats.labels_per_s);
}

py::dict LabelToPython(const LabelRecord& r) {
  return py::dict("index"_a = r.index, "seed"_a = r.seed, "stages"_a = r.stages, "max_in_degree"_a = r.max_in_degree,
                  "objective"_a = r.objective, "bound"_a = r.bound, "optimal"_a = r.optimal,
                  "solve_seconds"_a = r.solve_seconds, "stage"_a = r.stage, "target_order"_a = r.target_order,
                  "graph"_a = py::module_::import("json").attr("loads")(GraphToJson(*r.graph)));
}

// Every complete label of a dataset, by index (docs/formats.md "Label dataset").
py::list ReadLabelsApi(py::object dataset) {
  const std::string path = PathArgument(dataset, "dataset");
  StatusOr<DatasetContents> ds = Status::Internal("not run");
  {
    py::gil_scoped_release release;
    ds = ReadDataset(path);
  }
  DatasetContents contents = Value(std::move(ds));
  std::sort(contents.records.begin(), contents.records.end(),
            [](const LabelRecord& a, const LabelRecord& b) { return a.index < b.index; });
  py::list out;
  for (const LabelRecord& r : contents.records) out.append(LabelToPython(r));
  return out;
}

// ---------------------------------------------------------------- train

// A field of curve.csv as Python: the phase a str, baseline_updated a bool,
// epoch an int, the rest floats.
py::object CurveValue(const std::string& column, const std::string& field) {
  if (column == "phase") return py::str(field);
  if (column == "baseline_updated") return py::bool_(field == "1");
  if (column == "epoch") return py::int_(std::stoll(field));
  return py::float_(std::strtod(field.c_str(), nullptr));
}

// <checkpoint_dir>/curve.csv as a list of dicts, one per epoch.
py::list CurveRows(const std::string& path) {
  const std::string text = Value(ReadTextFile(path));
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> columns;
  py::list rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string f; std::getline(cells, f, ',');) fields.push_back(f);
    if (columns.empty()) {
      columns = fields;
      continue;
    }
    if (fields.size() != columns.size()) throw std::runtime_error(path + ": a row of " + std::to_string(fields.size()) +
                                                                  " fields under " + std::to_string(columns.size()) +
                                                                  " columns");
    py::dict row;
    for (size_t i = 0; i < columns.size(); ++i) row[py::str(columns[i])] = CurveValue(columns[i], fields[i]);
    rows.append(row);
  }
  return rows;
}

py::dict TrainApi(py::object dataset, py::object checkpoint_dir, const py::kwargs& kwargs) {
  const ProtectedInputScope inputs;
  Arguments args = {{"train.checkpoint_dir", PathArgument(checkpoint_dir, "train.checkpoint_dir")}};
  if (!dataset.is_none()) args.emplace_back("train.dataset", PathArgument(dataset, "train.dataset"));
  const Config c = TaskConfig("train", args, kwargs);
  const TrainOutcome o = RunJob<TrainOutcome>(c, TrainJob);
  return py::dict("weights"_a = o.weights_out, "checkpoint_dir"_a = o.checkpoint_dir, "curve_path"_a = o.curve_path,
                  "reward"_a = o.reward, "generated"_a = o.generated, "train_examples"_a = o.train_examples,
                  "holdout_examples"_a = o.holdout_examples, "imitation_examples"_a = o.imitation_examples,
                  "best_holdout"_a = o.best_holdout, "epochs"_a = o.epochs_done, "curve"_a = CurveRows(o.curve_path));
}

// ---------------------------------------------------------------- calibrate

py::dict CalibrationRow(const MeasuredSegment& r, const CalibrationPoint& p, const LatencyFit& fit, size_t i) {
  return py::dict("line"_a = r.line, "model"_a = r.model, "stages"_a = r.stages, "stage"_a = r.stage,
                  "method"_a = r.method, "operators"_a = r.operators, "macs"_a = p.terms.macs,
                  "param_bytes"_a = p.terms.param_bytes, "offchip_bytes"_a = p.terms.offchip_bytes,
                  "crossing_bytes"_a = p.terms.crossing_bytes, "measured_ms"_a = r.measured_ms,
                  "predicted_ms"_a = fit.predicted_s[i] * 1e3, "relative_error"_a = fit.relative_error[i]);
}

py::dict CalibrateApi(py::object measurements, py::object output, const py::kwargs& kwargs) {
  const ProtectedInputScope inputs;
  const Config c = TaskConfig("calibrate",
                              {{"calibrate.measurements", PathArgument(measurements, "calibrate.measurements")},
                               {"calibrate.output", PathArgument(output, "calibrate.output")}},
                              kwargs);
  const CalibrationOutcome o = RunJob<CalibrationOutcome>(c, CalibrateJob);
  const EdgeTpuParams& p = o.fit.params;
  const py::dict edgetpu("sram_bytes"_a = p.sram_bytes, "segment_overhead_s"_a = p.segment_overhead_s,
                         "macs_per_s"_a = p.macs_per_s, "offchip_bytes_per_s"_a = p.offchip_bytes_per_s,
                         "link_bytes_per_s"_a = p.link_bytes_per_s);
  py::dict fitted;
  for (size_t j = 0; j < FittedKeys().size(); ++j) fitted[py::str(FittedKeys()[j])] = o.fit.fitted[j];
  py::list rows;
  for (size_t i = 0; i < o.rows.size(); ++i) rows.append(CalibrationRow(o.rows[i], o.points[i], o.fit, i));
  return py::dict("output"_a = o.output, "edgetpu"_a = edgetpu, "fitted"_a = fitted, "notes"_a = o.fit.notes,
                  "rows"_a = rows, "rms_relative_error"_a = o.fit.rms_relative_error,
                  "max_relative_error"_a = o.fit.max_relative_error,
                  "worst_line"_a = o.rows[o.fit.worst_point].line);
}

// ---------------------------------------------------------------- devices

py::list DevicesApi(const py::kwargs& kwargs) {
  const ProtectedInputScope inputs;
  TaskConfig("devices", {}, kwargs);  // the CLI validates the config of every task
  DeviceScan scan;
  {
    py::gil_scoped_release release;
    scan = ScanCoralDevices();
  }
  // The CLI's first line says why USB could not be scanned.
  if (!scan.usb_ok) {
    const std::string text = FormatDeviceScan(scan);
    py::module_::import("warnings").attr("warn")(text.substr(0, text.find('\n')),
                                                 py::module_::import("builtins").attr("RuntimeWarning"));
  }
  py::list out;
  char id[16];
  for (const CoralDevice& dev : scan.corals) {
    std::snprintf(id, sizeof(id), "%04x:%04x", dev.vendor_id, dev.product_id);
    out.append(py::dict("usb_id"_a = std::string(id), "vendor_id"_a = dev.vendor_id, "product_id"_a = dev.product_id,
                        "bus"_a = dev.bus, "port_path"_a = dev.port_path, "address"_a = dev.address,
                        "firmware_loaded"_a = dev.firmware_loaded, "description"_a = dev.description));
  }
  return out;
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
  m.def("label", &LabelApi, py::arg("dataset"),
        "Fills the label dataset `dataset` with exact schedules of synthetic graphs (task label): label__count,\n"
        "label__nodes, label__seed, label__workers, ...; label__resume=True continues an interrupted run.\n"
        "Returns {dataset, labels, existing, written, not_optimal, seconds, labels_per_s}.");
  m.def("read_labels", &ReadLabelsApi, py::arg("dataset"),
        "The complete labels of a label dataset, by index: dicts with index, seed, stages, max_in_degree,\n"
        "objective, bound, optimal, solve_seconds, stage, target_order and graph (graph JSON as a dict).");
  m.def("train", &TrainApi, py::arg("dataset"), py::arg("checkpoint_dir"),
        "Trains the policy on the label dataset `dataset` (None: generated graphs only, train__curriculum)\n"
        "(task train), checkpoints in `checkpoint_dir`; weights to train__weights_out (default\n"
        "<checkpoint_dir>/policy.rspw); train__resume=True continues from the checkpoint. Returns {weights,\n"
        "checkpoint_dir, curve_path, reward, generated, train_examples, holdout_examples, imitation_examples,\n"
        "best_holdout, epochs, curve (curve.csv's rows as dicts)}.");
  m.def("calibrate", &CalibrateApi, py::arg("measurements"), py::arg("output"),
        "Fits the latency model's edgetpu.* constants to the calibration CSV `measurements` (task calibrate)\n"
        "and writes them as a YAML config fragment to `output`. Returns {output, edgetpu, fitted, notes,\n"
        "rows (per row: terms, measured_ms, predicted_ms, relative_error), rms_relative_error,\n"
        "max_relative_error, worst_line}.");
  m.def("devices", &DevicesApi,
        "The Coral USB Accelerators found (task devices), as dicts: usb_id, vendor_id, product_id, bus,\n"
        "port_path, address, firmware_loaded, description. [] when there are none; a RuntimeWarning says\n"
        "why when USB cannot be scanned.");
  m.def("zoo", [] {
        std::vector<std::string> names;
        for (const auto& z : ListZooModels()) names.push_back(z.name);
        return names;
      }, "names of the built-in models (model='zoo:NAME')");
  m.def("methods", [] { return KnownMethods(); }, "method names");
  m.def("config_keys", [] { return ConfigKeys(); }, "every config key (docs/config.md), dotted");
}
