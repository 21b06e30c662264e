#include "victim/onnx_import.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <sstream>
#include <variant>

#include "core/input_file.h"
#include "core/error.h"
#include "victim/onnx_external_data.h"

namespace splitleak::victim {
namespace {

// The batch dimension inside folded integer shape values.
constexpr int64_t kBatch = std::numeric_limits<int64_t>::min();

using Ints = std::vector<int64_t>;

// What an ONNX value name stands for while importing.
struct Value {
  int node = -1;              // a graph node's output
  std::optional<Tensor> real;  // a float constant (initializer or Constant), named `constant_name`
  std::string constant_name;
  std::optional<Ints> ints;    // a folded integer value (shapes)
};

class Importer {
 public:
  Importer(std::string path, const Shape& input_chw) : path_(std::move(path)), input_chw_(input_chw) {
    dir_ = std::filesystem::path(path_).parent_path();
  }

  Graph run() {
    const std::string bytes = read_file(path_, size_t{2} << 30);  // protobuf's own limit
    onnx::ModelProto model;
    check(!bytes.empty() && model.ParseFromString(bytes) && model.has_graph() && model.graph().node_size() > 0,
          path_ + ": not an ONNX model, or truncated (protobuf parse failed or no graph)");
    for (const auto& opset : model.opset_import())
      if (opset.domain().empty() || opset.domain() == "ai.onnx") opset_ = opset.version();
    const onnx::GraphProto& g = model.graph();
    for (const auto& init : g.initializer()) {
      Value v;
      if (init.data_type() == onnx::TensorProto::FLOAT) {
        v.real = to_tensor(init);
        v.constant_name = init.name();
      } else {
        v.ints = to_ints(init, init.name());
      }
      values_[init.name()] = v;
    }
    add_input(g);
    for (const auto& node : g.node()) import_node(node);
    check(g.output_size() == 1, path_ + ": the model must have exactly one output");
    const Value& out = lookup(g.output(0).name(), "graph output");
    check(out.node > 0, path_ + ": the graph output '" + g.output(0).name() + "' is not computed from the input");
    return prune(out.node);
  }

 private:
  [[noreturn]] void fail(const onnx::NodeProto& node, const std::string& message) const {
    const std::string name = node.name().empty() ? (node.output_size() ? node.output(0) : "?") : node.name();
    throw Error(path_ + ": node '" + name + "' (" + node.op_type() + "): " + message);
  }

  const Value& lookup(const std::string& name, const std::string& what) const {
    auto it = values_.find(name);
    check(it != values_.end(), path_ + ": " + what + " reads '" + name + "', which nothing produces");
    return it->second;
  }

  // Raw bytes of a tensor, from raw_data or an external file (victim/onnx_external_data.h).
  std::string raw_bytes(const onnx::TensorProto& t, const std::string& name) const {
    if (t.data_location() != onnx::TensorProto::EXTERNAL) return t.raw_data();
    const std::string where = path_ + ": initializer '" + shown(name) + "'";
    std::vector<std::pair<std::string, std::string>> records;
    for (const auto& kv : t.external_data()) records.emplace_back(kv.key(), kv.value());
    return read_external_data(dir_, parse_external_data(records, where), bytes_of_shape(t, where), where);
  }

  // The bytes a tensor's dims say it holds; Error for a negative dim or a count past 2^62 bytes.
  // Its callers have checked the type: float32 (to_tensor), int64 or int32 (to_ints).
  static uint64_t bytes_of_shape(const onnx::TensorProto& t, const std::string& where) {
    uint64_t bytes = t.data_type() == onnx::TensorProto::INT64 ? 8 : 4;
    constexpr uint64_t kLimit = uint64_t{1} << 62;
    for (const int64_t d : t.dims()) {
      check(d >= 0 && (d == 0 || bytes <= kLimit / static_cast<uint64_t>(d)),
            where + ": its shape " + shape_str(Shape(t.dims().begin(), t.dims().end())) + " is negative or too large");
      bytes *= static_cast<uint64_t>(d);
    }
    return bytes;
  }

  // The values are counted against the shape before anything is allocated for it.
  Tensor to_tensor(const onnx::TensorProto& t) const {
    const Shape shape(t.dims().begin(), t.dims().end());
    const bool listed = t.float_data_size() > 0;
    const std::string bytes = listed ? std::string() : raw_bytes(t, t.name());
    const int64_t values = listed ? t.float_data_size() : static_cast<int64_t>(bytes.size() / 4);
    check((listed || bytes.size() % 4 == 0) && shape_holds(shape, values),
          path_ + ": initializer '" + t.name() + "' holds " + std::to_string(values) + " values (" +
              std::to_string(listed ? values * 4 : static_cast<int64_t>(bytes.size())) + " bytes), its shape " +
              shape_str(shape) + " says otherwise");
    Tensor out = Tensor::empty(shape);
    if (listed) std::copy(t.float_data().begin(), t.float_data().end(), out.data());
    else std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  }

  Ints to_ints(const onnx::TensorProto& t, const std::string& name) const {
    Ints out;
    if (t.data_type() == onnx::TensorProto::INT64) {
      if (t.int64_data_size() > 0) return Ints(t.int64_data().begin(), t.int64_data().end());
      const std::string bytes = raw_bytes(t, name);
      out.resize(bytes.size() / 8);
      std::memcpy(out.data(), bytes.data(), out.size() * 8);
    } else if (t.data_type() == onnx::TensorProto::INT32) {
      if (t.int32_data_size() > 0) return Ints(t.int32_data().begin(), t.int32_data().end());
      const std::string bytes = raw_bytes(t, name);
      std::vector<int32_t> v(bytes.size() / 4);
      std::memcpy(v.data(), bytes.data(), v.size() * 4);
      out.assign(v.begin(), v.end());
    } else {
      throw Error(path_ + ": tensor '" + name + "' has data type " + std::to_string(t.data_type()) +
                  "; only float32, int64 and int32 are supported");
    }
    return out;
  }

  void add_input(const onnx::GraphProto& g) {
    for (const auto& in : g.input()) {
      if (values_.count(in.name())) continue;  // an initializer listed as an input
      Shape shape{1};
      const auto& dims = in.type().tensor_type().shape().dim();
      for (int d = 1; d < dims.size(); ++d) shape.push_back(dims[d].has_dim_value() ? dims[d].dim_value() : -1);
      if (!input_chw_.empty()) {
        check(input_chw_.size() + 1 == shape.size() || shape.size() == 1,
              path_ + ": --input has " + std::to_string(input_chw_.size()) + " dims, the model's input has " +
                  std::to_string(dims.size() - 1) + " after the batch");
        shape = {1};
        shape.insert(shape.end(), input_chw_.begin(), input_chw_.end());
      }
      for (int64_t d : shape)
        check(d > 0, path_ + ": input '" + in.name() + "' has symbolic dimensions; give its shape (--input CxHxW)");
      check(graph_.nodes.empty(), path_ + ": the model has more than one data input");
      Node node;
      node.name = in.name();
      node.op = op::Input{};
      node.shape = shape;
      node.candidate = false;
      graph_.nodes.push_back(node);
      values_[in.name()].node = 0;
    }
    check(!graph_.nodes.empty(), path_ + ": the model has no data input");
  }

  // Attribute accessors.
  static const onnx::AttributeProto* attr(const onnx::NodeProto& n, const std::string& name) {
    for (const auto& a : n.attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }
  static Ints attr_ints(const onnx::NodeProto& n, const std::string& name, Ints fallback) {
    const auto* a = attr(n, name);
    return a ? Ints(a->ints().begin(), a->ints().end()) : fallback;
  }
  static int64_t attr_int(const onnx::NodeProto& n, const std::string& name, int64_t fallback) {
    const auto* a = attr(n, name);
    return a ? a->i() : fallback;
  }
  static float attr_float(const onnx::NodeProto& n, const std::string& name, float fallback) {
    const auto* a = attr(n, name);
    return a ? a->f() : fallback;
  }
  static std::string attr_string(const onnx::NodeProto& n, const std::string& name, const std::string& fallback) {
    const auto* a = attr(n, name);
    return a ? a->s() : fallback;
  }

  const Value& input(const onnx::NodeProto& n, int i) const {
    if (i >= n.input_size() || n.input(i).empty()) fail(n, "input " + std::to_string(i) + " is missing");
    return lookup(n.input(i), "node '" + n.output(0) + "'");
  }
  bool has_input(const onnx::NodeProto& n, int i) const { return i < n.input_size() && !n.input(i).empty(); }
  int node_input(const onnx::NodeProto& n, int i) const {
    const Value& v = input(n, i);
    if (v.node < 0) fail(n, "input '" + n.input(i) + "' must be computed from the model input, not a constant");
    return v.node;
  }
  // A float constant input, registered as a weight (buffer unless `trainable`).
  std::string weight_input(const onnx::NodeProto& n, int i, bool trainable) {
    const Value& v = input(n, i);
    if (!v.real) fail(n, "input '" + n.input(i) + "' must be a float constant (an initializer)");
    return add_weight(v.constant_name, *v.real, trainable);
  }
  std::string add_weight(const std::string& name, const Tensor& t, bool trainable) {
    graph_.tensors[name] = t;
    if (!trainable) graph_.buffers.insert(name);
    return name;
  }
  Ints int_input(const onnx::NodeProto& n, int i) const {
    const Value& v = input(n, i);
    if (!v.ints) fail(n, "input '" + n.input(i) + "' must be a constant integer tensor");
    return *v.ints;
  }

  int push(const onnx::NodeProto& n, Node node) {
    try {
      node.shape = infer_node_shape(graph_, node);
    } catch (const Error& e) {
      fail(n, e.what());
    }
    graph_.nodes.push_back(std::move(node));
    return static_cast<int>(graph_.nodes.size()) - 1;
  }
  Node make(const onnx::NodeProto& n, Op op, std::vector<int> inputs) const {
    Node node;
    node.name = n.output(0);
    node.op = op;
    node.inputs = std::move(inputs);
    return node;
  }
  void define(const onnx::NodeProto& n, int node) { values_[n.output(0)].node = node; }

  // Symmetric pads stay on the op; otherwise a Pad node (filled with `pad_value`) goes first.
  int pad_if_asymmetric(const onnx::NodeProto& n, int x, std::array<int64_t, 4>& pads, float pad_value) {
    if (pads[0] == pads[2] && pads[1] == pads[3]) return x;
    Node pad = make(n, op::Pad{pads, pad_value}, {x});
    pad.name = n.output(0) + "/pad";
    pad.candidate = false;
    pads = {0, 0, 0, 0};
    return push(n, pad);
  }

  // pads {top, left, bottom, right} from ONNX's pads / auto_pad for a 2-D window op.
  std::array<int64_t, 4> window_pads(const onnx::NodeProto& n, int x, const Ints& kernel, const Ints& stride,
                                     const Ints& dilation) const {
    const std::string auto_pad = attr_string(n, "auto_pad", "NOTSET");
    if (auto_pad == "NOTSET") {
      const Ints p = attr_ints(n, "pads", {0, 0, 0, 0});
      if (p.size() != 4) fail(n, "pads must have 4 entries for a 2-D op");
      return {p[0], p[1], p[2], p[3]};
    }
    if (auto_pad == "VALID") return {0, 0, 0, 0};
    if (auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") fail(n, "unknown auto_pad '" + auto_pad + "'");
    std::array<int64_t, 4> pads{};
    for (int d = 0; d < 2; ++d) {
      const int64_t in = graph_.nodes[x].shape[2 + d], out = (in + stride[d] - 1) / stride[d];
      const int64_t total = std::max<int64_t>(0, (out - 1) * stride[d] + (kernel[d] - 1) * dilation[d] + 1 - in);
      const int64_t small = total / 2, large = total - small;
      pads[d] = auto_pad == "SAME_UPPER" ? small : large;
      pads[d + 2] = auto_pad == "SAME_UPPER" ? large : small;
    }
    return pads;
  }

  void import_node(const onnx::NodeProto& n) {
    if (n.output_size() < 1) fail(n, "has no output");
    if (!n.domain().empty() && n.domain() != "ai.onnx") fail(n, "operator domain '" + n.domain() + "' is not supported");
    const std::string& op = n.op_type();
    if (op == "Constant") return constant(n);
    if (op == "Identity" || op == "Dropout") {
      if (op == "Dropout" && n.output_size() > 1 && !n.output(1).empty()) fail(n, "the dropout mask output is not supported");
      values_[n.output(0)] = input(n, 0);
      return;
    }
    if (op == "Shape" || op == "Gather" || op == "Unsqueeze" || op == "Cast" ||
        (op == "Concat" && input(n, 0).ints) || (op == "Squeeze" && input(n, 0).ints))
      return fold_ints(n);
    if (op == "Conv") return conv(n);
    if (op == "BatchNormalization") {
      if (attr_int(n, "training_mode", 0) != 0) fail(n, "training_mode is not supported");
      Node node = make(n, op::BatchNorm{attr_float(n, "epsilon", 1e-5f), 0.1f}, {node_input(n, 0)});
      node.weights = {weight_input(n, 1, true), weight_input(n, 2, true), weight_input(n, 3, false),
                      weight_input(n, 4, false)};
      return define(n, push(n, node));
    }
    const std::map<std::string, Op> pointwise{{"Relu", op::Relu{}},
                                              {"Sigmoid", op::Sigmoid{}},
                                              {"HardSwish", op::HardSwish{}},
                                              {"GlobalAveragePool", op::GlobalAvgPool{}}};
    if (auto it = pointwise.find(op); it != pointwise.end())
      return define(n, push(n, make(n, it->second, {node_input(n, 0)})));
    if (op == "HardSigmoid") {
      op::HardSigmoid hard_sigmoid;
      hard_sigmoid.alpha = attr_float(n, "alpha", 0.2f), hard_sigmoid.beta = attr_float(n, "beta", 0.5f);
      return define(n, push(n, make(n, hard_sigmoid, {node_input(n, 0)})));
    }
    if (op == "Clip") return clip(n);
    if (op == "MaxPool" || op == "AveragePool") return pool(n);
    if (op == "Add" || op == "Mul" || op == "Sub" || op == "Div") return arithmetic(n);
    if (op == "Concat") {
      std::vector<int> inputs;
      for (int i = 0; i < n.input_size(); ++i) inputs.push_back(node_input(n, i));
      const int64_t axis = attr_int(n, "axis", 1), rank = static_cast<int64_t>(graph_.nodes[inputs[0]].shape.size());
      if (axis != 1 && axis != 1 - rank) fail(n, "only concatenation along channels (axis 1) is supported");
      return define(n, push(n, make(n, op::Concat{}, inputs)));
    }
    if (op == "Flatten") {
      if (attr_int(n, "axis", 1) != 1) fail(n, "only axis 1 is supported");
      return define(n, push(n, make(n, op::Flatten{}, {node_input(n, 0)})));
    }
    if (op == "Reshape") return reshape(n);
    if (op == "Gemm" || op == "MatMul") return gemm(n);
    if (op == "Pad") return pad(n);
    fail(n, "unsupported operator (splitleak imports Conv, BatchNormalization, Relu, Clip, Sigmoid, HardSigmoid, "
            "HardSwish, Mul, Add, Sub/Div by a constant, MaxPool, AveragePool, GlobalAveragePool, Pad, Flatten, "
            "Reshape, Gemm, MatMul, Concat, Dropout, Identity, Constant and shape chains)");
  }

  void constant(const onnx::NodeProto& n) {
    const auto* value = attr(n, "value");
    if (!value || !value->has_t()) fail(n, "only the 'value' tensor attribute is supported");
    Value v;
    if (value->t().data_type() == onnx::TensorProto::FLOAT) {
      v.real = to_tensor(value->t());
      v.constant_name = n.output(0);
    } else {
      v.ints = to_ints(value->t(), n.output(0));
    }
    values_[n.output(0)] = v;
  }

  void fold_ints(const onnx::NodeProto& n) {
    const std::string& op = n.op_type();
    Ints out;
    if (op == "Shape") {
      const Value& v = input(n, 0);
      if (v.node < 0) fail(n, "Shape of a constant is not supported");
      out = graph_.nodes[v.node].shape;
      out[0] = kBatch;
      const int64_t rank = static_cast<int64_t>(out.size());
      int64_t start = attr_int(n, "start", 0), end = attr_int(n, "end", rank);
      if (start < 0) start += rank;
      if (end < 0) end += rank;
      start = std::clamp<int64_t>(start, 0, rank), end = std::clamp<int64_t>(end, start, rank);
      out = Ints(out.begin() + start, out.begin() + end);
    } else if (op == "Gather") {
      const Ints data = int_input(n, 0), indices = int_input(n, 1);
      if (attr_int(n, "axis", 0) != 0) fail(n, "only axis 0 is supported on shape values");
      for (int64_t i : indices) {
        const int64_t at = i < 0 ? i + static_cast<int64_t>(data.size()) : i;
        if (at < 0 || at >= static_cast<int64_t>(data.size())) fail(n, "index out of range");
        out.push_back(data[at]);
      }
    } else if (op == "Concat") {
      for (int i = 0; i < n.input_size(); ++i) {
        const Ints part = int_input(n, i);
        out.insert(out.end(), part.begin(), part.end());
      }
    } else {  // Unsqueeze, Squeeze, Cast: the values of a 0-d/1-d integer tensor are unchanged
      out = int_input(n, 0);
    }
    Value v;
    v.ints = out;
    values_[n.output(0)] = v;
  }

  void conv(const onnx::NodeProto& n) {
    int x = node_input(n, 0);
    const std::string w = weight_input(n, 1, true);
    const Tensor& weight = graph_.tensors[w];
    if (weight.dim() != 4) fail(n, "only 2-D convolutions are supported (weight " + shape_str(weight.shape()) + ")");
    const Ints kernel = attr_ints(n, "kernel_shape", {weight.size(2), weight.size(3)});
    const Ints stride = attr_ints(n, "strides", {1, 1}), dilation = attr_ints(n, "dilations", {1, 1});
    if (kernel.size() != 2 || stride.size() != 2 || dilation.size() != 2) fail(n, "only 2-D convolutions are supported");
    std::array<int64_t, 4> pads = window_pads(n, x, kernel, stride, dilation);
    x = pad_if_asymmetric(n, x, pads, 0.0f);
    op::Conv conv;
    conv.stride = {stride[0], stride[1]}, conv.dilation = {dilation[0], dilation[1]};
    conv.pads = pads;
    conv.groups = attr_int(n, "group", 1);
    Node node = make(n, conv, {x});
    node.weights = {w};
    if (has_input(n, 2)) node.weights.push_back(weight_input(n, 2, true));
    define(n, push(n, node));
  }

  void clip(const onnx::NodeProto& n) {
    const int x = node_input(n, 0);
    float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
    if (opset_ < 11) {
      lo = attr_float(n, "min", lo), hi = attr_float(n, "max", hi);
    } else {
      auto scalar = [&](int i, float fallback) {
        if (!has_input(n, i)) return fallback;
        const Value& v = input(n, i);
        if (!v.real || v.real->numel() != 1) fail(n, "min and max must be constant scalars");
        return v.real->data()[0];
      };
      lo = scalar(1, lo), hi = scalar(2, hi);
    }
    op::Clip clip;
    clip.lo = lo, clip.hi = hi;
    define(n, push(n, make(n, clip, {x})));
  }

  void pool(const onnx::NodeProto& n) {
    const bool max = n.op_type() == "MaxPool";
    int x = node_input(n, 0);
    if (max && n.output_size() > 1 && !n.output(1).empty()) fail(n, "the indices output is not supported");
    const Ints kernel = attr_ints(n, "kernel_shape", {});
    const Ints stride = attr_ints(n, "strides", {1, 1}), dilation = attr_ints(n, "dilations", {1, 1});
    if (kernel.size() != 2 || stride.size() != 2) fail(n, "only 2-D pooling is supported");
    if (dilation != Ints{1, 1}) fail(n, "dilated pooling is not supported");
    if (attr_int(n, "storage_order", 0) != 0) fail(n, "storage_order 1 is not supported");
    std::array<int64_t, 4> pads = window_pads(n, x, kernel, stride, dilation);
    const bool count_include_pad = attr_int(n, "count_include_pad", 0) != 0;
    const bool symmetric = pads[0] == pads[2] && pads[1] == pads[3];
    if (!symmetric && !max && !count_include_pad) fail(n, "asymmetric padding without count_include_pad");
    if (symmetric && (pads[0] * 2 > kernel[0] || pads[1] * 2 > kernel[1])) fail(n, "padding exceeds half the kernel");
    x = pad_if_asymmetric(n, x, pads, max ? -std::numeric_limits<float>::infinity() : 0.0f);
    op::WindowPool window;
    window.kernel = {kernel[0], kernel[1]}, window.stride = {stride[0], stride[1]};
    window.pads = pads;
    window.ceil_mode = attr_int(n, "ceil_mode", 0) != 0;
    if (max) return define(n, push(n, make(n, op::MaxPool{window}, {x})));
    define(n, push(n, make(n, op::AvgPool{window, count_include_pad}, {x})));
  }

  void arithmetic(const onnx::NodeProto& n) {
    const std::string& op = n.op_type();
    const Value& a = input(n, 0);
    const Value& b = input(n, 1);
    if (a.ints || b.ints) fail(n, "arithmetic on shape values is not supported");
    if (a.node < 0 && b.node < 0) fail(n, "both operands are constants");
    Node node = make(n, op == "Add" || op == "Sub" ? Op(op::Add{}) : Op(op::Mul{}), {});
    if (a.node >= 0 && b.node >= 0) {
      if (op == "Sub" || op == "Div") fail(n, "only subtraction or division by a constant is supported");
      node.inputs = {a.node, b.node};
    } else {
      if ((op == "Sub" || op == "Div") && a.node < 0) fail(n, "only subtraction or division by a constant is supported");
      const Value& c = a.node < 0 ? a : b;
      node.inputs = {a.node < 0 ? b.node : a.node};
      Tensor t = *c.real;
      std::string name = c.constant_name;
      if (op == "Sub" || op == "Div") {
        Tensor converted = Tensor::empty(t.shape());
        for (int64_t i = 0; i < t.numel(); ++i)
          converted.data()[i] = op == "Sub" ? -t.data()[i] : 1.0f / t.data()[i];
        t = converted;
        name += op == "Sub" ? "/negated" : "/reciprocal";
      }
      node.weights = {add_weight(name, t, false)};
    }
    define(n, push(n, node));
  }

  void reshape(const onnx::NodeProto& n) {
    const int x = node_input(n, 0);
    const Ints target = int_input(n, 1);
    if (target.empty()) fail(n, "the target shape is empty");
    op::Reshape reshape;
    for (size_t i = 1; i < target.size(); ++i) {
      if (target[i] == kBatch) fail(n, "the batch dimension may only stay first");
      reshape.shape.push_back(target[i]);
    }
    define(n, push(n, make(n, reshape, {x})));
  }

  void gemm(const onnx::NodeProto& n) {
    const bool is_gemm = n.op_type() == "Gemm";
    const int x = node_input(n, 0);
    if (is_gemm && attr_int(n, "transA", 0) != 0) fail(n, "transA is not supported");
    const Value& b = input(n, 1);
    if (!b.real || b.real->dim() != 2) fail(n, "the second operand must be a constant matrix");
    // Linear's layout is (out, in): Gemm with transB = 1 already is; otherwise transpose.
    const bool trans_b = is_gemm && attr_int(n, "transB", 0) != 0;
    const float alpha = is_gemm ? attr_float(n, "alpha", 1.0f) : 1.0f, beta = is_gemm ? attr_float(n, "beta", 1.0f) : 1.0f;
    Tensor w = *b.real;
    std::string w_name = b.constant_name;
    if (!trans_b || alpha != 1.0f) {
      const int64_t rows = w.size(0), cols = w.size(1);
      Tensor t = Tensor::empty(trans_b ? Shape{rows, cols} : Shape{cols, rows});
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
          (trans_b ? t.data()[r * cols + c] : t.data()[c * rows + r]) = alpha * w.data()[r * cols + c];
      w = t;
      w_name += trans_b ? "/scaled" : "/transposed";
    }
    Node node = make(n, op::Linear{}, {x});
    node.weights = {add_weight(w_name, w, true)};
    if (is_gemm && has_input(n, 2)) {
      const Value& c = input(n, 2);
      if (!c.real || c.real->numel() != w.size(0)) fail(n, "the bias must be a constant vector of the output size");
      Tensor bias = c.real->clone().view({w.size(0)});
      std::string bias_name = c.constant_name;
      if (beta != 1.0f) {
        for (int64_t i = 0; i < bias.numel(); ++i) bias.data()[i] *= beta;
        bias_name += "/scaled";
      }
      node.weights.push_back(add_weight(bias_name, bias, true));
    }
    define(n, push(n, node));
  }

  void pad(const onnx::NodeProto& n) {
    const int x = node_input(n, 0);
    if (attr_string(n, "mode", "constant") != "constant") fail(n, "only constant padding is supported");
    const Ints p = opset_ < 11 ? attr_ints(n, "pads", {}) : int_input(n, 1);
    float value = attr_float(n, "value", 0.0f);
    if (opset_ >= 11 && has_input(n, 2)) {
      const Value& v = input(n, 2);
      if (!v.real || v.real->numel() != 1) fail(n, "constant_value must be a float scalar constant");
      value = v.real->data()[0];
    }
    if (opset_ >= 18 && has_input(n, 3)) fail(n, "the axes input is not supported");
    if (p.size() != 8 || p[0] || p[1] || p[4] || p[5]) fail(n, "only padding of H and W of a 4-D tensor is supported");
    for (int64_t v : p)
      if (v < 0) fail(n, "negative padding (cropping) is not supported");
    define(n, push(n, make(n, op::Pad{{p[2], p[3], p[6], p[7]}, value}, {x})));
  }

  // Keeps only the nodes the output depends on; the output becomes the last node.
  Graph prune(int output) {
    const int count = static_cast<int>(graph_.nodes.size());
    std::vector<bool> needed(count, false);
    needed[output] = needed[0] = true;
    for (int i = output; i > 0; --i)
      if (needed[i])
        for (int p : graph_.nodes[i].inputs) needed[p] = true;
    Graph out;
    std::vector<int> remap(count, -1);
    for (int i = 0; i <= output; ++i) {
      if (!needed[i]) continue;
      Node node = graph_.nodes[i];
      for (int& p : node.inputs) p = remap[p];
      remap[i] = static_cast<int>(out.nodes.size());
      for (const auto& w : node.weights) {
        out.tensors[w] = graph_.tensors.at(w);
        if (graph_.buffers.count(w)) out.buffers.insert(w);
      }
      out.nodes.push_back(std::move(node));
    }
    out.metadata["source"] = path_;
    out.metadata["onnx_opset"] = std::to_string(opset_);
    infer_shapes(out);
    return out;
  }

  std::string path_;
  std::filesystem::path dir_;
  Shape input_chw_;
  int64_t opset_ = 1;
  Graph graph_;
  std::map<std::string, Value> values_;
};

}  // namespace

Graph import_onnx(const std::string& path, const Shape& input_chw) { return Importer(path, input_chw).run(); }

}  // namespace splitleak::victim
