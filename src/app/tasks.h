// One function per task of `respect-opt`. Each returns a Status; main() turns
// it into an exit code (invalid input / io / infeasible -> 2, internal -> 1).
// Each task lives in its own src/app/task_<name>.cpp.
#pragma once

#include "config/config.h"
#include "core/status.h"
#include "core/stop_token.h"

namespace respect {

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
