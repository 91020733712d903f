// Coral USB Accelerators on this machine, found with libusb. A Coral shows
// up as 1a6e:089a ("Global Unichip") until its firmware is loaded by the
// Edge TPU runtime, then re-enumerates as 18d1:9302 ("Google").
// Scanning never fails: a machine without USB access or without devices
// gives an empty list and says why.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace respect {

struct CoralDevice {
  int bus = 0;
  int address = 0;
  std::string port_path;      // "<bus>-<port>.<port>...", as in sysfs
  uint16_t vendor_id = 0;
  uint16_t product_id = 0;
  bool firmware_loaded = false;
  std::string description;    // "Global Unichip (firmware not loaded)" / "Google (ready)"
};

struct DeviceScan {
  bool usb_ok = false;        // libusb initialised and listed devices
  std::string usb_error;      // why not, when !usb_ok
  int usb_devices_seen = 0;
  std::vector<CoralDevice> corals;
};

// Which Coral state a USB id pair is, or false when it is not a Coral.
bool IsCoralUsbId(uint16_t vendor_id, uint16_t product_id, bool* firmware_loaded, std::string* description);

DeviceScan ScanCoralDevices();

// Lines for the user, ending with a clear statement when none is present.
std::string FormatDeviceScan(const DeviceScan& scan);

}  // namespace respect
