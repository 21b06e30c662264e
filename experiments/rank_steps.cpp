#include "experiments/rank_steps.h"

#include <exception>
#include <vector>

#include "core/error.h"
#include "experiments/cluster.h"
#include "gpu_runtime/opencl_device.h"

namespace splitleak::experiments {

void on_root(const std::function<void()>& step) {
  if (cluster::place().size == 1) return step();
  int status = 0;
  std::exception_ptr failure;
  if (cluster::is_root()) {
    try {
      step();
    } catch (const Error& e) {
      status = e.kind() == Error::Kind::BadInput ? 2 : 1;
      failure = std::current_exception();
    } catch (...) {
      status = 1;
      failure = std::current_exception();
    }
  }
  status = cluster::share_status(status);
  if (status == 0) return;
  cluster::agree_on_exit();
  if (failure) std::rethrow_exception(failure);
  throw Error("rank 0 stopped the run (its message says why)", status == 2 ? Error::Kind::BadInput : Error::Kind::Failure);
}

void share_weights(victim::Graph& graph) {
  if (cluster::place().size == 1) return;
  std::vector<int64_t> sizes;
  for (const auto& [name, t] : graph.tensors) sizes.push_back(t.numel());
  int64_t count = static_cast<int64_t>(sizes.size());
  cluster::broadcast(std::span<int64_t>(&count, 1));
  std::vector<int64_t> root_sizes = sizes;
  if (count == static_cast<int64_t>(sizes.size())) cluster::broadcast(root_sizes);
  if (root_sizes != sizes || count != static_cast<int64_t>(sizes.size())) throw Error("rank 0's victim has other tensors than this rank's", Error::Kind::Failure);
  for (auto& [name, t] : graph.tensors) cluster::broadcast(std::span<float>(t.data(), static_cast<size_t>(t.numel())));
}

Device device_for_rank(const std::string& spec, int ranks, int local_rank, int devices) {
  const Device device = parse_device(spec);
  if (spec != "opencl" || ranks == 1 || devices <= 0) return device;
  return Device{true, 0, local_rank % devices};
}

Device rank_device(const std::string& spec) {
  if (spec != "opencl" || cluster::place().size == 1) return parse_device(spec);
  int devices = 0;
  for (const auto& d : gpu::list_opencl_devices()) devices += d.platform == 0;
  return device_for_rank(spec, cluster::place().size, cluster::place().local_rank, devices);
}

}  // namespace splitleak::experiments
