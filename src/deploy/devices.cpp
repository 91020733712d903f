#include "deploy/devices.h"

#include <libusb.h>

#include <cstdio>
#include <sstream>

namespace respect {

bool IsCoralUsbId(uint16_t vendor_id, uint16_t product_id, bool* firmware_loaded, std::string* description) {
  bool loaded;
  const char* desc;
  if (vendor_id == 0x1a6e && product_id == 0x089a) {
    loaded = false;
    desc = "Global Unichip Corp. (Coral USB Accelerator, firmware not loaded)";
  } else if (vendor_id == 0x18d1 && product_id == 0x9302) {
    loaded = true;
    desc = "Google Inc. (Coral USB Accelerator, firmware loaded)";
  } else {
    return false;
  }
  if (firmware_loaded) *firmware_loaded = loaded;
  if (description) *description = desc;
  return true;
}

DeviceScan ScanCoralDevices() {
  DeviceScan scan;
  libusb_context* ctx = nullptr;
  int rc = libusb_init(&ctx);
  if (rc != 0) {
    scan.usb_error = std::string("libusb_init failed: ") + libusb_error_name(rc);
    return scan;
  }
  libusb_device** list = nullptr;
  const ssize_t n = libusb_get_device_list(ctx, &list);
  if (n < 0) {
    scan.usb_error = std::string("cannot list USB devices: ") + libusb_error_name(static_cast<int>(n));
    libusb_exit(ctx);
    return scan;
  }
  scan.usb_ok = true;
  scan.usb_devices_seen = static_cast<int>(n);
  for (ssize_t i = 0; i < n; ++i) {
    libusb_device* dev = list[i];
    libusb_device_descriptor d{};
    if (libusb_get_device_descriptor(dev, &d) != 0) continue;
    CoralDevice c;
    if (!IsCoralUsbId(d.idVendor, d.idProduct, &c.firmware_loaded, &c.description)) continue;
    c.vendor_id = d.idVendor;
    c.product_id = d.idProduct;
    c.bus = libusb_get_bus_number(dev);
    c.address = libusb_get_device_address(dev);
    uint8_t ports[8];
    const int np = libusb_get_port_numbers(dev, ports, sizeof(ports));
    c.port_path = std::to_string(c.bus);
    for (int p = 0; p < np; ++p) c.port_path += (p == 0 ? "-" : ".") + std::to_string(ports[p]);
    scan.corals.push_back(c);
  }
  libusb_free_device_list(list, 1);
  libusb_exit(ctx);
  return scan;
}

std::string FormatDeviceScan(const DeviceScan& scan) {
  std::ostringstream os;
  if (!scan.usb_ok) {
    os << "USB not available (" << scan.usb_error << "); cannot look for Coral USB Accelerators.\n";
    os << "No Coral USB Accelerator found.\n";
    return os.str();
  }
  char id[16];
  for (size_t i = 0; i < scan.corals.size(); ++i) {
    const CoralDevice& c = scan.corals[i];
    std::snprintf(id, sizeof(id), "%04x:%04x", c.vendor_id, c.product_id);
    os << "coral " << i << ": usb " << id << " bus " << c.bus << " port " << c.port_path << " address "
       << c.address << " - " << c.description << "\n";
  }
  if (scan.corals.empty())
    os << "No Coral USB Accelerator found (" << scan.usb_devices_seen
       << " USB device(s) seen; looking for 1a6e:089a before firmware load, 18d1:9302 after).\n";
  else
    os << scan.corals.size() << " Coral USB Accelerator(s) found.\n";
  return os.str();
}

}  // namespace respect
