#pragma once
// A roofline estimate of a graph's time on a GPU that is not here: each node takes the longer of
// its FLOPs at the peak rate and its bytes (weights read, input read, output written) at the
// memory bandwidth, plus a launch overhead; efficiency factors stand for how far real kernels
// stay below the peaks. Presets and their datasheet sources: docs/gpu.md.
#include <string>
#include <vector>

#include "victim/graph.h"

namespace splitleak::gpu {

struct GpuModel {
  std::string name = "a100-40gb";
  double peak_tflops = 19.5;         // FP32, non-tensor-core
  double memory_gb_per_s = 1555;
  double compute_efficiency = 0.6;   // achieved / peak FLOP rate
  double memory_efficiency = 0.8;    // achieved / peak bandwidth
  double launch_us = 5;              // per node with work
  double link_gb_per_s = 12;         // host -> device copy of the input (PCIe 3.0 x16, effective)
};

// Presets: a100-40gb, a100-80gb, h100-sxm, h100-pcie, v100-sxm2, t4, l4; Error listing them for others.
GpuModel gpu_model_preset(const std::string& name);
std::vector<std::string> gpu_model_presets();

struct RooflineEstimate {
  double kernels_ms = 0, upload_ms = 0;
  std::vector<double> node_ms;
  double total_ms() const { return kernels_ms + upload_ms; }
};

// The estimate for `graph` at `batch` images.
RooflineEstimate roofline_estimate(const GpuModel& model, const victim::Graph& graph, int64_t batch);

}  // namespace splitleak::gpu
