#include "config/config.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <type_traits>

#include "core/option_bounds.h"
#include "io/graph_io.h"
#include "sched/registry.h"

namespace respect {

namespace {

constexpr double kNoMin = -std::numeric_limits<double>::infinity();
constexpr double kNoMax = std::numeric_limits<double>::infinity();

using Setter = std::function<Status(Config*, const YAML::Node&, const std::string& where)>;
using Shower = std::function<std::string(const Config&)>;
// A key's choices, read at each use: the registry's tables take rows at run
// time (sched/registry.h RegisterMethod, sched/engines.h RegisterEngine).
using Names = std::function<std::vector<std::string>()>;

// One row of the key table: everything about a key in one place.
struct KeyDef {
  std::string key;
  std::string type;        // shown in --help
  double min = kNoMin, max = kNoMax;
  Names choices;  // null: any value
  std::string help;
  Setter set;
  Shower show;
};

std::string Num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

Status CheckBounds(double v, const KeyDef& d, const std::string& where) {
  if (std::isnan(v)) return Status::Invalid(where + ": NaN is not allowed");
  if (v < d.min) return Status::Invalid(where + ": " + Num(v) + " is below the minimum " + Num(d.min));
  if (v > d.max) return Status::Invalid(where + ": " + Num(v) + " is above the maximum " + Num(d.max));
  return Status::Ok();
}

// A scalar as yaml-cpp reads a T; `expected` ("a number") names it in messages.
template <class T>
Status ScalarAs(const YAML::Node& n, const std::string& where, const std::string& expected, T* out) {
  if (!n.IsScalar()) return Status::Invalid(where + ": expected " + expected);
  try {
    *out = n.as<T>();
  } catch (const YAML::Exception&) {
    return Status::Invalid(where + ": expected " + expected + ", got '" + n.Scalar() + "'");
  }
  return Status::Ok();
}

Status ScalarDouble(const YAML::Node& n, const std::string& where, double* out) {
  return ScalarAs(n, where, "a number", out);
}

Status ScalarInt(const YAML::Node& n, const std::string& where, int64_t* out) {
  if (!n.IsScalar()) return Status::Invalid(where + ": expected an integer");
  try {
    *out = n.as<int64_t>();
  } catch (const YAML::Exception&) {
    // Accept integral floats such as 8.388608e6.
    double d;
    try { d = n.as<double>(); } catch (const YAML::Exception&) {
      return Status::Invalid(where + ": expected an integer, got '" + n.Scalar() + "'");
    }
    if (d != std::floor(d)) return Status::Invalid(where + ": expected an integer, got '" + n.Scalar() + "'");
    if (std::fabs(d) > 9.0e18) return Status::Invalid(where + ": " + n.Scalar() + " is out of range");
    *out = static_cast<int64_t>(d);
  }
  return Status::Ok();
}

// An unsigned 64-bit integer (seeds): whole numbers in [0, 2^64), written
// plainly or as integral floats such as 1e19.
Status ScalarUint(const YAML::Node& n, const std::string& where, uint64_t* out) {
  if (!n.IsScalar()) return Status::Invalid(where + ": expected an integer");
  const std::string& text = n.Scalar();
  if (!text.empty() && text[0] != '-') {
    try {
      *out = n.as<uint64_t>();
      return Status::Ok();
    } catch (const YAML::Exception&) {
    }
  }
  double d;
  try { d = n.as<double>(); } catch (const YAML::Exception&) {
    return Status::Invalid(where + ": expected an integer, got '" + text + "'");
  }
  if (std::isnan(d) || d < 0 || d != std::floor(d) || d >= 18446744073709551616.0)
    return Status::Invalid(where + ": expected a whole number in [0, 2^64), got '" + text + "'");
  *out = static_cast<uint64_t>(d);
  return Status::Ok();
}

Status ScalarBool(const YAML::Node& n, const std::string& where, bool* out) {
  return ScalarAs(n, where, "true or false", out);
}

Status ScalarString(const YAML::Node& n, const std::string& where, std::string* out) {
  if (!n.IsScalar()) return Status::Invalid(where + ": expected a string");
  *out = n.Scalar();
  return Status::Ok();
}

// Row makers. `ref` maps a Config to the field it sets.
template <class T>
KeyDef Double(std::string key, T& (*ref)(Config&), double lo, double hi, std::string help) {
  KeyDef d{key, "number", lo, hi, nullptr, std::move(help), nullptr, nullptr};
  d.set = [ref, d](Config* c, const YAML::Node& n, const std::string& w) {
    double v = 0;
    RESPECT_RETURN_IF_ERROR(ScalarDouble(n, w, &v));
    RESPECT_RETURN_IF_ERROR(CheckBounds(v, d, w));
    ref(*c) = static_cast<T>(v);
    return Status::Ok();
  };
  d.show = [ref](const Config& c) { return Num(static_cast<double>(ref(const_cast<Config&>(c)))); };
  return d;
}

template <class T>
KeyDef Int(std::string key, T& (*ref)(Config&), double lo, double hi, std::string help) {
  KeyDef d{key, "integer", lo, hi, nullptr, std::move(help), nullptr, nullptr};
  d.set = [ref, d](Config* c, const YAML::Node& n, const std::string& w) {
    if constexpr (std::is_same_v<T, uint64_t>) {
      uint64_t v = 0;
      RESPECT_RETURN_IF_ERROR(ScalarUint(n, w, &v));
      RESPECT_RETURN_IF_ERROR(CheckBounds(static_cast<double>(v), d, w));
      ref(*c) = v;
    } else {
      int64_t v = 0;
      RESPECT_RETURN_IF_ERROR(ScalarInt(n, w, &v));
      RESPECT_RETURN_IF_ERROR(CheckBounds(static_cast<double>(v), d, w));
      ref(*c) = static_cast<T>(v);
    }
    return Status::Ok();
  };
  d.show = [ref](const Config& c) { return std::to_string(ref(const_cast<Config&>(c))); };
  return d;
}

KeyDef Bool(std::string key, bool& (*ref)(Config&), std::string help) {
  KeyDef d{key, "bool", kNoMin, kNoMax, nullptr, std::move(help), nullptr, nullptr};
  d.set = [ref](Config* c, const YAML::Node& n, const std::string& w) {
    return ScalarBool(n, w, &ref(*c));
  };
  d.show = [ref](const Config& c) { return std::string(ref(const_cast<Config&>(c)) ? "true" : "false"); };
  return d;
}

std::string JoinChoices(const std::vector<std::string>& choices) {
  std::string list;
  for (const auto& ch : choices) list += (list.empty() ? "" : " | ") + ch;
  return list;
}

// A string, one of `choices` unless they are null.
Status ScalarChoice(const YAML::Node& n, const std::string& w, const Names& choices, std::string* v) {
  RESPECT_RETURN_IF_ERROR(ScalarString(n, w, v));
  if (!choices) return Status::Ok();
  const std::vector<std::string> names = choices();
  if (std::find(names.begin(), names.end(), *v) == names.end())
    return Status::Invalid(w + ": '" + *v + "' is not one of " + JoinChoices(names) +
                           (v->find(',') != std::string::npos ? " (a list is written [a, b])" : ""));
  return Status::Ok();
}

// Fixed choices ({} = any value).
Names Fixed(std::vector<std::string> choices) {
  if (choices.empty()) return nullptr;
  return [choices] { return choices; };
}

// The names of a registry table, read at each use.
template <class Rows>
Names NamesOf(const Rows& (*rows)()) {
  return [rows] { return ChoiceNames(rows()); };
}

// A string key, optionally restricted to `choices`, read and written through
// get/set so enum-typed fields can be rows too.
KeyDef Choice(std::string key, std::function<std::string(const Config&)> get,
              std::function<void(Config&, const std::string&)> put, Names choices, std::string help) {
  KeyDef d{key, choices ? "choice" : "string", kNoMin, kNoMax, choices, std::move(help), nullptr, nullptr};
  d.set = [put, choices](Config* c, const YAML::Node& n, const std::string& w) {
    std::string v;
    RESPECT_RETURN_IF_ERROR(ScalarChoice(n, w, choices, &v));
    put(*c, v);
    return Status::Ok();
  };
  d.show = std::move(get);
  return d;
}

KeyDef Choice(std::string key, std::function<std::string(const Config&)> get,
              std::function<void(Config&, const std::string&)> put, std::vector<std::string> choices,
              std::string help) {
  return Choice(std::move(key), std::move(get), std::move(put), Fixed(std::move(choices)), std::move(help));
}

// A string key, one of `choices` (null: any value).
KeyDef StringKey(std::string key, std::string& (*ref)(Config&), Names choices, std::string help) {
  return Choice(
      std::move(key), [ref](const Config& c) { return ref(const_cast<Config&>(c)); },
      [ref](Config& c, const std::string& v) { ref(c) = v; }, std::move(choices), std::move(help));
}

KeyDef String(std::string key, std::string& (*ref)(Config&), std::vector<std::string> choices, std::string help) {
  return StringKey(std::move(key), ref, Fixed(std::move(choices)), std::move(help));
}

// A key that takes a scalar or a list of scalars.
// A key that takes one scalar or a non-empty sequence of them; `one` reads
// and checks a single item.
template <class T, class ReadOne>
Status ReadList(const YAML::Node& n, const std::string& w, std::vector<T>* out, ReadOne one) {
  auto add = [&](const YAML::Node& item) -> Status {
    T v{};
    RESPECT_RETURN_IF_ERROR(one(item, &v));
    out->push_back(std::move(v));
    return Status::Ok();
  };
  if (n.IsSequence()) {
    for (const auto& item : n) RESPECT_RETURN_IF_ERROR(add(item));
  } else {
    RESPECT_RETURN_IF_ERROR(add(n));
  }
  if (out->empty()) return Status::Invalid(w + ": the list is empty");
  return Status::Ok();
}

template <class T, class Show>
std::string JoinList(const std::vector<T>& values, Show show) {
  std::string s;
  for (const T& v : values) s += (s.empty() ? "" : ",") + show(v);
  return s;
}

// A key naming one row of a registry table, held as the row's id: `parse`
// maps a name (checked against `choices` first) to it, `name` back.
template <class Id>
KeyDef NamedId(std::string key, Id& (*ref)(Config&), Names choices, StatusOr<Id> (*parse)(const std::string&),
               std::string (*name)(Id), std::string help) {
  return Choice(
      std::move(key), [ref, name](const Config& c) { return name(ref(const_cast<Config&>(c))); },
      [ref, parse](Config& c, const std::string& v) { ref(c) = *parse(v); }, std::move(choices), std::move(help));
}

StatusOr<std::string> AnyName(const std::string& name) { return name; }
std::string SameName(std::string name) { return name; }

// A key that takes one name or a non-empty list of them, each one of
// `choices` unless they are null, held as T (`parse` and `name` as NamedId;
// AnyName and SameName for plain strings).
template <class T>
KeyDef NameList(std::string key, std::vector<T>& (*ref)(Config&), Names choices,
                StatusOr<T> (*parse)(const std::string&), std::string (*name)(T), std::string help) {
  KeyDef d{key, "string or list", kNoMin, kNoMax, choices, std::move(help), nullptr, nullptr};
  d.set = [ref, choices, parse](Config* c, const YAML::Node& n, const std::string& w) {
    std::vector<T> out;
    RESPECT_RETURN_IF_ERROR(ReadList(n, w, &out, [&](const YAML::Node& item, T* v) -> Status {
      std::string text;
      RESPECT_RETURN_IF_ERROR(ScalarChoice(item, w, choices, &text));
      StatusOr<T> parsed = parse(text);
      if (!parsed.ok()) return parsed.status().WithContext(w);
      *v = std::move(*parsed);
      return Status::Ok();
    }));
    ref(*c) = out;
    return Status::Ok();
  };
  d.show = [ref, name](const Config& c) { return JoinList(ref(const_cast<Config&>(c)), name); };
  return d;
}

KeyDef IntList(std::string key, std::vector<int>& (*ref)(Config&), double lo, double hi, std::string help) {
  KeyDef d{key, "integer or list", lo, hi, nullptr, std::move(help), nullptr, nullptr};
  d.set = [ref, d](Config* c, const YAML::Node& n, const std::string& w) {
    std::vector<int> out;
    RESPECT_RETURN_IF_ERROR(ReadList(n, w, &out, [&](const YAML::Node& item, int* v) -> Status {
      int64_t x = 0;
      RESPECT_RETURN_IF_ERROR(ScalarInt(item, w, &x));
      RESPECT_RETURN_IF_ERROR(CheckBounds(static_cast<double>(x), d, w));
      *v = static_cast<int>(x);
      return Status::Ok();
    }));
    ref(*c) = out;
    return Status::Ok();
  };
  d.show = [ref](const Config& c) { return JoinList(ref(const_cast<Config&>(c)), [](int v) { return std::to_string(v); }); };
  return d;
}

// A mapping of names to integers in [lo, hi] (constraints.pin: node name ->
// stage), replaced whole by each setting; `{}` is none. Shown as a YAML
// flow mapping with quoted names.
KeyDef NameIntMap(std::string key, std::map<std::string, int>& (*ref)(Config&), double lo, double hi,
                  std::string help) {
  KeyDef d{key, "mapping", lo, hi, nullptr, std::move(help), nullptr, nullptr};
  d.set = [ref, d](Config* c, const YAML::Node& n, const std::string& w) {
    if (!n.IsMap()) return Status::Invalid(w + ": expected a mapping {name: integer, ...}");
    std::map<std::string, int> out;
    for (const auto& kv : n) {
      std::string name;
      RESPECT_RETURN_IF_ERROR(ScalarString(kv.first, w, &name));
      const std::string wn = w + ": '" + name + "'";
      int64_t x = 0;
      RESPECT_RETURN_IF_ERROR(ScalarInt(kv.second, wn, &x));
      RESPECT_RETURN_IF_ERROR(CheckBounds(static_cast<double>(x), d, wn));
      if (!out.emplace(name, static_cast<int>(x)).second) return Status::Invalid(wn + " is given twice");
    }
    ref(*c) = std::move(out);
    return Status::Ok();
  };
  d.show = [ref](const Config& c) {
    std::string s;
    for (const auto& [name, v] : ref(const_cast<Config&>(c))) {
      std::string quoted = "\"";
      for (char ch : name) quoted += (ch == '"' || ch == '\\') ? std::string("\\") + ch : std::string(1, ch);
      s += (s.empty() ? "" : ", ") + quoted + "\": " + std::to_string(v);
    }
    return "{" + s + "}";
  };
  return d;
}

// "head: auto = help; cbc_main = help; ...": a choice key's help from its
// registry table.
template <class Rows>
std::string ChoicesHelp(const std::string& head, const Rows& rows) {
  std::string text = head;
  for (size_t i = 0; i < rows.size(); ++i) text += std::string(i ? "; " : ": ") + rows[i].name + " = " + rows[i].help;
  return text;
}

using PinMap = std::map<std::string, int>;  // one type name for REF
#define REF(T, expr) +[](Config& c) -> T& { return c.expr; }
namespace kb = option_bounds;  // bounds the options' Validate() checks too

const std::vector<KeyDef>& Table() {
  static const std::vector<KeyDef> table = {
      NamedId("task", REF(Task, task), NamesOf(TaskChoices), ParseTask, TaskName, "what to run"),
      NameList("model", REF(std::vector<std::string>, models), nullptr, AnyName, SameName,
                 "file.tflite | file.json | file.gml | zoo:NAME | synthetic (a list for compare)"),
      IntList("stages", REF(std::vector<int>, stages), 1, 1024, "pipeline stages (a list for compare)"),
      NameList("methods", REF(std::vector<Method>, methods), NamesOf(MethodChoices), ParseMethod, MethodName,
               "schedulers to run"),
      Choice("objective.kind", [](const Config& c) { return std::string(ToString(c.objective.kind)); },
             [](Config& c, const std::string& v) {
               c.objective.kind = v == "latency" ? ObjectiveKind::kLatency : ObjectiveKind::kMemoryComm;
             },
             {"memory_comm", "latency"}, "objective: max stage memory + comm, or pipeline period"),
      Double("objective.comm_weight", REF(double, objective.comm_weight), 0, 1e12,
             "weight of the summed crossing bytes (memory_comm)"),
      Choice("objective.comm_model", [](const Config& c) { return std::string(ToString(c.objective.comm_model)); },
             [](Config& c, const std::string& v) {
               c.objective.comm_model = v == "edge" ? CommModel::kEdge : CommModel::kTensor;
             },
             {"tensor", "edge"}, "count each crossing tensor once, or every crossing edge"),
      Choice("objective.edge_weight", [](const Config& c) { return std::string(ToString(c.objective.edge_weight)); },
             [](Config& c, const std::string& v) {
               c.objective.edge_weight = v == "indicator" ? EdgeWeight::kIndicator
                                         : v == "unit"    ? EdgeWeight::kUnit
                                                          : EdgeWeight::kTensor;
             },
             {"tensor", "indicator", "unit"},
             "comm_model edge: an edge weighs its bytes (else its producer's output_bytes, else 1), "
             "1 where those bytes are > 0 (ICML'24 LP), or 1"),
      Int("edgetpu.sram_bytes", REF(int64_t, edgetpu.sram_bytes), 0, 1e15, "on-chip parameter cache per device"),
      Double("edgetpu.link_bytes_per_s", REF(double, edgetpu.link_bytes_per_s), 1, 1e15, "inter-stage link bandwidth (latency objective)"),
      Double("edgetpu.offchip_bytes_per_s", REF(double, edgetpu.offchip_bytes_per_s), 1, 1e15,
             "host-to-device parameter streaming bandwidth"),
      Double("edgetpu.macs_per_s", REF(double, edgetpu.macs_per_s), 1, 1e18, "device compute throughput (latency objective)"),
      Double("edgetpu.segment_overhead_s", REF(double, edgetpu.segment_overhead_s), 0, 1e3,
             "fixed time of one segment's invocation, added to every stage (latency objective)"),
      Bool("edgetpu.activation_spill", REF(bool, edgetpu.activation_spill),
           "latency objective: activations share edgetpu.sram_bytes with the parameters; a stage's activation "
           "peak beyond what its parameters leave is streamed off chip"),
      Bool("constraints.nonempty_stages", REF(bool, constraints.nonempty_stages), "every stage holds an operator node (graph boundary nodes do not count)"),
      Bool("constraints.children_same_stage", REF(bool, constraints.children_same_stage),
           "all consumers of a tensor in one stage"),
      Int("constraints.max_stage_param_bytes", REF(int64_t, constraints.max_stage_param_bytes), 0, 1e15,
          "hard cap on a stage's parameter bytes (0 = none)"),
      Int("constraints.max_stage_activation_bytes", REF(int64_t, constraints.max_stage_activation_bytes), 0, 1e15,
          "hard cap on a stage's peak of live activation bytes, its nodes run in topological order (0 = none; "
          "every method keeps it)"),
      NameIntMap("constraints.pin", REF(PinMap, constraints.pin), 0, 1023,
                 "fix nodes to stages: {node name (or id): stage, ...}; every method keeps them; a name no node "
                 "has, a stage past the last, or pins against the edges or the non-empty stages are refused"),
      Double("solver.time_limit_s", REF(double, solver.time_limit_s), 0.001, 1e7,
             "wall-clock limit per method and problem (exact, two_phase; bounds dp_topo and rl splits); the schedule task counts reading the model against the first method's"),
      Int("solver.threads", REF(int, solver.threads), kb::kThreads.min, kb::kThreads.max, "solver threads"),
      Double("solver.relative_gap", REF(double, solver.relative_gap), kb::kRelativeGap.min, kb::kRelativeGap.max, "stop when (incumbent - bound) / incumbent is at most this"),
      Bool("solver.verbose", REF(bool, solver.verbose), "print the solver's log"),
      Bool("solver.progress", REF(bool, solver.progress),
           "show elapsed time, incumbent, bound and gap on stderr while an exact solve runs (from its first second)"),
      String("solver.write_lp", REF(std::string, solver.write_lp), {},
             "write each exact model to this .lp/.mps path (\"\" = no); when exact returns its start without "
             "building the model (large graphs: full_model_skipped), that start's model is built after the search "
             "only to be written, so the run takes the writing time longer"),
      String("solver.write_mip_start", REF(std::string, solver.write_mip_start), {},
             "with solver.write_lp: write the MIP start exact gives Cbc to this .mst/.sol path, every column "
             "of that model by its name, for `cbc MODEL.lp mipstart FILE` (\"\" = no; none without a start)"),
      NamedId("solver.engine", REF(ExactEngine, solver.engine), NamesOf(EngineChoices), ParseEngine, EngineName,
             ChoicesHelp("exact engine", EngineChoices())),
      NamedId("solver.start", REF(StartChoice, solver.start), NamesOf(StartChoices), ParseStart, StartName,
             ChoicesHelp("exact's MIP start", StartChoices())),
      Bool("solver.incumbent_windows", REF(bool, solver.incumbent_windows),
           "keep only node stages that a schedule as good as the MIP start allows"),
      Bool("solver.cut_bound", REF(bool, solver.cut_bound),
           "memory_comm: bound exact runs by minimum cuts of down-sets for each peak (a tenth of the limit, "
           "at most 0.5 s, until the bound stops rising; or beside the start search on its own thread)"),
      Bool("solver.cut_bound_ilp", REF(bool, solver.cut_bound_ilp),
           "close the cut bound's weight bands by small Cbc ILPs where its chain runs (far above the "
           "Lagrangian band bounds mid-graph)"),
      NamedId("policy.window_engine", REF(ExactEngine, policy.window_engine), NamesOf(EngineChoices), ParseEngine,
              EngineName,
             "engine closing the two-phase windows (as solver.engine)"),
      String("policy.weights", REF(std::string, policy.weights), {},
             "policy weights file, 'default' (shipped), or 'random' (every network randomly initialised, seed policy.seed)"),
      String("policy.windows", REF(std::string, policy.windows), {"uniform", "learned"},
             "two-phase windows: uniform (policy.window around every node) | learned (learned LNS: the window "
             "network opens small windows where it is unsure, a fresh neighbourhood every round)"),
      String("policy.window_weights", REF(std::string, policy.window_weights), {},
             "window network weights file, 'default' (shipped; 'random' when policy.weights is random), or 'random'"),
      Int("policy.seed", REF(int, policy.seed), 0, 2147483647, "seed of the random networks (policy.weights: random)"),
      Double("policy.window_budget", REF(double, policy.window_budget), kb::kWindowBudget.min, kb::kWindowBudget.max,
             "learned windows: the share of the uniform windows' free binaries they may spend"),
      Int("policy.window_group", REF(int, policy.window_group), kb::kWindowGroup.min, kb::kWindowGroup.max,
          "learned windows: the most nodes one connected group of open windows may hold (0: no cap)"),
      Int("policy.window", REF(int, policy.window), kb::kWindow.min, kb::kWindow.max, "two-phase slack around the coarse stage"),
      Int("policy.max_widen", REF(int, policy.max_widen), kb::kMaxWiden.min, kb::kMaxWiden.max, "two-phase widening rounds"),
      Bool("policy.certify", REF(bool, policy.certify), "two-phase: prove the result on the full ILP"),
      String("policy.decode", REF(std::string, policy.decode), {"greedy", "sample", "beam"}, "how the policy emits orders: one greedy, policy.samples sampled, or a beam of policy.beam_width"),
      Int("policy.beam_width", REF(int, policy.beam_width), kb::kBeamWidth.min, kb::kBeamWidth.max, "beam width (decode: beam)"),
      Int("policy.samples", REF(int, policy.samples), kb::kSamples.min, kb::kSamples.max, "samples (decode: sample)"),
      Double("policy.sample_time_s", REF(double, policy.sample_time_s), kb::kSampleTimeS.min, kb::kSampleTimeS.max,
             "decode sample: keep sampling until this many seconds are spent (0 = policy.samples only)"),
      Int("synthetic.nodes", REF(int, synthetic.nodes), 2, 1e7, "nodes per synthetic graph"),
      Int("synthetic.levels_min", REF(int, synthetic.levels_min), 2, 1e7, "fewest levels (longest path, in nodes)"),
      Int("synthetic.levels_max", REF(int, synthetic.levels_max), 2, 1e7, "most levels (longest path, in nodes)"),
      Int("synthetic.max_in_degree", REF(int, synthetic.max_in_degree), 1, 64, "largest number of parents of a node"),
      Int("synthetic.count", REF(int, synthetic.count), 1, 1e6, "graphs for model: synthetic"),
      Int("synthetic.seed", REF(uint64_t, synthetic.seed), 0, 1.8e19, "sampler seed"),
      String("synthetic.family", REF(std::string, synthetic.family), {"layered", "dnn"},
             "random layered DAGs, or DNN-shaped block chains"),
      String("label.dataset", REF(std::string, label.dataset), {}, "label dataset file (appended; \"\" = <output.dir>/labels.bin)"),
      Int("label.count", REF(int, label.count), 1, 1e8, "labels wanted in the dataset"),
      Int("label.nodes", REF(int, label.nodes), 2, 1e5, "nodes per labelled graph"),
      Int("label.stages_min", REF(int, label.stages_min), 1, 1024, "fewest stages of a labelled problem (drawn per label)"),
      Int("label.stages_max", REF(int, label.stages_max), 1, 1024, "most stages of a labelled problem (drawn per label)"),
      Int("label.degree_min", REF(int, label.degree_min), 1, 64, "smallest max in-degree"),
      Int("label.degree_max", REF(int, label.degree_max), 1, 64, "largest max in-degree"),
      Int("label.workers", REF(int, label.workers), 0, 1024, "worker threads per rank (0 = all cores, shared by the ranks on a machine)"),
      Int("label.seed", REF(uint64_t, label.seed), 0, 1.8e19, "sampler seed"),
      Bool("label.resume", REF(bool, label.resume), "continue an interrupted dataset"),
      String("train.dataset", REF(std::string, train.dataset), {}, "label dataset to train on (\"\" = label.dataset)"),
      String("train.checkpoint_dir", REF(std::string, train.checkpoint_dir), {}, "checkpoints and curve (\"\" = <output.dir>/train)"),
      String("train.weights_out", REF(std::string, train.weights_out), {}, "trained weights file, written when training ends (\"\" = <checkpoint_dir>/policy.rspw)"),
      Int("train.epochs", REF(int, train.epochs), 1, 1e6, "REINFORCE epochs"),
      Int("train.batch_size", REF(int, train.batch_size), 1, 1e6, "graphs per update"),
      Double("train.learning_rate", REF(double, train.learning_rate), 1e-9, 1, "Adam step size"),
      Double("train.grad_clip", REF(double, train.grad_clip), 0, 1e9, "global gradient-norm clip (0 = off)"),
      Int("train.hidden", REF(int, train.hidden), 4, 4096, "hidden size of a new network"),
      Int("train.holdout", REF(int, train.holdout), 0, 1e7, "held-out labels for the baseline test"),
      Int("train.supervised_epochs", REF(int, train.supervised_epochs), 0, 1e6, "cross-entropy warm-start epochs"),
      Int("train.seed", REF(uint64_t, train.seed), 0, 1.8e19, "training seed"),
      Bool("train.resume", REF(bool, train.resume), "continue from the last checkpoint"),
      String("train.reward", REF(std::string, train.reward), {"cost", "cosine"},
             "cost: split objective of the sampled order; cosine: label-sequence similarity"),
      Int("train.rollouts", REF(int, train.rollouts), 2, 1024, "cost reward: sampled orders per graph"),
      IntList("train.curriculum", REF(std::vector<int>, train.curriculum), 2, 1e5,
              "cost reward: generated training graph sizes, small to large (empty: the dataset's graphs)"),
      Int("train.graphs_per_size", REF(int, train.graphs_per_size), 1, 1e7, "cost reward: graphs per curriculum size"),
      String("train.family", REF(std::string, train.family), {"layered", "dnn", "mixed"},
             "cost reward: family of the generated graphs"),
      Int("train.stages_min", REF(int, train.stages_min), 1, 1024, "cost reward: fewest stages of a generated graph"),
      Int("train.stages_max", REF(int, train.stages_max), 1, 1024, "cost reward: most stages of a generated graph"),
      Bool("train.dynamic", REF(bool, train.dynamic), "a new network uses step features in its pointer"),
      String("train.init_weights", REF(std::string, train.init_weights), {},
             "start from this weights file (fine-tuning; its network size is kept); \"\" = a new network"),
      Int("train.threads", REF(int, train.threads), 1, 256,
          "cost reward: threads per rank (reproducible for a given ranks x threads)"),
      String("deploy.schedule", REF(std::string, deploy.schedule), {},
             "schedule JSON to deploy (\"\" = schedule now: with the method when `methods` names one, else with exact)"),
      Bool("deploy.run_check", REF(bool, deploy.run_check), "run the CPU reference pipeline check"),
      Int("deploy.runs", REF(int, deploy.runs), 1, 1e6, "inferences for the pipeline check"),
      String("calibrate.measurements", REF(std::string, calibrate.measurements), {},
             "task calibrate: CSV of measured segment times (docs/formats.md), required"),
      String("calibrate.output", REF(std::string, calibrate.output), {},
             "task calibrate: the fitted edgetpu.* keys as YAML (\"\" = <output.dir>/calibrated.yaml)"),
      String("output.dir", REF(std::string, output_dir), {}, "output directory (created)"),
  };
  return table;
}
#undef REF

const KeyDef* FindKey(const std::string& key) {
  for (const KeyDef& d : Table())
    if (d.key == key) return &d;
  return nullptr;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::string> KeyNames() {
  std::vector<std::string> names;
  for (const KeyDef& d : Table()) names.push_back(d.key);
  return names;
}

std::string Suggest(const std::string& key) {
  const std::string best = NearestName(key, KeyNames());
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

bool IsSection(const std::string& prefix) {
  for (const KeyDef& d : Table())
    if (d.key.compare(0, prefix.size() + 1, prefix + ".") == 0) return true;
  return false;
}

// `where` is "file:line" or "command line"; messages read
// "<where>: key '<key>': <problem>".
Status SetKey(Config* c, const std::string& key, const YAML::Node& value, const std::string& where) {
  const KeyDef* d = FindKey(key);
  if (!d) return Status::Invalid(where + ": unknown key '" + key + "'" + Suggest(key));
  const std::string w = where + ": key '" + key + "'";
  if (!value.IsDefined() || value.IsNull()) return Status::Invalid(w + " has no value");
  return d->set(c, value, w);
}

// Ignores every event: only the number of documents matters.
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// The documents of `text`, counted up to 2. Not YAML::LoadAll: on some
// malformed input (stray ']' after NUL bytes) yaml-cpp 0.7 reports empty
// documents forever without consuming anything (found by the config_yaml
// fuzzer; tests/fuzz/regressions/config_yaml/loadall_endless.yaml).
int CountYamlDocuments(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentCounter counter;
  int n = 0;
  while (n < 2 && parser.HandleNextDocument(counter)) ++n;
  return n;
}

// yaml-cpp shares aliased nodes, so a self-referencing alias (`&a {x: *a}`)
// is a cycle and ten aliases per level grow tenfold per level when walked.
// Before any other walk, the document is visited once with a budget: at most
// kMaxYamlDepth levels and kMaxYamlNodes node visits (aliases counted each
// time they are reached), else one line naming the problem.
constexpr int kMaxYamlDepth = 32;
constexpr int64_t kMaxYamlNodes = 100000;

Status CheckYamlShape(const YAML::Node& node, int depth, int64_t* visits, const std::string& origin) {
  if (++*visits > kMaxYamlNodes)
    return Status::Invalid(origin + ": the YAML expands to more than " + std::to_string(kMaxYamlNodes) +
                           " nodes (an alias bomb?)");
  if (depth > kMaxYamlDepth)
    return Status::Invalid(origin + ":" + std::to_string(node.Mark().line + 1) + ": the YAML nests deeper than " +
                           std::to_string(kMaxYamlDepth) + " levels (a self-referencing alias?)");
  if (node.IsMap()) {
    for (const auto& kv : node) {
      RESPECT_RETURN_IF_ERROR(CheckYamlShape(kv.first, depth + 1, visits, origin));
      RESPECT_RETURN_IF_ERROR(CheckYamlShape(kv.second, depth + 1, visits, origin));
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) RESPECT_RETURN_IF_ERROR(CheckYamlShape(item, depth + 1, visits, origin));
  }
  return Status::Ok();
}

Status CheckYamlShape(const YAML::Node& root, const std::string& origin) {
  int64_t visits = 0;
  return CheckYamlShape(root, 0, &visits, origin);
}

// yaml-cpp keeps every pair of a mapping, so a repeated key would silently
// let the last one win; refuse it, naming both lines. Keys are compared by
// their full dotted name, so `solver: {time_limit_s: 1}` and
// `solver.time_limit_s: 2` collide too.
Status CheckDuplicateKeys(const YAML::Node& map, const std::string& prefix, const std::string& origin,
                          std::map<std::string, int>* line_of) {
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) continue;
    const std::string key = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
    const int line = kv.first.Mark().line + 1;
    // A section is recorded as "key/" so that it only collides with itself.
    auto [it, fresh] = line_of->emplace(kv.second.IsMap() ? key + "/" : key, line);
    if (!fresh)
      return Status::Invalid(origin + ":" + std::to_string(line) + ": key '" + key + "' is repeated (first at line " +
                             std::to_string(it->second) + ")");
    if (kv.second.IsMap()) RESPECT_RETURN_IF_ERROR(CheckDuplicateKeys(kv.second, key, origin, line_of));
  }
  return Status::Ok();
}

Status Walk(Config* c, const YAML::Node& map, const std::string& prefix, const std::string& origin) {
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) return Status::Invalid(origin + ": a key must be a plain name");
    const std::string key = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
    const std::string where = origin + ":" + std::to_string(kv.first.Mark().line + 1);
    if (IsSection(key)) {
      if (!kv.second.IsMap())
        return Status::Invalid(where + ": key '" + key + "' must be a mapping of its sub-keys");
      RESPECT_RETURN_IF_ERROR(Walk(c, kv.second, key, origin));
    } else {
      RESPECT_RETURN_IF_ERROR(SetKey(c, key, kv.second, where));
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<Config> ParseConfig(const std::string& text, const std::string& origin) {
  Config c;
  c.config_path = origin;
  YAML::Node root;
  try {
    root = YAML::Load(text);
    // A second document would be ignored silently by YAML::Load.
    if (CountYamlDocuments(text) > 1)
      return Status::Invalid(origin + ": the config holds 2 or more YAML documents ('---'); give one");
  } catch (const YAML::Exception& e) {
    return Status::Invalid(origin + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  // An empty file is almost always a mistake (wrong path, truncated write);
  // running the default job instead would hide it.
  if (root.IsNull()) return Status::Invalid(origin + ": the config is empty (no keys); give at least 'task:' and 'model:'");
  if (!root.IsMap()) return Status::Invalid(origin + ": the top level must be a mapping of keys");
  try {
    RESPECT_RETURN_IF_ERROR(CheckYamlShape(root, origin));
    std::map<std::string, int> line_of;
    RESPECT_RETURN_IF_ERROR(CheckDuplicateKeys(root, "", origin, &line_of));
    RESPECT_RETURN_IF_ERROR(Walk(&c, root, "", origin));
  } catch (const YAML::Exception& e) {
    return Status::Invalid(origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return c;
}

StatusOr<Config> LoadConfigFile(const std::string& path) {
  auto text = ReadTextFile(path, kMaxConfigBytes);
  if (!text.ok()) return text.status();
  return ParseConfig(*text, path);
}

Status ApplyOverride(Config* c, const std::string& key, const std::string& value) {
  YAML::Node node;
  try {
    node = YAML::Load(ListFromCommas(key, value));
  } catch (const YAML::Exception& e) {
    return Status::Invalid("command line: key '" + key + "': cannot parse '" + value + "': " + e.msg);
  }
  if (node.IsNull()) node = YAML::Node(value);  // e.g. an empty string
  try {
    RESPECT_RETURN_IF_ERROR(CheckYamlShape(node, "command line: key '" + key + "'"));
    return SetKey(c, key, node, "command line");
  } catch (const YAML::Exception& e) {
    return Status::Invalid("command line: key '" + key + "': " + e.msg);
  }
}

namespace {

// Ids set in code (past the key table) must be rows of the registry too.
Status CheckChoices(const Config& c) {
  auto none = [](const std::string& key, int id) {
    return Status::Invalid("key '" + key + "': " + std::to_string(id) + " names no row of the registry");
  };
  if (TaskName(c.task).empty()) return none("task", static_cast<int>(c.task));
  for (Method m : c.methods)
    if (MethodName(m).empty()) return none("methods", static_cast<int>(m));
  if (EngineName(c.solver.engine).empty()) return none("solver.engine", static_cast<int>(c.solver.engine));
  if (EngineName(c.policy.window_engine).empty())
    return none("policy.window_engine", static_cast<int>(c.policy.window_engine));
  if (StartName(c.solver.start).empty()) return none("solver.start", static_cast<int>(c.solver.start));
  return Status::Ok();
}

}  // namespace

void ResolveOutputPaths(Config* c) {
  if (c->label.dataset.empty()) c->label.dataset = c->output_dir + "/labels.bin";
  if (c->train.dataset.empty()) c->train.dataset = c->label.dataset;
  if (c->train.checkpoint_dir.empty()) c->train.checkpoint_dir = c->output_dir + "/train";
  if (c->train.weights_out.empty()) c->train.weights_out = c->train.checkpoint_dir + "/policy.rspw";
  if (c->calibrate.output.empty()) c->calibrate.output = c->output_dir + "/calibrated.yaml";
}

Status ValidateConfig(const Config& c) {
  RESPECT_RETURN_IF_ERROR(CheckChoices(c));
  if (c.synthetic.levels_min > c.synthetic.levels_max)
    return Status::Invalid("synthetic.levels_min (" + std::to_string(c.synthetic.levels_min) +
                           ") exceeds synthetic.levels_max (" + std::to_string(c.synthetic.levels_max) + ")");
  if (c.label.stages_min > c.label.stages_max)
    return Status::Invalid("label.stages_min exceeds label.stages_max");
  if (c.train.stages_min > c.train.stages_max)
    return Status::Invalid("train.stages_min exceeds train.stages_max");
  if (c.label.degree_min > c.label.degree_max)
    return Status::Invalid("label.degree_min exceeds label.degree_max");
  if ((c.task == Task::kSchedule || c.task == Task::kDeploy) && c.models.size() != 1)
    return Status::Invalid("key 'model': task " + TaskName(c.task) + " takes one model (lists are for compare)");
  if (c.task == Task::kSchedule && c.stages.size() != 1)
    return Status::Invalid("key 'stages': task schedule takes one stage count (lists are for compare)");
  if (c.output_dir.empty()) return Status::Invalid("key 'output.dir' is empty");
  if (c.objective.comm_model == CommModel::kTensor && c.objective.edge_weight != EdgeWeight::kTensor)
    return Status::Invalid(std::string("key 'objective.edge_weight': ") + ToString(c.objective.edge_weight) +
                           " applies to objective.comm_model edge only (comm_model tensor weighs each tensor by "
                           "its producer's output_bytes)");
  if (c.task == Task::kCalibrate && c.calibrate.measurements.empty())
    return Status::Invalid("key 'calibrate.measurements': task calibrate needs the CSV of measured segment times");
  if (!c.constraints.pin.empty() && (c.task == Task::kLabel || c.task == Task::kTrain))
    return Status::Invalid("key 'constraints.pin': task " + TaskName(c.task) +
                           " generates its own graphs, which have none of the pinned nodes");
  if (!c.solver.write_mip_start.empty() && c.solver.write_lp.empty())
    return Status::Invalid("key 'solver.write_mip_start' needs solver.write_lp (the start names that model's columns)");
  return Status::Ok();
}

namespace {

// "[min, max]", "a|b|c" or "" for a key without bounds.
std::string RangeText(const KeyDef& d, const std::string& sep) {
  if (d.choices) {
    std::string range;
    for (const auto& ch : d.choices()) range += (range.empty() ? "" : sep) + ch;
    return range;
  }
  if (d.min == kNoMin && d.max == kNoMax) return "";
  return "[" + (d.min == kNoMin ? std::string("-inf") : Num(d.min)) + ", " +
         (d.max == kNoMax ? std::string("inf") : Num(d.max)) + "]";
}

std::string DefaultText(const KeyDef& d, const Config& defaults) {
  const std::string v = d.show(defaults);
  return v.empty() ? "\"\"" : v;
}

}  // namespace

std::string ConfigHelp() {
  Config defaults;
  // The description column starts two spaces after the longest option name,
  // so no name runs into its description.
  size_t width = 0;
  for (const KeyDef& d : Table()) width = std::max(width, d.key.size());
  std::ostringstream os;
  for (const KeyDef& d : Table()) {
    std::string head = "  --" + d.key;
    head.resize(4 + width + 2, ' ');
    const std::string range = RangeText(d, "|");
    os << head << d.help << "  (" << d.type << ", default " << DefaultText(d, defaults)
       << (range.empty() ? "" : ", " + range) << ")\n";
  }
  return os.str();
}

namespace {

// A table cell: a '|' would end the cell in GitHub Markdown.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

// "`a`, `b`" for choices, else the bounds, else "".
std::string AllowedCell(const KeyDef& d) {
  if (!d.choices) return Cell(RangeText(d, ""));
  std::string out;
  for (const auto& ch : d.choices()) out += (out.empty() ? "`" : ", `") + ch + "`";
  return out;
}

// The section a key is listed under: its prefix, or the top level.
std::string SectionOf(const std::string& key) {
  const size_t dot = key.find('.');
  return dot == std::string::npos ? "" : key.substr(0, dot);
}

}  // namespace

std::string ConfigReferenceMarkdown() {
  Config defaults;
  std::ostringstream os;
  os << "# Config reference\n\n"
     << "<!-- Generated by `respect-opt --config-reference` from the key table in src/config/config.cpp.\n"
     << "     Do not edit: regenerate with `build/respect-opt --config-reference > docs/config.md`.\n"
     << "     A unit test (config_test) fails when this file and the table disagree. -->\n\n"
     << "Every key below can be given three ways, later ones winning:\n\n"
     << "1. in the YAML config (`respect-opt --config run.yaml`; without `--config`, the embedded\n"
     << "   `configs/quickstart.yaml`), nested (`solver: {time_limit_s: 60}`) or one level per line;\n"
     << "2. `--set KEY=VALUE` (repeatable);\n"
     << "3. `--KEY VALUE`, e.g. `--stages 6 --solver.time_limit_s 60`; a list is one YAML value:\n"
     << "   `--stages [4,5,6]`.\n\n"
     << "Values are parsed as YAML. An unknown key, a wrong type or a value out of bounds stops the run\n"
     << "with one line naming the key (and the nearest known key for a misspelling), exit code 2.\n"
     << "Units are in the names: `_bytes`, `_s` (seconds), `_bytes_per_s`. Relative paths (`model`, `output.dir`,\n"
     << "`deploy.schedule`, ...) are taken from the directory respect-opt runs in, not from the config file's: the\n"
     << "configs in `configs/` are meant to be run from the top of the checkout.\n\n"
     << "The defaults below are for keys a config leaves out. A run without `--config` takes the embedded\n"
     << "`configs/quickstart.yaml`, which sets `methods: [heuristic, exact, rl, two_phase]` (its other keys keep\n"
     << "their defaults; `--help` lists what it sets); `respect-opt MODEL` without `--config` schedules MODEL\n"
     << "with `methods: [exact]`.\n";
  std::string section = "-";
  for (const KeyDef& d : Table()) {
    const std::string sec = SectionOf(d.key);
    if (sec != section) {
      section = sec;
      os << "\n## " << (sec.empty() ? std::string("Top level") : "`" + sec + "`") << "\n\n"
         << "| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n";
    }
    os << "| `" << d.key << "` | " << d.type << " | `" << Cell(DefaultText(d, defaults)) << "` | "
       << AllowedCell(d) << " | " << Cell(d.help) << " |\n";
  }
  return os.str();
}

std::vector<std::string> ConfigKeys() { return KeyNames(); }

std::pair<double, double> KeyBounds(const std::string& key) {
  const KeyDef* d = FindKey(key);
  if (!d) return {kNoMin, kNoMax};
  return {d->min, d->max};
}

std::vector<std::pair<std::string, std::string>> KeysDifferingFromDefaults(const Config& config) {
  const Config defaults;
  std::vector<std::pair<std::string, std::string>> out;
  for (const KeyDef& d : Table()) {
    std::string v = d.show(config);
    if (v == d.show(defaults)) continue;
    if (d.type.find("list") != std::string::npos) {  // "a,b" -> "[a, b]"
      for (size_t at = v.find(','); at != std::string::npos; at = v.find(',', at + 2)) v.replace(at, 1, ", ");
      v = "[" + v + "]";
    }
    out.emplace_back(d.key, v.empty() ? "\"\"" : v);
  }
  return out;
}

std::string NearestName(const std::string& word, const std::vector<std::string>& names) {
  std::string best;
  size_t best_d = 4;
  for (const std::string& name : names) {
    size_t e = EditDistance(word, name);
    const size_t dot = name.rfind('.');
    if (dot != std::string::npos) e = std::min(e, EditDistance(word, name.substr(dot + 1)) + 1);
    if (e < best_d) {
      best_d = e;
      best = name;
    }
  }
  return best;
}

std::string ListFromCommas(const std::string& key, const std::string& value) {
  const KeyDef* d = FindKey(key);
  if (!d || value.find(',') == std::string::npos) return value;
  const bool list_of_names = d->type == "string or list" && static_cast<bool>(d->choices);
  if (!(list_of_names || d->type == "integer or list")) return value;
  const size_t first = value.find_first_not_of(" \t");
  if (first == std::string::npos || value[first] == '[' || value[first] == '{') return value;
  return "[" + value + "]";
}

}  // namespace respect
