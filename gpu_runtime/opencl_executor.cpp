#include "gpu_runtime/opencl_executor.h"

#include "core/autograd.h"
#include "core/device.h"
#include "core/error.h"
#include "core/opencl/context.h"
#include "victim/execute.h"

namespace splitleak::gpu {
namespace {

// Milliseconds between the ends of two markers on one in-order queue.
double between_ms(const cl::Event& from, const cl::Event& to) {
  return static_cast<double>(to.getProfilingInfo<CL_PROFILING_COMMAND_END>() -
                             from.getProfilingInfo<CL_PROFILING_COMMAND_END>()) / 1e6;
}

}  // namespace

struct OpenClExecutor::Impl {
  Device device;
  std::shared_ptr<opencl::Context> ctx;
  victim::Graph graph;  // weights on the device

  cl::Event marker() {
    cl::Event e;
    ctx->queue.enqueueMarkerWithWaitList(nullptr, &e);
    return e;
  }
};

OpenClExecutor::OpenClExecutor(const victim::Graph& graph, const std::string& device_spec) : impl_(std::make_unique<Impl>()) {
  impl_->device = parse_device(device_spec);
  check(impl_->device.opencl, "the OpenCL executor needs an OpenCL device, not '" + device_spec + "'");
  impl_->ctx = opencl::context(impl_->device);
  impl_->graph = victim::on_device(graph, impl_->device);
}

OpenClExecutor::~OpenClExecutor() = default;

const std::string& OpenClExecutor::device_name() const { return impl_->ctx->device_name; }

std::string OpenClExecutor::device_name_of(const std::string& device_spec) {
  const Device device = parse_device(device_spec);
  check(device.opencl, "'" + device_spec + "' is not an OpenCL device");
  return opencl::context(device)->device_name;
}

Tensor OpenClExecutor::run(const Tensor& x, GpuTiming* timing) {
  victim::check_input(impl_->graph, x);
  autograd::NoGradGuard no_grad;
  const int count = static_cast<int>(impl_->graph.nodes.size());
  std::vector<cl::Event> done(static_cast<size_t>(count));
  victim::RunOptions options;
  options.after_node = [&](int node) { done[static_cast<size_t>(node)] = impl_->marker(); };
  try {
    const cl::Event start = impl_->marker();
    const Tensor on_device = x.to(impl_->device);
    const cl::Event uploaded = impl_->marker();
    const Tensor y_device = victim::run(impl_->graph, on_device, options);
    const Tensor y = y_device.to(Device{});
    const cl::Event downloaded = impl_->marker();
    impl_->ctx->queue.finish();
    if (timing) {
      *timing = GpuTiming{};
      timing->node_ms.assign(static_cast<size_t>(count), 0.0);
      const cl::Event* previous = &uploaded;
      for (int i = 1; i < count; ++i) {
        if (!done[static_cast<size_t>(i)]()) continue;
        timing->node_ms[static_cast<size_t>(i)] = between_ms(*previous, done[static_cast<size_t>(i)]);
        previous = &done[static_cast<size_t>(i)];
      }
      timing->upload_ms = between_ms(start, uploaded);
      timing->kernels_ms = between_ms(uploaded, *previous);
      timing->download_ms = between_ms(*previous, downloaded);
    }
    return y;
  } catch (const cl::Error& e) {
    throw Error("OpenCL run on " + impl_->ctx->device_name + ": " + opencl::describe(e), Error::Kind::Failure);
  }
}

}  // namespace splitleak::gpu
