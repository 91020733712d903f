// Task `devices`: lists Coral USB Accelerators (libusb) or says clearly that
// there are none; see src/deploy/devices.h.
#include <iostream>

#include "app/tasks.h"
#include "deploy/deploy.h"

namespace respect {

Status RunDevicesTask(const Config& config) {
  (void)config;
  return ListDevices(std::cout);
}

}  // namespace respect
