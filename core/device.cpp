#include "core/device.h"

#include <cstdio>

#include "core/error.h"

namespace splitleak {

std::string Device::spec() const {
  return opencl ? "opencl:" + std::to_string(platform) + ":" + std::to_string(device) : "cpu";
}

Device parse_device(const std::string& spec) {
  Device d;
  if (spec == "cpu") return d;
  d.opencl = true;
  if (spec == "opencl") return d;
  int p = -1, q = -1;
  char tail = 0;
  const bool ok = spec.rfind("opencl:", 0) == 0 && std::sscanf(spec.c_str() + 7, "%d:%d%c", &p, &q, &tail) == 2 &&
                  p >= 0 && q >= 0;
  check(ok, "device '" + spec + "': expected cpu, opencl or opencl:PLATFORM:DEVICE (splitleak devices lists them)");
  d.platform = p, d.device = q;
  return d;
}

}  // namespace splitleak
