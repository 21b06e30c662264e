#pragma once
// OpenCL platforms and devices as splitleak names them: `--device cpu` (the core engine),
// `--device opencl` (the first OpenCL device) or `--device opencl:P:D` (platform P, device D).
#include <cstdint>
#include <string>
#include <vector>

namespace splitleak::gpu {

struct OpenClDeviceInfo {
  int platform = 0, device = 0;
  std::string platform_name, platform_version, name, version, type;  // type: gpu, cpu, accelerator
  int64_t compute_units = 0, global_memory_bytes = 0, max_allocation_bytes = 0, clock_mhz = 0;
};

// Every device of every platform; empty when no OpenCL platform is installed.
std::vector<OpenClDeviceInfo> list_opencl_devices();

struct DeviceChoice {
  bool opencl = false;  // false: the CPU engine
  int platform = 0, device = 0;
  std::string spec() const;  // "cpu" or "opencl:P:D"
};

// Throws Error naming the spec when it is not cpu, opencl or opencl:P:D.
DeviceChoice parse_device(const std::string& spec);

}  // namespace splitleak::gpu
