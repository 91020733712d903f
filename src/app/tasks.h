// One function per task of `respect-opt`. Each returns a Status; main() turns
// it into an exit code (invalid input / io / infeasible -> 2, internal -> 1).
// Each task lives in its own src/app/task_<name>.cpp.
//
// The label, train and calibrate tasks are split in two: a *Job function that
// does the work, writes the task's files and reports to a TaskOutput, and
// returns what it did as a value (the Python API, python/respect_opt.cpp,
// turns that value into Python objects); Run*Task is the job with the CLI's
// streams. So the CLI and the API run the same code and cannot drift.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "calibrate/calibrate.h"
#include "config/config.h"
#include "core/status.h"
#include "core/stop_token.h"
#include "label/label_gen.h"

namespace respect {

// Where a job reports: `out` gets the lines the CLI prints on stdout,
// `warnings` those it prints on stderr; progress bars (core/progress.h) go
// to the process's stderr when `progress` is set.
struct TaskOutput {
  std::ostream& out;
  std::ostream& warnings;
  bool progress = true;
};

// Task label: fills config.label.dataset up to label.count exact labels
// (resuming with label.resume), creating its folder; prints one summary line
// (rank 0 only under mpirun). Returns GenerateLabels' counts.
StatusOr<LabelRunStats> LabelJob(const Config& config, const TaskOutput& io);

// Task train: what a finished training run wrote and how it went.
struct TrainOutcome {
  std::string weights_out;       // the best held-out weights (docs/formats.md "Weights file")
  std::string checkpoint_dir;    // checkpoint.rspc, best_so_far.rspw and curve.csv
  std::string curve_path;        // <checkpoint_dir>/curve.csv, one row per epoch (resumed runs' too)
  std::string reward;            // train.reward: cost | cosine
  bool generated = false;        // trained on generated graphs (a cost curriculum), not on labels
  size_t train_examples = 0, holdout_examples = 0, imitation_examples = 0;
  double best_holdout = 0;       // best held-out score: dp_topo/J (cost) or the cosine reward
  int epochs_done = 0;           // epochs in total (a resumed run counts the checkpoint's)
};
// Trains the policy on config.train.dataset (or generated graphs), writing
// the checkpoints, the curve and train.weights_out as the CLI does, and
// continuing from the checkpoint with train.resume. Only rank 0 reports
// under mpirun. A holdout that leaves few labels to train on is one line on
// io.warnings.
StatusOr<TrainOutcome> TrainJob(const Config& config, const TaskOutput& io);

// Task calibrate: the measured rows, their terms, the fit, and where the
// fragment went.
struct CalibrationOutcome {
  std::vector<MeasuredSegment> rows;
  std::vector<CalibrationPoint> points;  // one per row
  LatencyFit fit;
  std::string output;                    // calibrate.output, written
};
// Reads calibrate.measurements, fits the edgetpu.* constants, prints the fit
// table, the notes and the error summary, and writes the fragment to
// calibrate.output (its folder created). The model files the CSV names are
// registered as inputs (io/output_guard.h) before anything is written.
StatusOr<CalibrationOutcome> CalibrateJob(const Config& config, const TaskOutput& io);

// Schedule and compare end early once `stop` is requested (main requests
// it at SIGINT / SIGTERM): the method under way returns its best schedule,
// whose table and files are written as usual; the methods after it are
// skipped, said in one line.
Status RunScheduleTask(const Config& config, const StopToken& stop = {});  // task_schedule.cpp
Status RunCompareTask(const Config& config, const StopToken& stop = {});   // task_compare.cpp
Status RunLabelTask(const Config& config);      // task_label.cpp
Status RunTrainTask(const Config& config);      // task_train.cpp
Status RunDeployTask(const Config& config);     // task_deploy.cpp
Status RunDevicesTask(const Config& config);    // task_devices.cpp
Status RunCalibrateTask(const Config& config);  // task_calibrate.cpp

// Before any task (run_paths.cpp): registers every input of the run with the
// output guard (config file, model files, policy weights, deploy schedule,
// train dataset and init weights, calibration CSV), refuses inputs that are
// not regular files, an output.dir that is not a directory or cannot be
// resolved, and fixed output names (weights_out, checkpoints, curve,
// write_lp, label dataset, calibrate.output, compare tables) that name an
// input. `config_path` may be "".
Status CheckRunPaths(const std::string& config_path, const Config& config);

}  // namespace respect
