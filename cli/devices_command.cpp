// `splitleak devices`: the OpenCL platforms and devices, as --device opencl:P:D names them.
#include <cstdio>

#include "cli/commands.h"
#include "core/error.h"
#include "gpu_runtime/opencl_device.h"

namespace splitleak::cli {
namespace {

int run_devices() {
  const auto devices = gpu::list_opencl_devices();
  check(!devices.empty(), "no OpenCL platform or device is installed (Debian: pocl-opencl-icd gives one on the CPU); "
                          "--device cpu still runs everything on the core engine");
  std::printf("%-14s the core engine (Eigen), the default\n", "cpu");
  for (const auto& d : devices) {
    const std::string spec = "opencl:" + std::to_string(d.platform) + ":" + std::to_string(d.device);
    std::printf("%-14s %s (%s), %s; %lld compute units, %lld MHz, %.1f GiB global memory\n", spec.c_str(), d.name.c_str(), d.type.c_str(), d.platform_name.c_str(), static_cast<long long>(d.compute_units),
                static_cast<long long>(d.clock_mhz), static_cast<double>(d.global_memory_bytes) / (1 << 30));
    std::printf("%-14s %s; platform %s\n", "", d.version.c_str(), d.platform_version.c_str());
  }
  return 0;
}

const bool registered = add_command({"devices", "List the OpenCL platforms and devices (--device opencl:P:D)",
                                     [](CLI::App&) -> std::function<int()> { return [] { return run_devices(); }; }});

}  // namespace
}  // namespace splitleak::cli
