// One typed config, loaded once from YAML (docs/config.md). Units are in
// the key names. Defaults and bounds live in one table (config.cpp) used for
// loading, command-line overrides, validation and --help. Names chosen from
// the registry (task, methods, engines, start) are held as their ids
// (sched/choice_ids.h), parsed when the config is loaded.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "cost/problem.h"
#include "sched/choice_ids.h"

namespace respect {

struct SolverConfig {
  double time_limit_s = 600.0;
  int threads = 1;
  double relative_gap = 0.0;
  bool verbose = false;
  std::string write_lp;          // write each exact model to this .lp/.mps path ("" = no)
  // Beside write_lp: the MIP start exact gives Cbc, for `cbc LP mipstart
  // FILE` (.mst/.sol; "" = no; ExactOptions::write_mip_start).
  std::string write_mip_start;
  // Exact engine: auto (the lattice DP for a tenth of the limit, at most 0.5 s,
  // then Cbc's direct driver from its incumbent, keeping its bound; CbcMain
  // with threads > 1) | cbc_main | cbc_direct | lattice (the DP on up to 2048
  // nodes for the whole limit, Cbc where its lattice is too large); the rows
  // of sched/engines.h.
  ExactEngine engine = ExactEngine::kAuto;
  // Restrict the exact model (and the two-phase windows) to schedules at
  // least as good as the MIP start (IncumbentWindows in formulations/).
  bool incumbent_windows = true;
  // Raise exact's bound with the cut lower bound (formulations/cut_bound.h)
  // on plain and certifying runs of the memory_comm objective.
  bool cut_bound = true;
  // Close the cut bound's weight bands by small Cbc ILPs where its chain needs them.
  bool cut_bound_ilp = true;
  // exact's MIP start: dp_topo (the best natural-order split) | two_phase
  // (policy + exact windows for four fifths of the limit, 95% above 2,048 nodes, after the lattice share) |
  // auto (two_phase on graphs of 500 nodes or more, else dp_topo).
  StartChoice start = StartChoice::kAuto;
  // A line with elapsed time, incumbent, bound and gap on stderr while an
  // exact solve runs (quiet for solves under 2 s).
  bool progress = true;
};

struct PolicyConfig {
  std::string weights = "default";   // "default" = policy/weights/ shipped file, "random", or a path
  std::string windows = "uniform";   // two-phase windows: uniform | learned
  std::string window_weights = "default";  // window network: "default", "random", or a path
  int seed = 1;                      // seed of the random networks
  double window_budget = 0.25;       // learned windows: share of the uniform windows' free binaries
  int window_group = 8;              // learned windows: largest connected group of open windows (0: no cap)
  int window = 1;                    // two-phase slack w
  int max_widen = 3;                 // two-phase widening rounds
  bool certify = false;              // two-phase: prove against the full ILP
  ExactEngine window_engine = ExactEngine::kAuto;  // engine closing the two-phase windows (as solver.engine)
  std::string decode = "greedy";     // greedy | sample | beam
  int beam_width = 4;
  int samples = 16;
  double sample_time_s = 0;          // decode sample: keep sampling until this budget is spent (0 = `samples` only)
};

struct SyntheticConfig {
  int nodes = 30;
  int levels_min = 10;
  int levels_max = 25;
  int max_in_degree = 4;             // 2..6
  int count = 1;                     // graphs for model: synthetic
  uint64_t seed = 1;
  std::string family = "layered";    // layered | dnn
};

// Output paths left "" are filled by ResolveOutputPaths from output.dir.
struct LabelConfig {
  std::string dataset;               // "" = <output.dir>/labels.bin
  int count = 1000;
  int nodes = 30;
  int stages_min = 4;
  int stages_max = 6;
  int degree_min = 2;
  int degree_max = 6;
  int workers = 0;                   // 0 = all cores
  uint64_t seed = 7;
  bool resume = false;
};

struct TrainConfig {
  std::string dataset;               // "" = label.dataset (as resolved)
  std::string checkpoint_dir;        // "" = <output.dir>/train
  std::string weights_out;           // "" = <checkpoint_dir>/policy.rspw
  int epochs = 20;
  int batch_size = 32;
  double learning_rate = 1e-3;
  double grad_clip = 1.0;
  int hidden = 64;
  int holdout = 200;
  int supervised_epochs = 0;         // cross-entropy warm start epochs
  uint64_t seed = 1;
  bool resume = false;
  std::string reward = "cost";       // cost (split objective of the order) | cosine (label sequences)
  int rollouts = 8;                  // cost: sampled orders per graph (shared mean baseline)
  std::vector<int> curriculum;       // cost: train on generated graphs of these sizes (empty: the dataset's)
  int graphs_per_size = 100;         // cost: generated training graphs per curriculum size
  std::string family = "mixed";      // cost: generated graphs: layered | dnn | mixed
  int stages_min = 2;                // cost: stage counts of generated graphs
  int stages_max = 10;
  bool dynamic = true;               // step features in the pointer logits (a new network)
  int threads = 1;                   // cost reward: training threads (reproducible per count)
  std::string init_weights;          // start from this weights file ("" = a new network)
};

struct DeployConfig {
  std::string schedule;              // a schedule JSON to deploy ("" = schedule now)
  bool run_check = false;            // run the CPU reference pipeline check
  int runs = 1;
};

// task calibrate (docs/formats.md "Calibration CSV"): fit the edgetpu.*
// latency constants to measured per-segment times.
struct CalibrateConfig {
  std::string measurements;          // the CSV of measured segments (required by the task)
  std::string output;                // fitted constants as YAML ("" = <output.dir>/calibrated.yaml)
};

struct Config {
  Task task = Task::kSchedule;       // schedule | compare | label | train | deploy | devices | calibrate
  std::vector<std::string> models = {"zoo:resnet50"};   // key `model`: a string or a list
  std::vector<int> stages = {4};
  std::vector<Method> methods = {Method::kTwoPhase};
  ObjectiveSpec objective;
  EdgeTpuParams edgetpu;
  ScheduleConstraints constraints;
  SolverConfig solver;
  PolicyConfig policy;
  SyntheticConfig synthetic;
  LabelConfig label;
  TrainConfig train;
  DeployConfig deploy;
  CalibrateConfig calibrate;
  std::string output_dir = "out";
  std::string config_path;           // where it was loaded from ("" = defaults)
};

// Parses YAML text into a Config (defaults for absent keys). Unknown keys and
// wrong types are errors naming the key.
StatusOr<Config> ParseConfig(const std::string& yaml_text, const std::string& origin);
StatusOr<Config> LoadConfigFile(const std::string& path);
// Applies one override "dotted.key" = "value" (value parsed as YAML).
Status ApplyOverride(Config* config, const std::string& key, const std::string& value);
// Fills the output paths left "": label.dataset = <output.dir>/labels.bin,
// train.dataset = label.dataset, train.checkpoint_dir = <output.dir>/train,
// train.weights_out = <checkpoint_dir>/policy.rspw, calibrate.output =
// <output.dir>/calibrated.yaml. Call after overrides.
void ResolveOutputPaths(Config* config);
// Cross-key checks (e.g. levels_min <= levels_max, known methods).
Status ValidateConfig(const Config& config);
// One line per key: "key  (type, default, bounds)  help" for --help.
std::string ConfigHelp();
// The key table as Markdown (docs/config.md): how keys are given, then one
// table per section with type, default, bounds or choices, and meaning.
std::string ConfigReferenceMarkdown();
// All dotted keys in the table.
std::vector<std::string> ConfigKeys();
// A numeric key's bounds [min, max] from the table (-inf / inf where it has
// none, and for a key the table does not hold).
std::pair<double, double> KeyBounds(const std::string& key);
// The keys whose value in `config` differs from the default, in table
// order, with the value as --help shows it.
std::vector<std::pair<std::string, std::string>> KeysDifferingFromDefaults(const Config& config);
// The name of `names` nearest to `word` (edit distance under 4, a dotted
// name also by its last part), "" when none is near: for "did you mean".
std::string NearestName(const std::string& word, const std::vector<std::string>& names);
// A command-line value of a list key (stages, methods, train.curriculum)
// written with commas and no brackets, "heuristic,rl" or "4,5,6", as the
// YAML list "[heuristic,rl]"; every other value as it is.
std::string ListFromCommas(const std::string& key, const std::string& value);

}  // namespace respect
