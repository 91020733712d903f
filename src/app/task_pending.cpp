// TEMPORARY: tasks whose implementation is still being written. Weak symbols,
// so the real task_<name>.cpp overrides them as soon as it exists. Each says
// plainly that the task is not available; nothing pretends to work.
#include "app/tasks.h"

namespace respect {

#define RESPECT_PENDING_TASK(fn, name)                                                    \
  __attribute__((weak)) Status fn(const Config&) {                                        \
    return Status::Invalid("task '" name "' is not available in this build yet");          \
  }
RESPECT_PENDING_TASK(RunTrainTask, "train")
RESPECT_PENDING_TASK(RunDeployTask, "deploy")
RESPECT_PENDING_TASK(RunDevicesTask, "devices")
#undef RESPECT_PENDING_TASK

}  // namespace respect
