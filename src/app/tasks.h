// One function per task of `respect-opt`. Each returns a Status; main() turns
// it into an exit code (invalid input / io / infeasible -> 2, internal -> 1).
// Each task lives in its own src/app/task_<name>.cpp.
#pragma once

#include "config/config.h"
#include "core/status.h"

namespace respect {

Status RunScheduleTask(const Config& config);   // task_schedule.cpp
Status RunCompareTask(const Config& config);    // task_compare.cpp
Status RunLabelTask(const Config& config);      // task_label.cpp
Status RunTrainTask(const Config& config);      // task_train.cpp
Status RunDeployTask(const Config& config);     // task_deploy.cpp
Status RunDevicesTask(const Config& config);    // task_devices.cpp

}  // namespace respect
