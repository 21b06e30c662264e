#pragma once
// Internal to gpu_runtime (includes the OpenCL C++ bindings): one context, profiling command
// queue and built program per device, built once per process and shared.
#include <CL/opencl.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "gpu_runtime/opencl_device.h"

namespace splitleak::gpu {

struct OpenClContext {
  cl::Device device;
  cl::Context context;
  cl::CommandQueue queue;  // in order, profiling enabled
  cl::Program program;     // gpu_runtime/kernels/*.cl
  std::string device_name;
  // A kernel of the program by name (created once; not for concurrent use).
  cl::Kernel& kernel(const std::string& name);

 private:
  std::map<std::string, cl::Kernel> kernels_;
};

// The context of `choice` (choice.opencl must be true). Throws Error (BadInput, so exit 2) when
// there is no OpenCL platform, the device does not exist, or the kernels fail to build (with
// the build log).
std::shared_ptr<OpenClContext> opencl_context(const DeviceChoice& choice);

// "clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES (-5)" from an OpenCL C++ exception.
std::string describe(const cl::Error& e);

}  // namespace splitleak::gpu
