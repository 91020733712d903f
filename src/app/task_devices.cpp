// Task `devices`: lists Coral USB Accelerators (libusb), or says clearly that
// there are none. Always succeeds: having no device is an answer, not an error.
#include <iostream>

#include "app/tasks.h"
#include "deploy/devices.h"

namespace respect {

Status RunDevicesTask(const Config& config) {
  (void)config;
  std::cout << FormatDeviceScan(ScanCoralDevices());
  return Status::Ok();
}

}  // namespace respect
