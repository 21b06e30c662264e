#pragma once
// Where the engine computes: the CPU, or an OpenCL device named as splitleak names them
// everywhere (`--device`, `runtime.*.device`): `cpu`, `opencl` (platform 0, device 0) or
// `opencl:P:D`. A value type; it opens nothing (core/opencl/context.h does).
#include <string>

namespace splitleak {

struct Device {
  bool opencl = false;  // false: the CPU engine
  int platform = 0, device = 0;
  std::string spec() const;  // "cpu" or "opencl:P:D"
  bool operator==(const Device&) const = default;
};

// Throws Error naming the spec when it is not cpu, opencl or opencl:P:D (P, D >= 0).
Device parse_device(const std::string& spec);

}  // namespace splitleak
