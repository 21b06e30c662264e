#include "core/ops/fused.h"

#include <initializer_list>
#include <string>
#include <vector>

#include "core/autograd.h"
#include "core/error.h"
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
  Tensor y = conv2d(x, weight, conv_bias, options);
  check(bn.running_mean.numel() == y.size(1), "conv2d_bn_relu_eval: batch norm has " +
                                                  std::to_string(bn.running_mean.numel()) + " channels, conv output " +
                                                  shape_str(y.shape()));
  if (residual.defined() && residual.shape() != y.shape()) {  // broadcast: the separate ops
    Tensor sum = add(conv2d_bn_relu_eval(x, weight, conv_bias, options, bn, false), residual);
    if (relu) relu_in_place(sum);
    return sum;
  }
  std::vector<float> scale, shift;
  batch_norm_eval_coefficients(bn.weight, bn.bias, bn.running_mean, bn.running_var, bn.eps, scale, shift);
  const int64_t c = y.size(1), plane = y.numel() / std::max<int64_t>(y.size(0) * c, 1);
  float* py = y.data();
  const float* pr = residual.defined() ? residual.data() : nullptr;
  // The same expressions as batch_norm's eval path, add and relu, element by element.
  parallel_for(y.size(0) * c, [&](int64_t s, int64_t e) {
    for (int64_t nc = s; nc < e; ++nc) {
      const float a = scale[nc % c], b = shift[nc % c];
      float* row = py + nc * plane;
      if (pr) {
        const float* res = pr + nc * plane;
        for (int64_t i = 0; i < plane; ++i) {
          float v = row[i] * a + b;
          v = v + res[i];
          row[i] = relu ? (v > 0.0f ? v : 0.0f) : v;
        }
      } else if (relu) {
        for (int64_t i = 0; i < plane; ++i) {
          const float v = row[i] * a + b;
          row[i] = v > 0.0f ? v : 0.0f;
        }
      } else {
        for (int64_t i = 0; i < plane; ++i) row[i] = row[i] * a + b;
      }
    }
  });
  return y;
}

}  // namespace splitleak::ops
