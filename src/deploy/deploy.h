// The `deploy` and `devices` jobs as library calls (src/app/task_deploy.cpp
// and task_devices.cpp forward here), printing progress to `out`.
//
// RunDeploy: config.models[0] (a .tflite) + a schedule -> one .tflite per
// stage and manifest.yaml in <output.dir>/segments/, then the CPU reference
// check when deploy.run_check is set. The schedule comes from deploy.schedule
// (schedule JSON; "assignment" entries by id = operator index, or by name;
// its "stages" win over `stages`) or, when that is empty, from the
// first of `methods` on stages[0] stages. An Arm NN check that cannot run is
// reported and skipped; outputs that differ fail the task (Internal).
#pragma once

#include <ostream>
#include <string>

#include "config/config.h"
#include "core/status.h"

namespace respect {

Status RunDeploy(const Config& config, std::ostream& out);

// The method that schedules a deploy without deploy.schedule: the one in
// `methods` when it names exactly one, else exact (what the solver proves),
// else the first listed.
Method DeployMethod(const Config& config);

// Lists Coral USB Accelerators; always Ok.
Status ListDevices(std::ostream& out);

}  // namespace respect
