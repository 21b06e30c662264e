#include "gpu_runtime/opencl_context.h"

#include <cstdlib>

#include "core/error.h"
#include "splitleak/opencl_kernels.h"

namespace splitleak::gpu {
namespace {

const char* status_name(cl_int status) {
  switch (status) {
    case CL_DEVICE_NOT_FOUND: return "CL_DEVICE_NOT_FOUND";
    case CL_OUT_OF_RESOURCES: return "CL_OUT_OF_RESOURCES";
    case CL_OUT_OF_HOST_MEMORY: return "CL_OUT_OF_HOST_MEMORY";
    case CL_MEM_OBJECT_ALLOCATION_FAILURE: return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
    case CL_BUILD_PROGRAM_FAILURE: return "CL_BUILD_PROGRAM_FAILURE";
    case CL_INVALID_VALUE: return "CL_INVALID_VALUE";
    case CL_INVALID_BUFFER_SIZE: return "CL_INVALID_BUFFER_SIZE";
    case CL_INVALID_KERNEL_ARGS: return "CL_INVALID_KERNEL_ARGS";
    case CL_INVALID_WORK_GROUP_SIZE: return "CL_INVALID_WORK_GROUP_SIZE";
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
    default: return "an OpenCL error";
  }
}

}  // namespace

std::string describe(const cl::Error& e) {
  return std::string(e.what()) + " failed: " + status_name(e.err()) + " (" + std::to_string(e.err()) + ")";
}

cl::Kernel& OpenClContext::kernel(const std::string& name) {
  auto it = kernels_.find(name);
  if (it == kernels_.end()) it = kernels_.emplace(name, cl::Kernel(program, name.c_str())).first;
  return it->second;
}

std::shared_ptr<OpenClContext> opencl_context(const DeviceChoice& choice) {
  static std::mutex mutex;
  static std::map<std::pair<int, int>, std::shared_ptr<OpenClContext>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_pair(choice.platform, choice.device);
  if (auto it = cache.find(key); it != cache.end()) return it->second;

  const auto devices = list_opencl_devices();
  check(!devices.empty(), "no OpenCL platform or device is installed (Debian: pocl-opencl-icd gives one on the CPU)");
  std::vector<cl::Platform> platforms;
  cl::Platform::get(&platforms);
  check(choice.platform < static_cast<int>(platforms.size()),
        "device " + choice.spec() + ": there is no OpenCL platform " + std::to_string(choice.platform) +
            " (splitleak devices lists them)");
  std::vector<cl::Device> platform_devices;
  platforms[static_cast<size_t>(choice.platform)].getDevices(CL_DEVICE_TYPE_ALL, &platform_devices);
  check(choice.device < static_cast<int>(platform_devices.size()),
        "device " + choice.spec() + ": platform " + std::to_string(choice.platform) + " has no device " +
            std::to_string(choice.device) + " (splitleak devices lists them)");
  auto ctx = std::make_shared<OpenClContext>();
  try {
    ctx->device = platform_devices[static_cast<size_t>(choice.device)];
    ctx->device_name = ctx->device.getInfo<CL_DEVICE_NAME>();
    ctx->context = cl::Context(ctx->device);
    ctx->queue = cl::CommandQueue(ctx->context, ctx->device, CL_QUEUE_PROFILING_ENABLE);
    ctx->program = cl::Program(ctx->context, std::string(kOpenClKernels));
  } catch (const cl::Error& e) {
    throw Error("device " + choice.spec() + ": " + describe(e));
  }
  // Extra build options (e.g. -cl-fast-relaxed-math) from $SPLITLEAK_OPENCL_BUILD_OPTIONS.
  std::string options = "-cl-std=CL1.2";
  if (const char* extra = std::getenv("SPLITLEAK_OPENCL_BUILD_OPTIONS"); extra && *extra) options += std::string(" ") + extra;
  try {
    ctx->program.build({ctx->device}, options.c_str());
  } catch (const cl::Error& e) {
    std::string log;
    try {
      log = ctx->program.getBuildInfo<CL_PROGRAM_BUILD_LOG>(ctx->device);
    } catch (const cl::Error&) {
      log = "(no build log)";
    }
    throw Error("device " + choice.spec() + " (" + ctx->device_name + "): the OpenCL kernels failed to build: " +
                describe(e) + "\nbuild log:\n" + log);
  }
  cache[key] = ctx;
  return ctx;
}

}  // namespace splitleak::gpu
