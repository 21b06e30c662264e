#pragma once
// Runs a victim graph (a back partition, or a whole model) on an OpenCL device, for the split's
// latency figures and `forward --device`: the engine's own ops on a device copy of the graph
// (victim::on_device: every weight uploaded once at construction), so the device computes what
// the CPU engine computes, op for op (core/ops/*_opencl.cpp). Timing comes from OpenCL profiling
// markers enqueued after the upload, after each node and after the download.
//
// Results match the CPU engine to float rounding (summation order differs): tests hold them
// within 1e-4 relative to the output's largest magnitude.
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "victim/graph.h"

namespace splitleak::gpu {

struct GpuTiming {
  double upload_ms = 0, kernels_ms = 0, download_ms = 0;
  std::vector<double> node_ms;  // per graph node (0 for nodes without work); they add up to kernels_ms
  double total_ms() const { return upload_ms + kernels_ms + download_ms; }
};

class OpenClExecutor {
 public:
  // device_spec: "opencl" or "opencl:P:D". Throws Error (BadInput) for no OpenCL platform, a
  // missing device, or a model that does not fit its memory.
  OpenClExecutor(const victim::Graph& graph, const std::string& device_spec = "opencl");
  ~OpenClExecutor();
  OpenClExecutor(const OpenClExecutor&) = delete;
  OpenClExecutor& operator=(const OpenClExecutor&) = delete;

  // x: (N, the graph's input shape without batch) on the host; the output comes back to the host.
  // Throws Error for a wrong shape, or what the engine refuses, naming the op.
  Tensor run(const Tensor& x, GpuTiming* timing = nullptr);
  const std::string& device_name() const;
  // The name of the device `device_spec` picks (opening its context: the same errors).
  static std::string device_name_of(const std::string& device_spec);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace splitleak::gpu
