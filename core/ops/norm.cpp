#include "core/ops/norm.h"

#include <cmath>
#include <vector>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/norm_opencl.h"
#include "core/parallel.h"

namespace splitleak::ops {
namespace {

// Statistics groups: batch norm has one per channel (N segments of `inner` floats each),
// instance norm one per (n, c) plane (one segment).
struct NormLayout {
  int64_t n, c, inner;
  bool per_instance;
  int64_t groups() const { return per_instance ? n * c : c; }
  int64_t segments() const { return per_instance ? 1 : n; }
  int64_t count() const { return segments() * inner; }
  int64_t channel(int64_t g) const { return per_instance ? g % c : g; }
  int64_t offset(int64_t g, int64_t s) const { return per_instance ? g * inner : (s * c + g) * inner; }
};

NormLayout layout_of(const Tensor& x, bool per_instance, const Tensor& weight, const Tensor& bias, const char* what) {
  check(x.defined() && x.dim() >= 2, std::string(what) + ": input must have at least 2 dims (N, C, ...)");
  NormLayout l{x.size(0), x.size(1), x.numel() / std::max<int64_t>(x.size(0) * x.size(1), 1), per_instance};
  for (const Tensor* t : {&weight, &bias})
    check(!t->defined() || (t->dim() == 1 && t->size(0) == l.c),
          std::string(what) + ": weight and bias must have shape [" + std::to_string(l.c) + "]");
  return l;
}

// y = (x - mean[g]) * invstd[g] * gamma[ch] + beta[ch]
void normalize(const Tensor& x, const Tensor& weight, const Tensor& bias, const NormLayout& l,
               const std::vector<float>& mean, const std::vector<float>& invstd, Tensor& y) {
  const float* px = x.data();
  float* py = y.data();
  const float* pw = weight.defined() ? weight.data() : nullptr;
  const float* pb = bias.defined() ? bias.data() : nullptr;
  parallel_for(l.groups(), [&](int64_t s, int64_t e) {
    for (int64_t g = s; g < e; ++g) {
      const int64_t ch = l.channel(g);
      const float scale = invstd[g] * (pw ? pw[ch] : 1.0f);
      const float shift = (pb ? pb[ch] : 0.0f) - mean[g] * scale;
      for (int64_t seg = 0; seg < l.segments(); ++seg) {
        const int64_t off = l.offset(g, seg);
        for (int64_t i = 0; i < l.inner; ++i) py[off + i] = px[off + i] * scale + shift;
      }
    }
  });
}

// Batch statistics per group in double: mean and biased variance.
void batch_stats(const Tensor& x, const NormLayout& l, std::vector<double>& mean, std::vector<double>& var) {
  const float* px = x.data();
  mean.assign(l.groups(), 0.0), var.assign(l.groups(), 0.0);
  parallel_for(l.groups(), [&](int64_t s, int64_t e) {
    for (int64_t g = s; g < e; ++g) {
      double sum = 0.0;
      for (int64_t seg = 0; seg < l.segments(); ++seg)
        for (int64_t i = 0; i < l.inner; ++i) sum += px[l.offset(g, seg) + i];
      const double m = sum / static_cast<double>(l.count());
      double sq = 0.0;
      for (int64_t seg = 0; seg < l.segments(); ++seg)
        for (int64_t i = 0; i < l.inner; ++i) {
          const double d = px[l.offset(g, seg) + i] - m;
          sq += d * d;
        }
      mean[g] = m, var[g] = sq / static_cast<double>(l.count());
    }
  });
}

// Backward of y = xhat * gamma + beta. With batch statistics (`through_stats`) the gradient
// also flows through mean and variance:
//   dx = gamma * invstd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))
// otherwise dx = dy * gamma * invstd. dgamma += sum(dy * xhat), dbeta += sum(dy) per channel.
void normalize_backward(const Tensor& x, const Tensor& weight, const NormLayout& l, const std::vector<float>& mean,
                        const std::vector<float>& invstd, bool through_stats, const Tensor& gy,
                        std::span<Tensor> gi) {
  const float* px = x.data();
  const float* pgy = gy.data();
  const float* pw = weight.defined() ? weight.data() : nullptr;
  std::vector<double> sum_dy(l.groups()), sum_dy_xhat(l.groups());
  parallel_for(l.groups(), [&](int64_t s, int64_t e) {
    for (int64_t g = s; g < e; ++g) {
      double a = 0.0, b = 0.0;
      for (int64_t seg = 0; seg < l.segments(); ++seg) {
        const int64_t off = l.offset(g, seg);
        for (int64_t i = 0; i < l.inner; ++i) {
          a += pgy[off + i];
          b += pgy[off + i] * (px[off + i] - mean[g]) * invstd[g];
        }
      }
      sum_dy[g] = a, sum_dy_xhat[g] = b;
    }
  });
  if (gi[0].defined()) {
    float* pgx = gi[0].data();
    const double count = static_cast<double>(l.count());
    parallel_for(l.groups(), [&](int64_t s, int64_t e) {
      for (int64_t g = s; g < e; ++g) {
        const float k = invstd[g] * (pw ? pw[l.channel(g)] : 1.0f);
        const float mdy = through_stats ? static_cast<float>(sum_dy[g] / count) : 0.0f;
        const float mdyx = through_stats ? static_cast<float>(sum_dy_xhat[g] / count) : 0.0f;
        for (int64_t seg = 0; seg < l.segments(); ++seg) {
          const int64_t off = l.offset(g, seg);
          for (int64_t i = 0; i < l.inner; ++i) {
            const float xhat = (px[off + i] - mean[g]) * invstd[g];
            pgx[off + i] += k * (pgy[off + i] - mdy - xhat * mdyx);
          }
        }
      }
    });
  }
  // Per channel, summed over groups in group order (instance norm has N groups per channel).
  for (int64_t g = 0; g < l.groups(); ++g) {
    if (gi[1].defined()) gi[1].data()[l.channel(g)] += static_cast<float>(sum_dy_xhat[g]);
    if (gi[2].defined()) gi[2].data()[l.channel(g)] += static_cast<float>(sum_dy[g]);
  }
}

Tensor norm_train(const Tensor& x, const Tensor& weight, const Tensor& bias, const NormLayout& l, float eps,
                  const char* name, Tensor running_mean, Tensor running_var, float momentum) {
  std::vector<double> mean_d, var_d;
  batch_stats(x, l, mean_d, var_d);
  std::vector<float> mean(l.groups()), invstd(l.groups());
  for (int64_t g = 0; g < l.groups(); ++g) {
    mean[g] = static_cast<float>(mean_d[g]);
    invstd[g] = static_cast<float>(1.0 / std::sqrt(var_d[g] + eps));
  }
  if (running_mean.defined() && running_var.defined()) {
    const double unbias = static_cast<double>(l.count()) / static_cast<double>(l.count() - 1);
    float* rm = running_mean.data();
    float* rv = running_var.data();
    for (int64_t g = 0; g < l.groups(); ++g) {
      rm[g] = static_cast<float>((1.0 - momentum) * rm[g] + momentum * mean_d[g]);
      rv[g] = static_cast<float>((1.0 - momentum) * rv[g] + momentum * var_d[g] * unbias);
    }
  }
  Tensor y = Tensor::empty(x.shape());
  normalize(x, weight, bias, l, mean, invstd, y);
  return autograd::record(y, {x, weight, bias}, name, [x, weight, l, mean, invstd](const Tensor& gy, std::span<Tensor> gi) {
    normalize_backward(x, weight, l, mean, invstd, true, gy, gi);
  });
}

// Batch or instance norm on x's OpenCL device (training statistics unless `eval`).
Tensor norm_opencl(const Tensor& x, const Tensor& weight, const Tensor& bias, const NormLayout& l, float eps,
                   const char* name, const Tensor& running_mean, const Tensor& running_var, float momentum, bool eval) {
  const opencl_impl::NormShape s{l.n, l.c, l.inner, l.per_instance};
  opencl_impl::NormStats stats;
  Tensor y = eval ? opencl_impl::norm_eval(x, weight, bias, s, running_mean, running_var, eps, stats)
                  : opencl_impl::norm_train(x, weight, bias, s, eps, running_mean, running_var, momentum, stats);
  return autograd::record(y, {x, weight, bias}, name, [x, weight, s, stats, eval](const Tensor& gy, std::span<Tensor> gi) {
    opencl_impl::norm_backward(x, weight, s, stats, !eval, gy, gi[0], gi[1], gi[2]);
  });
}

}  // namespace

void batch_norm_eval_coefficients(const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                                  const Tensor& running_var, float eps, std::vector<float>& scale,
                                  std::vector<float>& shift) {
  const int64_t c = running_mean.numel();
  scale.resize(c), shift.resize(c);
  for (int64_t ch = 0; ch < c; ++ch) {
    const float invstd = 1.0f / std::sqrt(running_var.data()[ch] + eps);
    scale[ch] = invstd * (weight.defined() ? weight.data()[ch] : 1.0f);
    shift[ch] = (bias.defined() ? bias.data()[ch] : 0.0f) - running_mean.data()[ch] * scale[ch];
  }
}

Tensor batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor running_mean, Tensor running_var,
                  bool training, float momentum, float eps) {
  const bool device = on_device("batch_norm", {&x, &weight, &bias, &running_mean, &running_var});
  const NormLayout l = layout_of(x, false, weight, bias, "batch_norm");
  for (const Tensor* t : {&running_mean, &running_var})
    check(!t->defined() || (t->dim() == 1 && t->size(0) == l.c),
          "batch_norm: running statistics must have shape [" + std::to_string(l.c) + "]");
  if (training) {
    check(l.count() > 1, "batch_norm: training needs more than one value per channel, got input " + shape_str(x.shape()));
    if (device) return norm_opencl(x, weight, bias, l, eps, "batch_norm", running_mean, running_var, momentum, false);
    return norm_train(x, weight, bias, l, eps, "batch_norm", running_mean, running_var, momentum);
  }
  check(running_mean.defined() && running_var.defined(), "batch_norm: eval mode needs running statistics");
  if (device) return norm_opencl(x, weight, bias, l, eps, "batch_norm_eval", running_mean, running_var, momentum, true);
  std::vector<float> mean(running_mean.data(), running_mean.data() + l.c), invstd(l.c);
  for (int64_t c = 0; c < l.c; ++c) invstd[c] = 1.0f / std::sqrt(running_var.data()[c] + eps);
  std::vector<float> scale, shift;
  batch_norm_eval_coefficients(weight, bias, running_mean, running_var, eps, scale, shift);
  Tensor y = Tensor::empty(x.shape());
  const float* px = x.data();
  float* py = y.data();
  parallel_for(l.groups(), [&](int64_t s, int64_t e) {
    for (int64_t g = s; g < e; ++g)
      for (int64_t seg = 0; seg < l.segments(); ++seg) {
        const int64_t off = l.offset(g, seg), ch = l.channel(g);
        for (int64_t i = 0; i < l.inner; ++i) py[off + i] = px[off + i] * scale[ch] + shift[ch];
      }
  });
  return autograd::record(y, {x, weight, bias}, "batch_norm_eval",
                          [x, weight, l, mean, invstd](const Tensor& gy, std::span<Tensor> gi) {
                            normalize_backward(x, weight, l, mean, invstd, false, gy, gi);
                          });
}

Tensor instance_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps) {
  const bool device = on_device("instance_norm", {&x, &weight, &bias});
  const NormLayout l = layout_of(x, true, weight, bias, "instance_norm");
  check(l.count() > 1, "instance_norm: needs more than one value per plane, got input " + shape_str(x.shape()));
  if (device) return norm_opencl(x, weight, bias, l, eps, "instance_norm", Tensor(), Tensor(), 0.0f, false);
  return norm_train(x, weight, bias, l, eps, "instance_norm", Tensor(), Tensor(), 0.0f);
}

}  // namespace splitleak::ops
