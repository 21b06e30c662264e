#include "core/nn/layers.h"

#include <cmath>

#include "core/autograd.h"
#include "core/ops/dropout.h"
#include "core/ops/elementwise.h"
#include "core/ops/linear.h"
#include "core/ops/norm.h"

namespace splitleak::nn {
namespace {

// torch's reset_parameters for conv and linear layers.
void default_init(Tensor& weight, Tensor* bias, Generator& gen) {
  init::kaiming_uniform_(weight, gen, std::sqrt(5.0f));
  if (bias && bias->defined()) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(init::fans(weight.shape()).first));
    init::uniform_(*bias, -bound, bound, gen);
  }
}

}  // namespace

Conv2d::Conv2d(int64_t in, int64_t out, int64_t k, const ops::Conv2dOptions& o, bool with_bias, Generator& gen)
    : options(o) {
  Tensor w = Tensor::empty({out, in / o.groups, k, k});
  Tensor b = with_bias ? Tensor::empty({out}) : Tensor();
  default_init(w, &b, gen);
  weight = register_parameter("weight", w);
  if (with_bias) bias = register_parameter("bias", b);
}

Tensor Conv2d::forward(const Tensor& x) { return ops::conv2d(x, weight, bias, options); }

ConvTranspose2d::ConvTranspose2d(int64_t in, int64_t out, int64_t k, const ops::ConvTranspose2dOptions& o,
                                 bool with_bias, Generator& gen)
    : options(o) {
  Tensor w = Tensor::empty({in, out / o.groups, k, k});
  Tensor b = with_bias ? Tensor::empty({out}) : Tensor();
  default_init(w, &b, gen);
  weight = register_parameter("weight", w);
  if (with_bias) bias = register_parameter("bias", b);
}

Tensor ConvTranspose2d::forward(const Tensor& x) { return ops::conv_transpose2d(x, weight, bias, options); }

Linear::Linear(int64_t in, int64_t out, bool with_bias, Generator& gen) {
  Tensor w = Tensor::empty({out, in});
  Tensor b = with_bias ? Tensor::empty({out}) : Tensor();
  default_init(w, &b, gen);
  weight = register_parameter("weight", w);
  if (with_bias) bias = register_parameter("bias", b);
}

Tensor Linear::forward(const Tensor& x) { return ops::linear(x, weight, bias); }

BatchNorm2d::BatchNorm2d(int64_t c, float eps, float momentum, bool affine) : eps(eps), momentum(momentum) {
  if (affine) {
    weight = register_parameter("weight", Tensor::ones({c}));
    bias = register_parameter("bias", Tensor::zeros({c}));
  }
  running_mean = register_buffer("running_mean", Tensor::zeros({c}));
  running_var = register_buffer("running_var", Tensor::ones({c}));
  num_batches_tracked = register_buffer("num_batches_tracked", Tensor::zeros({}));
}

Tensor BatchNorm2d::forward(const Tensor& x) {
  if (is_training()) num_batches_tracked.copy_from(ops::add_scalar(num_batches_tracked.detach(), 1.0f));
  return ops::batch_norm(x, weight, bias, running_mean, running_var, is_training(), momentum, eps);
}

InstanceNorm2d::InstanceNorm2d(int64_t c, float eps, bool affine) : eps(eps) {
  if (affine) {
    weight = register_parameter("weight", Tensor::ones({c}));
    bias = register_parameter("bias", Tensor::zeros({c}));
  }
}

Tensor InstanceNorm2d::forward(const Tensor& x) { return ops::instance_norm(x, weight, bias, eps); }

Tensor Dropout::forward(const Tensor& x) { return ops::dropout(x, p, is_training(), gen_); }

Tensor Sequential::forward(const Tensor& x) {
  Tensor h = x;
  for (auto& layer : layers_) h = layer->forward(h);
  return h;
}

}  // namespace splitleak::nn
