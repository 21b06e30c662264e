#include "core/ops/fused.h"

#include <initializer_list>
#include <string>
#include <vector>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/conv_common.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/elementwise.h"
#include "core/ops/norm.h"
#include "core/parallel.h"

namespace splitleak::ops {

namespace {

void check_inference(std::initializer_list<const Tensor*> inputs, const char* what) {
  bool needs_grad = false;
  for (const Tensor* t : inputs) needs_grad = needs_grad || (t->defined() && t->requires_grad());
  check(!(autograd::grad_enabled() && needs_grad), std::string(what) + ": inference only (a gradient was requested)");
}

// y = relu(y), element by element as relu computes it.
void relu_in_place(Tensor& y) {
  float* py = y.data();
  parallel_for(y.numel(), [&](int64_t s, int64_t e) {
    for (int64_t i = s; i < e; ++i) py[i] = py[i] > 0.0f ? py[i] : 0.0f;
  });
}

}  // namespace

Tensor add_relu_eval(const Tensor& a, const Tensor& b) {
  check_inference({&a, &b}, "add_relu_eval");
  require_cpu("add_relu_eval", {&a, &b});
  Tensor y = add(a, b);
  relu_in_place(y);
  return y;
}

Tensor conv2d_bn_relu_eval(const Tensor& x, const Tensor& weight, const Tensor& conv_bias, const Conv2dOptions& options,
                           const BatchNormEval& bn, bool relu, const Tensor& residual) {
  check_inference({&x, &weight, &conv_bias, &bn.weight, &bn.bias, &residual}, "conv2d_bn_relu_eval");
  check_dim(x, 4, "conv2d_bn_relu_eval input");
  check_dim(weight, 4, "conv2d_bn_relu_eval weight");
  const Shape out = {x.size(0), weight.size(0),
                     conv_out_size(x.size(2), weight.size(2), options.stride[0], options.padding[0], options.dilation[0]),
                     conv_out_size(x.size(3), weight.size(3), options.stride[1], options.padding[1], options.dilation[1])};
  check(bn.running_mean.numel() == weight.size(0), "conv2d_bn_relu_eval: batch norm has " +
                                                       std::to_string(bn.running_mean.numel()) + " channels, conv output " +
                                                       shape_str(out));
  if (residual.defined() && residual.shape() != out) {  // broadcast: the separate ops
    Tensor sum = add(conv2d_bn_relu_eval(x, weight, conv_bias, options, bn, false), residual);
    if (relu) relu_in_place(sum);
    return sum;
  }
  std::vector<float> scale, shift;
  batch_norm_eval_coefficients(bn.weight, bn.bias, bn.running_mean, bn.running_var, bn.eps, scale, shift);
  detail::OutputMap map;
  map.scale = scale.data(), map.shift = shift.data(), map.relu = relu;
  map.residual = residual.defined() ? residual.data() : nullptr;
  return detail::conv2d_mapped(x, weight, conv_bias, options, map);
}

}  // namespace splitleak::ops
