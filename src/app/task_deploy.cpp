// Task `deploy` (docs/design.md "Deploy"): see src/deploy/deploy.h.
#include <iostream>

#include "app/tasks.h"
#include "deploy/deploy.h"

namespace respect {

Status RunDeployTask(const Config& config) { return RunDeploy(config, std::cout, std::cerr); }

}  // namespace respect
