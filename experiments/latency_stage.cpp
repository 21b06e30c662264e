#include "experiments/latency_stage.h"

#include "core/autograd.h"
#include "core/device.h"
#include "core/random.h"
#include "core/timing.h"
#include "gpu_runtime/opencl_executor.h"
#include "gpu_runtime/roofline.h"
#include "tee_runtime/latency.h"
#include "victim/execute.h"

namespace splitleak::experiments {
namespace {

// Where the back partition's time comes from, as results.json and the report name it.
std::string describe_gpu_backend(const RuntimeConfig& r) {
  if (r.gpu_backend == "opencl")
    return parse_device(r.gpu_device).spec() + " (" + gpu::OpenClExecutor::device_name_of(r.gpu_device) + ")";
  if (r.gpu_backend == "model") return "model " + r.gpu_model.name + " (roofline)";
  return "cpu";
}

struct GpuTime {
  double compute_ms = 0;   // the graph's time on the GPU side (median)
  double transfer_ms = 0;  // its input over the link (opencl: the measured upload)
};

// `graph` on input `x` (a back partition on the feature map, or the whole victim): on the CPU
// engine with the link modelled, on the OpenCL device (profiled kernels and download; upload
// as the transfer), or estimated by the roofline model.
GpuTime time_on_gpu(const ExperimentConfig& c, const victim::Graph& graph, const Tensor& x, int iters) {
  GpuTime t;
  const double link_ms = static_cast<double>(x.numel()) * 4 / (c.runtime.link_gb_per_s * 1e9) * 1e3;
  if (c.runtime.gpu_backend == "opencl") {
    gpu::OpenClExecutor executor(graph, c.runtime.gpu_device);
    gpu::GpuTiming timing;
    executor.run(x, &timing);  // warm-up
    std::vector<double> compute, upload;
    for (int i = 0; i < iters; ++i) {
      executor.run(x, &timing);
      compute.push_back(timing.kernels_ms + timing.download_ms), upload.push_back(timing.upload_ms);
    }
    t.compute_ms = median(std::move(compute)), t.transfer_ms = median(std::move(upload));
  } else if (c.runtime.gpu_backend == "model") {
    gpu::GpuModel m = c.runtime.gpu_model;
    m.link_gb_per_s = c.runtime.link_gb_per_s;
    const gpu::RooflineEstimate e = gpu::roofline_estimate(m, graph, x.size(0));
    t.compute_ms = e.kernels_ms, t.transfer_ms = e.upload_ms;
  } else {
    victim::run(graph, x);  // warm-up: first-touch allocations, thread start
    t.compute_ms = median_ms(iters, [&] { victim::run(graph, x); });
    t.transfer_ms = link_ms;
  }
  return t;
}


}  // namespace

LatencySetup latency_setup(const ExperimentConfig& c, const Tensor& held_out) {
  LatencySetup s;
  s.input = held_out.slice(0, std::min<int64_t>(c.runtime.latency_batch, held_out.size(0)));
  s.tee_options.backend = c.runtime.tee_backend;
  s.tee_options.memory_budget_bytes = c.runtime.tee_memory_budget_mib << 20;
  s.gpu_description = describe_gpu_backend(c.runtime);
  return s;
}

Latency split_latency(const ExperimentConfig& c, const victim::Partition& p, const LatencySetup& s) {
  autograd::NoGradGuard no_grad;
  const int iters = static_cast<int>(c.runtime.latency_iters);
  Latency l;
  l.tee_backend = c.runtime.tee_backend, l.gpu_backend = s.gpu_description;
  l.tee = tee::measure_tee_latency(p.front, s.input, iters, s.tee_options, c.runtime.sgx);
  l.tee_ms = l.tee.total_ms();
  Generator defence_draws(0);  // a random defence's, for the back partition's input only
  victim::RunOptions options;
  options.generator = &defence_draws;
  const GpuTime t = time_on_gpu(c, p.back, victim::run(p.front, s.input, options), iters);
  l.gpu_ms = t.compute_ms, l.transfer_ms = t.transfer_ms;
  return l;
}

void whole_model_latency(const ExperimentConfig& c, const victim::Graph& g, const LatencySetup& s, RunResults& results) {
  autograd::NoGradGuard no_grad;
  const int iters = static_cast<int>(c.runtime.latency_iters);
  results.full_tee = tee::measure_tee_latency(g, s.input, iters, s.tee_options, c.runtime.sgx);
  results.full_tee_ms = results.full_tee.total_ms();
  const GpuTime t = time_on_gpu(c, g, s.input, iters);
  results.no_tee_ms = t.compute_ms + t.transfer_ms;
  results.gpu_backend = s.gpu_description;
}

}  // namespace splitleak::experiments
