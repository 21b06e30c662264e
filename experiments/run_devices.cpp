#include "experiments/run_devices.h"

#include "core/error.h"
#include "experiments/rank_steps.h"
#include "gpu_runtime/opencl_executor.h"

namespace splitleak::experiments {
namespace {

// "<key> <spec>: <device name>", or Error naming where the key was given.
std::string opened(const ExperimentConfig& c, const std::string& key, const Device& device) {
  try {
    return key + " " + device.spec() + ": " + gpu::OpenClExecutor::device_name_of(device.spec());
  } catch (const Error& e) {
    const auto origin = c.path_origins.find(key);
    throw Error((origin == c.path_origins.end() ? key : origin->second.str()) + ": cannot open " + device.spec() +
                ": " + e.what());
  }
}

}  // namespace

std::vector<std::string> open_run_devices(const ExperimentConfig& c) {
  std::vector<std::string> lines;
  if (c.runtime.gpu_backend == "opencl")
    lines.push_back(opened(c, "runtime.gpu.device", parse_device(c.runtime.gpu_device)));
  const Device attack = rank_device(c.runtime.attack_device);
  if (attack.opencl) lines.push_back(opened(c, "runtime.attack.device", attack));
  return lines;
}

}  // namespace splitleak::experiments
