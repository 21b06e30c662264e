#pragma once
// OpenCL platforms and devices as `splitleak devices` lists them (names like `opencl:P:D` are
// core/device.h's).
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

}  // namespace splitleak::gpu
