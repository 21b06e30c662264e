#pragma once
// Runs a victim graph (a back partition, or a whole model) on an OpenCL device.
//
// At construction: every node is checked (a graph the executor cannot run is refused, naming
// the node, before anything is uploaded); batch norm that follows a convolution is folded into
// its weights and bias; every weight is uploaded once. Kernels: gpu_runtime/kernels/*.cl, built
// once per device (core/opencl/context.h). Convolutions run as im2col + CLBlast GEMM, depthwise ones
// as a direct kernel; linear layers as CLBlast GEMM. Flatten, Reshape and Dropout reuse their
// input's buffer.
//
// Results match the CPU engine to float rounding (summation order differs; folding batch norm
// rounds differently): tests hold them within 1e-4 relative to the output's largest magnitude.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "victim/graph.h"

namespace splitleak::gpu {

// From OpenCL profiling: markers after each node in the in-order queue, so a node's time holds
// all its kernels (CLBlast's included).
struct GpuTiming {
  double upload_ms = 0, kernels_ms = 0, download_ms = 0;
  std::vector<double> node_ms;  // per graph node (0 for nodes without work)
  double total_ms() const { return upload_ms + kernels_ms + download_ms; }
};

// Why the executor cannot run `graph` ("node 'x' (Add): ..."), or nullopt when it can.
std::optional<std::string> opencl_unsupported(const victim::Graph& graph);

class OpenClExecutor {
 public:
  // device_spec: "opencl" or "opencl:P:D". Throws Error (BadInput) for an unsupported graph,
  // no OpenCL platform, a missing device or a kernel build failure (with its log).
  OpenClExecutor(const victim::Graph& graph, const std::string& device_spec = "opencl");
  ~OpenClExecutor();
  OpenClExecutor(const OpenClExecutor&) = delete;
  OpenClExecutor& operator=(const OpenClExecutor&) = delete;

  // x: (N, the graph's input shape without batch). Throws Error for a wrong shape.
  Tensor run(const Tensor& x, GpuTiming* timing = nullptr);
  const std::string& device_name() const;
  // The name of the device `device_spec` picks (building its context: the same errors).
  static std::string device_name_of(const std::string& device_spec);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace splitleak::gpu
