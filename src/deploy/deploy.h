// The `deploy` and `devices` jobs as library calls (src/app/task_deploy.cpp
// and task_devices.cpp forward here), printing progress to `out`.
//
// RunDeploy: config.models[0] (a .tflite) + a schedule -> one .tflite per
// stage and manifest.yaml in <output.dir>/segments/, then the CPU reference
// check when deploy.run_check is set. The schedule comes from deploy.schedule
// (schedule JSON; "assignment" entries by id = operator index, or by name;
// its "stages" win over `stages`) or, when that is empty, from
// DeployMethod(config) on stages[0] stages (the method and why are printed).
// An Arm NN check that cannot run is reported and skipped; outputs that
// differ fail the task (Internal). A float model (FloatModelWarning) is
// deployed with one warning line on `warnings`.
#pragma once

#include <ostream>
#include <string>

#include "config/config.h"
#include "core/status.h"
#include "tflite/tflite_reader.h"

namespace respect {

Status RunDeploy(const Config& config, std::ostream& out, std::ostream& warnings);
// The same with the warnings on `out`.
inline Status RunDeploy(const Config& config, std::ostream& out) { return RunDeploy(config, out, out); }

// The method that schedules a deploy without deploy.schedule: the one in
// `methods` when it names exactly one, else exact (what the solver proves).
// *why (when given) says which of the two rules chose it.
Method DeployMethod(const Config& config, std::string* why = nullptr);

// "" for a quantized model; else one line (no newline) saying the model is
// float (more than half its parameter bytes float32 / float16, not
// quantized) and will not map to an Edge TPU.
std::string FloatModelWarning(const TfliteModelInfo& info);

// Lists Coral USB Accelerators; always Ok.
Status ListDevices(std::ostream& out);

}  // namespace respect
