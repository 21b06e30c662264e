#include "gpu_runtime/opencl_executor.h"


#include <cmath>
#include <map>

#include "core/error.h"
#include "core/device.h"
#include "core/opencl/blas.h"
#include "core/opencl/context.h"
#include "splitleak/opencl_kernels.h"
#include "victim/execute.h"

namespace splitleak::gpu {
namespace {

using victim::Graph;
using victim::Node;
using victim::Op;

int64_t per_image(const Shape& s) {
  int64_t n = 1;
  for (size_t i = 1; i < s.size(); ++i) n *= s[i];
  return n;
}

std::string where(const Node& n) { return "node '" + n.name + "' (" + victim::op_name(n.op) + ")"; }

bool is_depthwise(const Graph& g, const Node& n) {
  const Shape& in = g.nodes[n.inputs[0]].shape;
  return n.attrs.groups > 1 && n.attrs.groups == in[1] && n.shape[1] % in[1] == 0;
}

// The BatchNorm node folded into conv node i, or -1: it reads only the conv, is the conv's only
// reader, and the conv's output is not the graph's.
std::vector<int> folded_batch_norms(const Graph& g) {
  const int count = static_cast<int>(g.nodes.size());
  std::vector<int> readers(count, 0), folded(count, -1);
  for (const Node& n : g.nodes)
    for (int p : n.inputs) ++readers[p];
  for (int i = 1; i + 1 < count; ++i) {
    const Node& bn = g.nodes[i + 1];
    if (g.nodes[i].op == Op::Conv && bn.op == Op::BatchNorm && bn.inputs == std::vector<int>{i} && readers[i] == 1)
      folded[i] = i + 1;
  }
  return folded;
}

// Per-channel scale and shift of an inference batch norm: y = x * scale + shift.
void batch_norm_affine(const Graph& g, const Node& bn, std::vector<float>& scale, std::vector<float>& shift) {
  const Tensor &gamma = g.weight(bn.weights[0]), &beta = g.weight(bn.weights[1]);
  const Tensor &mean = g.weight(bn.weights[2]), &var = g.weight(bn.weights[3]);
  const int64_t c = gamma.numel();
  scale.resize(static_cast<size_t>(c)), shift.resize(static_cast<size_t>(c));
  for (int64_t k = 0; k < c; ++k) {
    scale[k] = gamma.data()[k] / std::sqrt(var.data()[k] + bn.attrs.eps);
    shift[k] = beta.data()[k] - mean.data()[k] * scale[k];
  }
}

constexpr const char* kProgram = "victim_executor";  // gpu_runtime/kernels/*.cl

double event_ms(const cl::Event& from_end, const cl::Event& to_end) {
  return static_cast<double>(to_end.getProfilingInfo<CL_PROFILING_COMMAND_END>() -
                             from_end.getProfilingInfo<CL_PROFILING_COMMAND_END>()) / 1e6;
}

double duration_ms(const cl::Event& e) {
  return static_cast<double>(e.getProfilingInfo<CL_PROFILING_COMMAND_END>() -
                             e.getProfilingInfo<CL_PROFILING_COMMAND_START>()) / 1e6;
}

}  // namespace

std::optional<std::string> opencl_unsupported(const Graph& g) {
  for (size_t i = 1; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    const Shape& in = g.nodes[n.inputs.empty() ? 0 : n.inputs[0]].shape;
    switch (n.op) {
      case Op::Input:
        return where(n) + ": a second input";
      case Op::Conv:
        if (g.weight(n.weights[0]).dim() != 4 || in.size() != 4) return where(n) + ": only 2-D convolutions run";
        break;
      case Op::MaxPool: case Op::AvgPool: case Op::AdaptiveAvgPool: case Op::GlobalAvgPool: case Op::Pad:
        if (in.size() != 4) return where(n) + ": needs (N, C, H, W) input, has " + shape_str(in);
        break;
      case Op::Normalize: case Op::BatchNorm:
        if (in.size() < 2) return where(n) + ": needs a channel dimension";
        break;
      case Op::Linear:
        if (in.size() != 2) return where(n) + ": needs (N, features) input, has " + shape_str(in);
        break;
      case Op::Add: case Op::Mul: {
        if (n.inputs.size() + n.weights.size() != 2) return where(n) + ": exactly two operands run";
        if (n.shape.size() > 4) return where(n) + ": broadcasting runs over at most 4 dimensions, the output is " + shape_str(n.shape);
        for (int p : n.inputs)
          if (g.nodes[p].shape.size() > 4) return where(n) + ": an operand of more than 4 dimensions";
        for (const auto& w : n.weights)
          if (g.weight(w).dim() > 4) return where(n) + ": a constant of more than 4 dimensions";
        break;
      }
      case Op::Concat:
        for (int p : n.inputs)
          if (g.nodes[p].shape.size() < 2) return where(n) + ": concatenates along channels, an operand has none";
        break;
      default:
        break;
    }
  }
  return std::nullopt;
}

struct OpenClExecutor::Impl {
  std::shared_ptr<opencl::Context> ctx;
  Graph graph;
  std::vector<int> folded;             // conv node -> its folded batch norm, or -1
  std::vector<int> alias;              // node -> the node whose buffer it shares, or -1
  std::map<std::string, cl::Buffer> weights;  // uploaded by name
  std::map<int, cl::Buffer> node_weight, node_bias, node_scale, node_shift;  // per node (folded, affine)
  cl::Buffer col;                      // im2col scratch
  int64_t col_elements = 0;

  cl::Buffer upload(const float* data, int64_t n) {
    return opencl::upload_buffer(*ctx, data, static_cast<size_t>(n) * 4);
  }
  cl::Buffer upload(const std::vector<float>& v) { return upload(v.data(), static_cast<int64_t>(v.size())); }
  const cl::Buffer& weight(const std::string& name) {
    auto it = weights.find(name);
    if (it == weights.end()) {
      const Tensor& t = graph.weight(name);
      it = weights.emplace(name, upload(t.data(), t.numel())).first;
    }
    return it->second;
  }
  cl::Buffer output(int64_t elements) {
    return cl::Buffer(ctx->context, CL_MEM_READ_WRITE, static_cast<size_t>(std::max<int64_t>(elements, 1)) * 4);
  }
  void launch(const char* name, int64_t total, const std::function<void(cl::Kernel&)>& args) {
    if (total <= 0) return;
    cl::Kernel& k = ctx->kernel(kProgram, name);
    args(k);
    ctx->queue.enqueueNDRangeKernel(k, cl::NullRange, cl::NDRange(static_cast<size_t>(total)), cl::NullRange);
  }
  void prepare();
  void run_node(int i, int64_t n, std::vector<cl::Buffer>& values);
};

void OpenClExecutor::Impl::prepare() {
  const int count = static_cast<int>(graph.nodes.size());
  folded = folded_batch_norms(graph);
  alias.assign(count, -1);
  for (int i = 1; i < count; ++i) {
    const Node& n = graph.nodes[i];
    if (n.op == Op::Flatten || n.op == Op::Reshape || n.op == Op::Dropout) alias[i] = n.inputs[0];
    if (n.op == Op::Conv) {
      const Tensor& w = graph.weight(n.weights[0]);
      const bool has_bias = n.weights.size() > 1 && !n.weights[1].empty();
      if (folded[i] >= 0) {
        std::vector<float> scale, shift;
        batch_norm_affine(graph, graph.nodes[folded[i]], scale, shift);
        const int64_t cout = w.size(0), per = w.numel() / cout;
        std::vector<float> wf(w.data(), w.data() + w.numel()), bf(static_cast<size_t>(cout));
        for (int64_t o = 0; o < cout; ++o) {
          for (int64_t k = 0; k < per; ++k) wf[o * per + k] *= scale[o];
          bf[o] = (has_bias ? graph.weight(n.weights[1]).data()[o] : 0.0f) * scale[o] + shift[o];
        }
        node_weight[i] = upload(wf), node_bias[i] = upload(bf);
        alias[folded[i]] = i;
      } else {
        node_weight[i] = weight(n.weights[0]);
        if (has_bias) node_bias[i] = weight(n.weights[1]);
      }
      if (!is_depthwise(graph, n)) {
        const Shape& in = graph.nodes[n.inputs[0]].shape;
        const int64_t k = in[1] / n.attrs.groups * w.size(2) * w.size(3);
        col_elements = std::max(col_elements, k * n.shape[2] * n.shape[3]);
      }
    } else if (n.op == Op::BatchNorm && alias[i] < 0) {
      std::vector<float> scale, shift;
      batch_norm_affine(graph, n, scale, shift);
      node_scale[i] = upload(scale), node_shift[i] = upload(shift);
    } else if (n.op == Op::Normalize) {
      std::vector<float> scale(n.attrs.mean.size()), shift(n.attrs.mean.size());
      for (size_t c = 0; c < scale.size(); ++c) scale[c] = 1.0f / n.attrs.std[c], shift[c] = -n.attrs.mean[c] / n.attrs.std[c];
      node_scale[i] = upload(scale), node_shift[i] = upload(shift);
    } else if (n.op == Op::Linear) {
      node_weight[i] = weight(n.weights[0]);
      if (n.weights.size() > 1 && !n.weights[1].empty()) node_bias[i] = weight(n.weights[1]);
    } else if (n.op == Op::Add || n.op == Op::Mul) {
      for (const auto& w : n.weights) weight(w);
    }
  }
  if (col_elements > 0) col = output(col_elements);
}

void OpenClExecutor::Impl::run_node(int i, int64_t batch, std::vector<cl::Buffer>& values) {
  const Node& n = graph.nodes[i];
  const victim::Attributes& a = n.attrs;
  const Shape& in = graph.nodes[n.inputs.empty() ? 0 : n.inputs[0]].shape;
  const int64_t total = batch * per_image(n.shape);
  const cl_int itotal = static_cast<cl_int>(total);
  cl::Buffer y = output(total);
  const cl::Buffer x = n.inputs.empty() ? cl::Buffer() : values[n.inputs[0]];
  switch (n.op) {
    case Op::Normalize: case Op::BatchNorm: {
      const cl_int channels = static_cast<cl_int>(in[1]), plane = static_cast<cl_int>(per_image(in) / in[1]);
      launch("channel_affine", total, [&](cl::Kernel& k) {
        k.setArg(0, x), k.setArg(1, y), k.setArg(2, node_scale.at(i)), k.setArg(3, node_shift.at(i));
        k.setArg(4, channels), k.setArg(5, plane), k.setArg(6, itotal);
      });
      break;
    }
    case Op::Conv: {
      const Tensor& w = graph.weight(n.weights[0]);
      const cl_int C = static_cast<cl_int>(in[1]), H = static_cast<cl_int>(in[2]), W = static_cast<cl_int>(in[3]);
      const cl_int KH = static_cast<cl_int>(w.size(2)), KW = static_cast<cl_int>(w.size(3));
      const cl_int OH = static_cast<cl_int>(n.shape[2]), OW = static_cast<cl_int>(n.shape[3]);
      const cl_int SH = static_cast<cl_int>(a.stride[0]), SW = static_cast<cl_int>(a.stride[1]);
      const cl_int PH = static_cast<cl_int>(a.pads[0]), PW = static_cast<cl_int>(a.pads[1]);
      const cl_int DH = static_cast<cl_int>(a.dilation[0]), DW = static_cast<cl_int>(a.dilation[1]);
      const int64_t cout = n.shape[1];
      const bool has_bias = node_bias.count(i) > 0;
      if (is_depthwise(graph, n)) {
        const cl::Buffer bias = has_bias ? node_bias.at(i) : node_weight.at(i);  // unread without a bias
        launch("depthwise_conv", total, [&](cl::Kernel& k) {
          int arg = 0;
          k.setArg(arg++, x), k.setArg(arg++, node_weight.at(i)), k.setArg(arg++, bias), k.setArg(arg++, y);
          k.setArg(arg++, static_cast<cl_int>(has_bias)), k.setArg(arg++, C), k.setArg(arg++, H), k.setArg(arg++, W);
          k.setArg(arg++, static_cast<cl_int>(cout / in[1])), k.setArg(arg++, KH), k.setArg(arg++, KW);
          k.setArg(arg++, SH), k.setArg(arg++, SW), k.setArg(arg++, PH), k.setArg(arg++, PW), k.setArg(arg++, DH);
          k.setArg(arg++, DW), k.setArg(arg++, OH), k.setArg(arg++, OW), k.setArg(arg++, itotal);
        });
        break;
      }
      const int64_t groups = a.groups, cg = in[1] / groups, mg = cout / groups, kk = cg * KH * KW,
                    p = static_cast<int64_t>(OH) * OW;
      const bool pointwise = KH == 1 && KW == 1 && SH == 1 && SW == 1 && PH == 0 && PW == 0 && groups == 1;
      for (int64_t img = 0; img < batch; ++img) {
        for (int64_t gi = 0; gi < groups; ++gi) {
          if (!pointwise) {
            launch("im2col", kk * p, [&](cl::Kernel& k) {
              int arg = 0;
              k.setArg(arg++, x), k.setArg(arg++, col), k.setArg(arg++, C), k.setArg(arg++, H), k.setArg(arg++, W);
              k.setArg(arg++, KH), k.setArg(arg++, KW), k.setArg(arg++, SH), k.setArg(arg++, SW), k.setArg(arg++, PH);
              k.setArg(arg++, PW), k.setArg(arg++, DH), k.setArg(arg++, DW), k.setArg(arg++, OH), k.setArg(arg++, OW);
              k.setArg(arg++, static_cast<cl_int>(img)), k.setArg(arg++, static_cast<cl_int>(gi * cg));
              k.setArg(arg++, static_cast<cl_int>(kk * p));
            });
          }
          const cl_mem b = pointwise ? x() : col();
          const size_t b_offset = pointwise ? static_cast<size_t>(img * in[1] * p) : 0;
          opencl::gemm(*ctx, false, false, static_cast<size_t>(mg), static_cast<size_t>(p), static_cast<size_t>(kk), 1.0f,
                       node_weight.at(i)(), static_cast<size_t>(gi * mg * kk), static_cast<size_t>(kk), b, b_offset,
                       static_cast<size_t>(p), 0.0f, y(), static_cast<size_t>((img * cout + gi * mg) * p),
                       static_cast<size_t>(p), where(n));
        }
      }
      if (has_bias) {
        launch("add_channel_bias", total, [&](cl::Kernel& k) {
          k.setArg(0, y), k.setArg(1, node_bias.at(i)), k.setArg(2, static_cast<cl_int>(cout));
          k.setArg(3, static_cast<cl_int>(p)), k.setArg(4, itotal);
        });
      }
      break;
    }
    case Op::Linear: {
      const int64_t features = in[1], outputs = n.shape[1];
      opencl::gemm(*ctx, false, true, static_cast<size_t>(batch), static_cast<size_t>(outputs),
                   static_cast<size_t>(features), 1.0f, x(), 0, static_cast<size_t>(features), node_weight.at(i)(), 0,
                   static_cast<size_t>(features), 0.0f, y(), 0, static_cast<size_t>(outputs), where(n));
      if (node_bias.count(i)) {
        launch("add_channel_bias", total, [&](cl::Kernel& k) {
          k.setArg(0, y), k.setArg(1, node_bias.at(i)), k.setArg(2, static_cast<cl_int>(outputs));
          k.setArg(3, static_cast<cl_int>(1)), k.setArg(4, itotal);
        });
      }
      break;
    }
    case Op::Relu: case Op::Clip: case Op::Sigmoid: case Op::HardSigmoid: case Op::HardSwish: case Op::Silu: {
      const cl_int op = n.op == Op::Relu ? 0 : n.op == Op::Clip ? 1 : n.op == Op::Sigmoid ? 2 : n.op == Op::HardSigmoid ? 3
                        : n.op == Op::HardSwish ? 4 : 5;
      const float pa = n.op == Op::Clip ? a.lo : a.alpha, pb = n.op == Op::Clip ? a.hi : a.beta;
      launch("unary", total, [&](cl::Kernel& k) {
        k.setArg(0, x), k.setArg(1, y), k.setArg(2, op), k.setArg(3, pa), k.setArg(4, pb), k.setArg(5, itotal);
      });
      break;
    }
    case Op::MaxPool: case Op::AvgPool: {
      const bool max = n.op == Op::MaxPool;
      launch(max ? "max_pool" : "avg_pool", total, [&](cl::Kernel& k) {
        int arg = 0;
        k.setArg(arg++, x), k.setArg(arg++, y), k.setArg(arg++, static_cast<cl_int>(in[2]));
        k.setArg(arg++, static_cast<cl_int>(in[3])), k.setArg(arg++, static_cast<cl_int>(n.shape[2]));
        k.setArg(arg++, static_cast<cl_int>(n.shape[3])), k.setArg(arg++, static_cast<cl_int>(a.kernel[0]));
        k.setArg(arg++, static_cast<cl_int>(a.kernel[1])), k.setArg(arg++, static_cast<cl_int>(a.stride[0]));
        k.setArg(arg++, static_cast<cl_int>(a.stride[1])), k.setArg(arg++, static_cast<cl_int>(a.pads[0]));
        k.setArg(arg++, static_cast<cl_int>(a.pads[1]));
        if (!max) k.setArg(arg++, static_cast<cl_int>(a.count_include_pad));
        k.setArg(arg++, itotal);
      });
      break;
    }
    case Op::AdaptiveAvgPool: case Op::GlobalAvgPool: {
      const cl_int oh = static_cast<cl_int>(n.op == Op::GlobalAvgPool ? 1 : n.shape[2]);
      const cl_int ow = static_cast<cl_int>(n.op == Op::GlobalAvgPool ? 1 : n.shape[3]);
      launch("adaptive_avg_pool", total, [&](cl::Kernel& k) {
        k.setArg(0, x), k.setArg(1, y), k.setArg(2, static_cast<cl_int>(in[2])), k.setArg(3, static_cast<cl_int>(in[3]));
        k.setArg(4, oh), k.setArg(5, ow), k.setArg(6, itotal);
      });
      break;
    }
    case Op::Add: case Op::Mul: {
      // Operands right-aligned to the output's (up to) 4 dimensions; broadcast dimensions get stride 0.
      Shape out = n.shape;
      out[0] = batch;
      std::vector<std::pair<cl::Buffer, Shape>> operands;
      for (int p : n.inputs) {
        Shape s = graph.nodes[p].shape;
        s[0] = batch;
        operands.emplace_back(values[p], s);
      }
      for (const auto& w : n.weights) operands.emplace_back(weights.at(w), graph.weight(w).shape());
      auto padded = [](Shape s) {
        while (s.size() < 4) s.insert(s.begin(), 1);
        return s;
      };
      const Shape o4 = padded(out);
      auto strides = [&](const Shape& s) {
        const Shape s4 = padded(s);
        cl_int4 st{};
        int64_t stride = 1;
        for (int d = 3; d >= 0; --d) {
          st.s[d] = s4[d] == 1 && o4[d] != 1 ? 0 : static_cast<cl_int>(stride);
          stride *= s4[d];
        }
        return st;
      };
      cl_int4 shape4;
      for (int d = 0; d < 4; ++d) shape4.s[d] = static_cast<cl_int>(o4[d]);
      launch("binary_broadcast", total, [&](cl::Kernel& k) {
        k.setArg(0, operands[0].first), k.setArg(1, operands[1].first), k.setArg(2, y);
        k.setArg(3, static_cast<cl_int>(n.op == Op::Add ? 0 : 1)), k.setArg(4, shape4);
        k.setArg(5, strides(operands[0].second)), k.setArg(6, strides(operands[1].second)), k.setArg(7, itotal);
      });
      break;
    }
    case Op::Concat: {
      int64_t offset = 0;
      for (int p : n.inputs) {
        const Shape& s = graph.nodes[p].shape;
        const int64_t src_total = batch * per_image(s);
        launch("copy_into_channels", src_total, [&](cl::Kernel& k) {
          k.setArg(0, values[p]), k.setArg(1, y), k.setArg(2, static_cast<cl_int>(s[1]));
          k.setArg(3, static_cast<cl_int>(n.shape[1])), k.setArg(4, static_cast<cl_int>(offset));
          k.setArg(5, static_cast<cl_int>(per_image(s) / s[1])), k.setArg(6, static_cast<cl_int>(src_total));
        });
        offset += s[1];
      }
      break;
    }
    case Op::Pad: {
      launch("pad2d", total, [&](cl::Kernel& k) {
        k.setArg(0, x), k.setArg(1, y), k.setArg(2, static_cast<cl_int>(in[2])), k.setArg(3, static_cast<cl_int>(in[3]));
        k.setArg(4, static_cast<cl_int>(n.shape[2])), k.setArg(5, static_cast<cl_int>(n.shape[3]));
        k.setArg(6, static_cast<cl_int>(a.pads[0])), k.setArg(7, static_cast<cl_int>(a.pads[1])), k.setArg(8, a.value);
        k.setArg(9, itotal);
      });
      break;
    }
    case Op::Input: case Op::Flatten: case Op::Reshape: case Op::Dropout:
      throw Error(where(n) + ": has no kernel (an alias)", Error::Kind::Failure);
  }
  values[i] = y;
}

OpenClExecutor::OpenClExecutor(const Graph& graph, const std::string& device_spec) : impl_(std::make_unique<Impl>()) {
  if (auto why = opencl_unsupported(graph)) throw Error("the OpenCL executor cannot run this graph: " + *why);
  const Device device = parse_device(device_spec);
  check(device.opencl, "the OpenCL executor needs an OpenCL device, not '" + device_spec + "'");
  impl_->ctx = opencl::context(device);
  impl_->ctx->program(kProgram, kOpenClKernels);
  impl_->graph = graph;
  try {
    impl_->prepare();
  } catch (const cl::Error& e) {
    throw Error("uploading the model to " + impl_->ctx->device_name + ": " + opencl::describe(e), Error::Kind::Failure);
  }
}

OpenClExecutor::~OpenClExecutor() = default;

const std::string& OpenClExecutor::device_name() const { return impl_->ctx->device_name; }

std::string OpenClExecutor::device_name_of(const std::string& device_spec) {
  const Device device = parse_device(device_spec);
  check(device.opencl, "'" + device_spec + "' is not an OpenCL device");
  const auto ctx = opencl::context(device);
  ctx->program(kProgram, kOpenClKernels);  // a device that cannot build the kernels is named as unusable here
  return ctx->device_name;
}

Tensor OpenClExecutor::run(const Tensor& x, GpuTiming* timing) {
  const Graph& g = impl_->graph;
  victim::check_input(g, x);
  const int count = static_cast<int>(g.nodes.size());
  const int64_t batch = x.size(0);
  std::vector<int> last_use(count, 0);
  for (int i = 0; i < count; ++i)
    for (int p : g.nodes[i].inputs) last_use[p] = std::max(last_use[p], i);
  last_use[count - 1] = count;
  cl::CommandQueue& q = impl_->ctx->queue;
  Tensor y = Tensor::empty([&] {
    Shape s = g.output().shape;
    s[0] = batch;
    return s;
  }());
  try {
    std::vector<cl::Buffer> values(count);
    cl::Event uploaded, downloaded;
    values[0] = impl_->output(x.numel());
    opencl::upload(*impl_->ctx, values[0], x.data(), static_cast<size_t>(x.numel()) * 4, &uploaded);
    std::vector<cl::Event> done(count);
    for (int i = 1; i < count; ++i) {
      if (impl_->alias[i] >= 0) {
        values[i] = values[impl_->alias[i]];
      } else {
        impl_->run_node(i, batch, values);
        q.enqueueMarkerWithWaitList(nullptr, &done[i]);
      }
      for (int p : g.nodes[i].inputs)
        if (last_use[p] == i) values[p] = cl::Buffer();
    }
    opencl::download(*impl_->ctx, values[count - 1], y.data(), static_cast<size_t>(y.numel()) * 4, &downloaded);
    q.finish();
    if (timing) {
      *timing = GpuTiming{};
      timing->node_ms.assign(count, 0.0);
      timing->upload_ms = duration_ms(uploaded), timing->download_ms = duration_ms(downloaded);
      const cl::Event* previous = &uploaded;
      for (int i = 1; i < count; ++i) {
        if (!done[i]()) continue;
        timing->node_ms[i] = event_ms(*previous, done[i]);
        previous = &done[i];
      }
      timing->kernels_ms = event_ms(uploaded, *previous);
    }
  } catch (const cl::Error& e) {
    throw Error("OpenCL run on " + impl_->ctx->device_name + ": " + opencl::describe(e), Error::Kind::Failure);
  }
  return y;
}

}  // namespace splitleak::gpu
