#include "gpu_runtime/opencl_device.h"

#include <CL/opencl.hpp>

#include "core/error.h"

namespace splitleak::gpu {

std::vector<OpenClDeviceInfo> list_opencl_devices() {
  std::vector<OpenClDeviceInfo> out;
  std::vector<cl::Platform> platforms;
  try {
    cl::Platform::get(&platforms);
  } catch (const cl::Error&) {
    return out;  // CL_PLATFORM_NOT_FOUND_KHR: no ICD installed
  }
  for (size_t p = 0; p < platforms.size(); ++p) {
    std::vector<cl::Device> devices;
    try {
      platforms[p].getDevices(CL_DEVICE_TYPE_ALL, &devices);
    } catch (const cl::Error&) {
      continue;  // a platform without devices
    }
    for (size_t d = 0; d < devices.size(); ++d) {
      OpenClDeviceInfo i;
      i.platform = static_cast<int>(p), i.device = static_cast<int>(d);
      i.platform_name = platforms[p].getInfo<CL_PLATFORM_NAME>();
      i.platform_version = platforms[p].getInfo<CL_PLATFORM_VERSION>();
      i.name = devices[d].getInfo<CL_DEVICE_NAME>();
      i.version = devices[d].getInfo<CL_DEVICE_VERSION>();
      const cl_device_type t = devices[d].getInfo<CL_DEVICE_TYPE>();
      i.type = (t & CL_DEVICE_TYPE_GPU) ? "gpu" : (t & CL_DEVICE_TYPE_CPU) ? "cpu" : "accelerator";
      i.compute_units = devices[d].getInfo<CL_DEVICE_MAX_COMPUTE_UNITS>();
      i.global_memory_bytes = static_cast<int64_t>(devices[d].getInfo<CL_DEVICE_GLOBAL_MEM_SIZE>());
      i.max_allocation_bytes = static_cast<int64_t>(devices[d].getInfo<CL_DEVICE_MAX_MEM_ALLOC_SIZE>());
      i.clock_mhz = devices[d].getInfo<CL_DEVICE_MAX_CLOCK_FREQUENCY>();
      out.push_back(std::move(i));
    }
  }
  return out;
}

}  // namespace splitleak::gpu
