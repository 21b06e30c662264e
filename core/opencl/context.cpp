#include "core/opencl/context.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "core/error.h"

namespace splitleak::opencl {
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

std::atomic<int64_t> g_uploads{0}, g_downloads{0}, g_bytes_up{0}, g_bytes_down{0};

void count_upload(size_t bytes) { ++g_uploads, g_bytes_up += static_cast<int64_t>(bytes); }
void count_download(size_t bytes) { ++g_downloads, g_bytes_down += static_cast<int64_t>(bytes); }

// The cl::Device of `d`, or Error naming what is missing.
cl::Device find_device(const Device& d) {
  std::vector<cl::Platform> platforms;
  try {
    cl::Platform::get(&platforms);
  } catch (const cl::Error&) {
    platforms.clear();  // CL_PLATFORM_NOT_FOUND_KHR: no ICD installed
  }
  check(!platforms.empty(), "no OpenCL platform or device is installed (Debian: pocl-opencl-icd gives one on the CPU)");
  check(d.platform < static_cast<int>(platforms.size()), "device " + d.spec() + ": there is no OpenCL platform " +
                                                             std::to_string(d.platform) + " (splitleak devices lists them)");
  std::vector<cl::Device> devices;
  try {
    platforms[static_cast<size_t>(d.platform)].getDevices(CL_DEVICE_TYPE_ALL, &devices);
  } catch (const cl::Error&) {
    devices.clear();
  }
  check(d.device < static_cast<int>(devices.size()), "device " + d.spec() + ": platform " + std::to_string(d.platform) +
                                                         " has no device " + std::to_string(d.device) +
                                                         " (splitleak devices lists them)");
  return devices[static_cast<size_t>(d.device)];
}

}  // namespace

std::string describe(const cl::Error& e) {
  return std::string(e.what()) + " failed: " + status_name(e.err()) + " (" + std::to_string(e.err()) + ")";
}

cl::Program& Context::program(const std::string& name, const std::string& source) {
  if (auto it = programs_.find(name); it != programs_.end()) return it->second;
  std::string options = "-cl-std=CL1.2";
  if (const char* extra = std::getenv("SPLITLEAK_OPENCL_BUILD_OPTIONS"); extra && *extra) options += std::string(" ") + extra;
  cl::Program p;
  try {
    p = cl::Program(context, source);
    p.build({device}, options.c_str());
  } catch (const cl::Error& e) {
    std::string log;
    try {
      log = p() ? p.getBuildInfo<CL_PROGRAM_BUILD_LOG>(device) : "(no build log)";
    } catch (const cl::Error&) {
      log = "(no build log)";
    }
    throw Error("device " + where.spec() + " (" + device_name + "): the OpenCL kernels failed to build (program '" + name +
                "'): " + describe(e) + "\nbuild log:\n" + log);
  }
  return programs_.emplace(name, p).first->second;
}

cl::Kernel& Context::kernel(const std::string& program_name, const std::string& source, const std::string& name) {
  program(program_name, source);
  return kernel(program_name, name);
}

cl::Kernel& Context::kernel(const std::string& program_name, const std::string& kernel) {
  const auto key = std::make_pair(program_name, kernel);
  auto it = kernels_.find(key);
  if (it == kernels_.end()) {
    auto p = programs_.find(program_name);
    check(p != programs_.end(), "OpenCL program '" + program_name + "' is not built on " + where.spec());
    try {
      it = kernels_.emplace(key, cl::Kernel(p->second, kernel.c_str())).first;
    } catch (const cl::Error& e) {
      throw Error("device " + where.spec() + ": no kernel '" + kernel + "' in OpenCL program '" + program_name + "': " +
                  describe(e), Error::Kind::Failure);
    }
  }
  return it->second;
}

std::shared_ptr<Context> context(const Device& d) {
  const std::string spec = d.spec();
  check(d.opencl, "'" + spec + "' is not an OpenCL device");
  static std::mutex mutex;
  static std::map<std::pair<int, int>, std::shared_ptr<Context>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_pair(d.platform, d.device);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  auto ctx = std::make_shared<Context>();
  ctx->where = d;
  try {
    ctx->device = find_device(d);
    ctx->device_name = ctx->device.getInfo<CL_DEVICE_NAME>();
    ctx->context = cl::Context(ctx->device);
    ctx->queue = cl::CommandQueue(ctx->context, ctx->device, CL_QUEUE_PROFILING_ENABLE);
  } catch (const cl::Error& e) {
    throw Error("device " + d.spec() + ": " + describe(e));
  }
  cache[key] = ctx;
  return ctx;
}

Transfers transfers() { return {g_uploads.load(), g_downloads.load(), g_bytes_up.load(), g_bytes_down.load()}; }

cl::Buffer upload_buffer(Context& ctx, const void* data, size_t bytes) {
  static const float empty = 0.0f;  // OpenCL refuses zero-sized buffers: an empty one holds 4 bytes
  count_upload(bytes);
  if (bytes == 0) data = &empty;
  return cl::Buffer(ctx.context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, std::max<size_t>(bytes, 4), const_cast<void*>(data));
}

void upload(Context& ctx, const cl::Buffer& to, const void* from, size_t bytes, cl::Event* event, size_t offset) {
  count_upload(bytes);
  ctx.queue.enqueueWriteBuffer(to, CL_FALSE, offset, bytes, from, nullptr, event);
}

void download(Context& ctx, const cl::Buffer& from, void* to, size_t bytes, cl::Event* event, size_t offset) {
  count_download(bytes);
  ctx.queue.enqueueReadBuffer(from, CL_FALSE, offset, bytes, to, nullptr, event);
}

}  // namespace splitleak::opencl
