// `splitleak bench forward --model M --input-size S --batch B --iters N`: median inference time
// of a whole model (no autograd) on random [0, 1] input; with --device opencl[:P:D], on the
// OpenCL executor (wall time per run, and the profiled upload, kernels and download).
#include <algorithm>
#include <cstdio>
#include <map>

#include "cli/commands.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/random.h"
#include "gpu_runtime/opencl_executor.h"
#include "victim/accounting.h"
#include "victim/execute.h"
#include "victim/load.h"

namespace splitleak::cli {
namespace {

struct ForwardBenchOptions {
  std::string model = "resnet50";
  int64_t input_size = 0;  // 0: the model's own
  int64_t batch = 1;
  int iters = 10;
  bool profile = false;
  std::string device = "cpu";
};

int run_forward_bench(const ForwardBenchOptions& o) {
  check(o.batch > 0 && o.iters > 0 && o.input_size >= 0, "bench forward: batch and iters must be positive");
  Shape chw;
  if (o.input_size > 0) {
    const victim::Graph probe = victim::load_model(o.model);
    chw = {probe.input().shape[1], o.input_size, o.input_size};
  }
  const victim::Graph g = victim::load_model(o.model, chw);
  Shape shape = g.input().shape;
  shape[0] = o.batch;
  Tensor x = Tensor::empty(shape);
  Generator gen(1);
  init::uniform_(x, 0.0f, 1.0f, gen);
  autograd::NoGradGuard no_grad;
  if (o.device != "cpu") {
    gpu::OpenClExecutor executor(g, o.device);
    gpu::GpuTiming t;
    executor.run(x, &t);  // warm-up (CLBlast builds its kernels on first use)
    std::vector<gpu::GpuTiming> timings;
    const double ms = median_ms(o.iters, [&] {
      executor.run(x, &t);
      timings.push_back(t);
    });
    auto median_of = [&](double gpu::GpuTiming::*field) {
      std::vector<double> v;
      for (const auto& s : timings) v.push_back(s.*field);
      return median(std::move(v));
    };
    std::printf("model=%s\ndevice=%s\ninput_shape=%s\nms_per_forward=%.3f\nupload_ms=%.3f\nkernels_ms=%.3f\n"
                "download_ms=%.3f\n",
                o.model.c_str(), executor.device_name().c_str(), shape_str(shape).c_str(), ms,
                median_of(&gpu::GpuTiming::upload_ms), median_of(&gpu::GpuTiming::kernels_ms),
                median_of(&gpu::GpuTiming::download_ms));
    return 0;
  }
  victim::run(g, x);  // warm-up
  const double ms = median_ms(o.iters, [&] { victim::run(g, x); });
  const double flops = static_cast<double>(victim::total_cost(g, 0, static_cast<int>(g.nodes.size())).flops) * o.batch;
  std::printf("model=%s\nthreads=%d\ninput_shape=%s\nms_per_forward=%.3f\ngflops=%.1f\n", o.model.c_str(),
              num_threads(), shape_str(shape).c_str(), ms, flops / ms / 1e6);
  if (o.profile) {
    // Time per op kind over `iters` runs, largest first.
    std::vector<double> node_ms;
    victim::RunOptions options;
    options.node_ms = &node_ms;
    for (int i = 0; i < o.iters; ++i) victim::run(g, x, options);
    std::map<std::string, double> by_op;
    for (size_t i = 0; i < node_ms.size(); ++i) by_op[victim::op_name(g.nodes[i].op)] += node_ms[i] / o.iters;
    std::vector<std::pair<double, std::string>> sorted;
    for (const auto& [op, ms] : by_op) sorted.emplace_back(ms, op);
    std::sort(sorted.rbegin(), sorted.rend());
    for (const auto& [ms, op] : sorted) std::printf("ms_%s=%.3f\n", op.c_str(), ms);
    // The ten slowest nodes.
    std::vector<std::pair<double, int>> nodes;
    for (size_t i = 0; i < node_ms.size(); ++i) nodes.emplace_back(node_ms[i] / o.iters, static_cast<int>(i));
    std::sort(nodes.rbegin(), nodes.rend());
    for (size_t k = 0; k < std::min<size_t>(10, nodes.size()); ++k)
      std::printf("ms_node_%s=%.3f\n", g.nodes[nodes[k].second].name.c_str(), nodes[k].first);
  }
  return 0;
}

const bool registered = add_bench(
    {"forward", "Whole-model inference time (median)", [](CLI::App& sub) -> std::function<int()> {
       auto opts = std::make_shared<ForwardBenchOptions>();
       sub.add_option("--model", opts->model, "MODEL: zoo spec, .onnx or .h5")->capture_default_str();
       sub.add_option("--input-size", opts->input_size, "Input height and width (default: the model's)");
       sub.add_option("--batch", opts->batch, "Batch size")->capture_default_str();
       sub.add_option("--iters", opts->iters, "Timed iterations (median reported)")->capture_default_str();
       sub.add_flag("--profile", opts->profile, "Also print the mean time per op kind (ms_<Op>=...)");
       sub.add_option("--device", opts->device, "cpu, or opencl[:P:D] (splitleak devices)")->capture_default_str();
       return [opts] { return run_forward_bench(*opts); };
     }});

}  // namespace
}  // namespace splitleak::cli
