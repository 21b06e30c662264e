#pragma once
// The engine's OpenCL layer (includes the OpenCL C++ bindings: only .cpp files that talk to a
// device include it). One context and in-order, profiling command queue per device, opened once
// per process and shared; programs built once per context by name; every host<->device copy made
// through upload/download, which count them (transfers()).
#include <CL/opencl.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "core/device.h"
#include "core/opencl/memory.h"

namespace splitleak::opencl {

class Context {
 public:
  Device where;
  cl::Device device;
  cl::Context context;
  cl::CommandQueue queue;  // in order, profiling enabled
  std::string device_name;

  // The program `name`, built from `source` the first time it is asked for on this context (later
  // calls return it and ignore `source`). Throws Error (BadInput) with the build log when it does
  // not build. Extra options come from $SPLITLEAK_OPENCL_BUILD_OPTIONS.
  cl::Program& program(const std::string& name, const std::string& source);
  // Kernel `kernel` of program `program_name` (built before), created once; not for concurrent use.
  cl::Kernel& kernel(const std::string& program_name, const std::string& kernel);
  // Kernel `kernel` of program `program_name`, building the program from `source` when first used.
  cl::Kernel& kernel(const std::string& program_name, const std::string& source, const std::string& kernel);

  std::atomic<size_t> bytes_in_use{0};  // held by live DeviceBuffers (core/opencl/memory.h)

 private:
  std::map<std::string, cl::Program> programs_;
  std::map<std::pair<std::string, std::string>, cl::Kernel> kernels_;
};

// Device memory of a Storage (core/opencl/memory.h); returns its bytes to the context when freed.
struct DeviceBuffer {
  std::shared_ptr<Context> ctx;
  cl::Buffer buffer;
  size_t floats = 0;
  DeviceBuffer(std::shared_ptr<Context> ctx, size_t floats);
  ~DeviceBuffer();
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
};

// The context of `device` (device.opencl must be true). Throws Error (BadInput, so exit 2) when
// there is no OpenCL platform or the device does not exist.
std::shared_ptr<Context> context(const Device& device);

// "clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES (-5)" from an OpenCL C++ exception.
std::string describe(const cl::Error& e);

// Host<->device copies made through this layer since the process started (all threads).
struct Transfers {
  int64_t uploads = 0, downloads = 0;
  int64_t bytes_uploaded = 0, bytes_downloaded = 0;
};
Transfers transfers();

// A new read-only buffer holding `bytes` bytes copied from `data` (counted as one upload).
cl::Buffer upload_buffer(Context& ctx, const void* data, size_t bytes);
// Enqueued copies of `bytes` bytes at `offset` bytes into the buffer (non-blocking: `event`
// completes when done), each counted.
void upload(Context& ctx, const cl::Buffer& to, const void* from, size_t bytes, cl::Event* event = nullptr,
            size_t offset = 0);
void download(Context& ctx, const cl::Buffer& from, void* to, size_t bytes, cl::Event* event = nullptr,
              size_t offset = 0);

}  // namespace splitleak::opencl
