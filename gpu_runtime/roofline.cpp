#include "gpu_runtime/roofline.h"

#include <algorithm>

#include "core/error.h"
#include "victim/accounting.h"

namespace splitleak::gpu {
namespace {

GpuModel make(const std::string& name, double tflops, double gb_per_s, double link) {
  GpuModel m;
  m.name = name, m.peak_tflops = tflops, m.memory_gb_per_s = gb_per_s, m.link_gb_per_s = link;
  return m;
}

// FP32 (non-tensor) peak and memory bandwidth from each vendor datasheet (docs/gpu.md); the
// link is the effective host-to-device rate of its PCIe generation x16.
const std::vector<GpuModel>& presets() {
  static const std::vector<GpuModel> all = {
      make("a100-40gb", 19.5, 1555, 24), make("a100-80gb", 19.5, 2039, 24), make("h100-sxm", 67, 3350, 50),
      make("h100-pcie", 51, 2000, 50),   make("v100-sxm2", 15.7, 900, 12), make("t4", 8.1, 320, 12),
      make("l4", 30.3, 300, 24),
  };
  return all;
}

}  // namespace

std::vector<std::string> gpu_model_presets() {
  std::vector<std::string> names;
  for (const auto& m : presets()) names.push_back(m.name);
  return names;
}

GpuModel gpu_model_preset(const std::string& name) {
  for (const auto& m : presets())
    if (m.name == name) return m;
  std::string known;
  for (const auto& n : gpu_model_presets()) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown GPU model '" + name + "' (known: " + known + ")");
}

RooflineEstimate roofline_estimate(const GpuModel& m, const victim::Graph& g, int64_t batch) {
  check(m.peak_tflops > 0 && m.memory_gb_per_s > 0 && m.compute_efficiency > 0 && m.compute_efficiency <= 1 &&
            m.memory_efficiency > 0 && m.memory_efficiency <= 1 && m.launch_us >= 0 && m.link_gb_per_s > 0 && batch >= 1,
        "GPU model '" + m.name + "': peaks and link must be positive, efficiencies in (0, 1], batch >= 1");
  const auto costs = victim::node_costs(g);
  RooflineEstimate e;
  e.node_ms.assign(g.nodes.size(), 0.0);
  const double flop_rate = m.peak_tflops * 1e12 * m.compute_efficiency;      // FLOP/s
  const double byte_rate = m.memory_gb_per_s * 1e9 * m.memory_efficiency;    // B/s
  for (size_t i = 1; i < g.nodes.size(); ++i) {
    const auto& node = g.nodes[i];
    if (victim::aliases_input(node.op)) continue;
    double bytes = static_cast<double>(costs[i].weight_bytes + batch * costs[i].activation_bytes);
    for (int p : node.inputs) bytes += static_cast<double>(batch * costs[static_cast<size_t>(p)].activation_bytes);
    const double flops = static_cast<double>(batch * costs[i].flops);
    e.node_ms[i] = std::max(flops / flop_rate, bytes / byte_rate) * 1e3 + m.launch_us / 1e3;
    e.kernels_ms += e.node_ms[i];
  }
  e.upload_ms = static_cast<double>(batch * costs[0].activation_bytes) / (m.link_gb_per_s * 1e9) * 1e3;
  return e;
}

}  // namespace splitleak::gpu
