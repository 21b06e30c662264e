#include "core/ops/loss.h"

#include <cmath>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/activation.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/elementwise.h"
#include "core/ops/linear.h"
#include "core/ops/loss_opencl.h"
#include "core/ops/reduce.h"
#include "core/ops/reduce_opencl.h"
#include "core/ops/shape.h"

namespace splitleak::ops {
namespace {

void check_same(const Tensor& a, const Tensor& b, const char* what) {
  check(a.defined() && b.defined() && a.shape() == b.shape(),
        std::string(what) + ": prediction " + (a.defined() ? shape_str(a.shape()) : "undefined") + " and target " +
            (b.defined() ? shape_str(b.shape()) : "undefined") + " differ in shape");
}

using opencl_impl::Term;

// The mean loss of `term` on p's OpenCL device, with the same backward contract.
Tensor mean_pointwise_loss_opencl(const Tensor& p, const Tensor& t, const char* name, bool target_differentiable, Term term) {
  const float scale = 1.0f / static_cast<float>(p.numel());
  Tensor y = opencl_impl::scaled_sum(term, p, t, scale);
  std::vector<Tensor> inputs{p, target_differentiable ? t : Tensor()};
  return autograd::record(y, inputs, name, [p, t, term, scale](const Tensor& gy, std::span<Tensor> gi) {
    if (gi[0].defined()) opencl_impl::scaled_sum_backward(term, p, t, gy, scale, 1.0f, gi[0]);
    if (gi[1].defined()) opencl_impl::scaled_sum_backward(term, p, t, gy, scale, -1.0f, gi[1]);
  });
}

// Mean over elements of f(p, t); the backward adds go/numel * df(p, t) into p's slot and
// -go/numel * df(p, t) into t's slot when `target_differentiable`. `term` is f on a device.
template <typename F, typename DF>
Tensor mean_pointwise_loss(const Tensor& p, const Tensor& t, const char* name, bool target_differentiable, Term term, F f,
                           DF df) {
  check(p.numel() > 0, std::string(name) + " of empty tensors");
  if (on_device(name, {&p, &t})) return mean_pointwise_loss_opencl(p, t, name, target_differentiable, term);
  const float* pp = p.data();
  const float* pt = t.data();
  double acc = 0.0;
  for (int64_t i = 0; i < p.numel(); ++i) acc += f(pp[i], pt[i]);
  const double n = static_cast<double>(p.numel());
  Tensor y = Tensor::scalar(static_cast<float>(acc / n));
  std::vector<Tensor> inputs{p, target_differentiable ? t : Tensor()};
  return autograd::record(y, inputs, name, [p, t, n, df](const Tensor& gy, std::span<Tensor> gi) {
    const float g = static_cast<float>(gy.item() / n);
    const float* pp = p.data();
    const float* pt = t.data();
    for (int64_t i = 0; i < p.numel(); ++i) {
      const float d = g * df(pp[i], pt[i]);
      if (gi[0].defined()) gi[0].data()[i] += d;
      if (gi[1].defined()) gi[1].data()[i] -= d;
    }
  });
}

}  // namespace

Tensor cross_entropy(const Tensor& logits, const Tensor& labels) {
  const bool device = on_device("cross_entropy", {&logits, &labels});
  check_dim(logits, 2, "cross_entropy logits");
  check_dim(labels, 1, "cross_entropy labels");
  const int64_t n = logits.size(0), c = logits.size(1);
  check(labels.size(0) == n, "cross_entropy: " + std::to_string(labels.size(0)) + " labels for " + std::to_string(n) +
                                 " rows of logits");
  Tensor logp = log_softmax(logits);
  // Picking the label entries is a linear map: pick = mean_n logp[n, label_n]. Labels on a device
  // are checked on the host (one counted download of N floats).
  const std::vector<float> label_values = labels.to_vector();
  std::vector<int64_t> idx(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const float l = label_values[static_cast<size_t>(i)];
    check(l >= 0.0f && l < static_cast<float>(c) && l == std::floor(l),
          "cross_entropy: label " + std::to_string(l) + " at row " + std::to_string(i) + " is not a class in [0, " +
              std::to_string(c) + ")");
    idx[static_cast<size_t>(i)] = static_cast<int64_t>(l);
  }
  if (device)
    return autograd::record(opencl_impl::pick_mean_negative(logp, labels), {logp}, "cross_entropy",
                            [labels, c](const Tensor& gy, std::span<Tensor> gi) {
                              opencl_impl::pick_mean_negative_backward(labels, gy, c, gi[0]);
                            });
  double acc = 0.0;
  for (int64_t i = 0; i < n; ++i) acc -= logp.data()[i * c + idx[static_cast<size_t>(i)]];
  Tensor y = Tensor::scalar(static_cast<float>(acc / static_cast<double>(n)));
  return autograd::record(y, {logp}, "cross_entropy", [idx, n, c](const Tensor& gy, std::span<Tensor> gi) {
    const float g = gy.item() / static_cast<float>(n);
    for (int64_t i = 0; i < n; ++i) gi[0].data()[i * c + idx[static_cast<size_t>(i)]] -= g;
  });
}

Tensor bce_with_logits(const Tensor& logits, const Tensor& targets) {
  check_same(logits, targets, "bce_with_logits");
  return mean_pointwise_loss(
      logits, targets, "bce_with_logits", false, Term::bce_logits,
      [](float x, float t) {
        return static_cast<double>(std::max(x, 0.0f) - x * t + std::log1p(std::exp(-std::abs(x))));
      },
      [](float x, float t) { return 1.0f / (1.0f + std::exp(-x)) - t; });
}

Tensor l1_loss(const Tensor& prediction, const Tensor& target) {
  check_same(prediction, target, "l1_loss");
  return mean_pointwise_loss(
      prediction, target, "l1_loss", target.requires_grad(), Term::abs_diff,
      [](float p, float t) { return static_cast<double>(std::abs(p - t)); },
      [](float p, float t) { return p > t ? 1.0f : (p < t ? -1.0f : 0.0f); });
}

Tensor mse_loss(const Tensor& prediction, const Tensor& target) {
  check_same(prediction, target, "mse_loss");
  return mean_pointwise_loss(
      prediction, target, "mse_loss", target.requires_grad(), Term::squared_diff,
      [](float p, float t) { return static_cast<double>(p - t) * static_cast<double>(p - t); },
      [](float p, float t) { return 2.0f * (p - t); });
}

Tensor total_variation(const Tensor& x) {
  check_dim(x, 4, "total_variation input");
  if (on_device("total_variation", {&x}))
    return autograd::record(opencl_impl::total_variation(x), {x}, "total_variation", [x](const Tensor& gy, std::span<Tensor> gi) {
      opencl_impl::total_variation_backward(x, gy, gi[0]);
    });
  const int64_t n = x.size(0), planes = n * x.size(1), h = x.size(2), w = x.size(3);
  const float* px = x.data();
  double sum = 0.0;
  for (int64_t p = 0; p < planes; ++p) {
    const float* img = px + p * h * w;
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j) {
        const float v = img[i * w + j];
        if (i + 1 < h) sum += static_cast<double>(img[(i + 1) * w + j] - v) * (img[(i + 1) * w + j] - v);
        if (j + 1 < w) sum += static_cast<double>(img[i * w + j + 1] - v) * (img[i * w + j + 1] - v);
      }
  }
  Tensor out = Tensor::scalar(static_cast<float>(sum / static_cast<double>(n)));
  return autograd::record(out, {x}, "total_variation", [x, planes, h, w, n](const Tensor& go, std::span<Tensor> gi) {
    const float scale = 2.0f * go.item() / static_cast<float>(n);
    const float* px = x.data();
    float* pg = gi[0].data();
    for (int64_t p = 0; p < planes; ++p) {
      const float* img = px + p * h * w;
      float* g = pg + p * h * w;
      for (int64_t i = 0; i < h; ++i)
        for (int64_t j = 0; j < w; ++j) {
          const float v = img[i * w + j];
          if (i + 1 < h) {
            const float d = scale * (img[(i + 1) * w + j] - v);
            g[(i + 1) * w + j] += d, g[i * w + j] -= d;
          }
          if (j + 1 < w) {
            const float d = scale * (img[i * w + j + 1] - v);
            g[i * w + j + 1] += d, g[i * w + j] -= d;
          }
        }
    }
  });
}

namespace {

// The double-centred Euclidean distance matrix (N, N) of the rows of x (N, ...).
Tensor centred_distances(const Tensor& x) {
  const int64_t n = x.size(0);
  const Tensor rows = x.dim() == 1 ? reshape(x, {n, 1}) : flatten(x, 1);
  const Tensor squared_norms = linear(mul(rows, rows), Tensor::ones({1, rows.size(1)}, x.device()), Tensor());  // (N, 1)
  const Tensor gram = linear(rows, rows, Tensor());                                                             // (N, N)
  Tensor off_diagonal = Tensor::ones({n, n});
  for (int64_t i = 0; i < n; ++i) off_diagonal.data()[i * n + i] = 0.0f;
  // |x_i|² + |x_j|² - 2 x_i.x_j, exactly 0 on the diagonal; rounding below 0 is clamped by power.
  const Tensor squared = mul(add(add(squared_norms, reshape(squared_norms, {1, n})), mul_scalar(gram, -2.0f)),
                             off_diagonal.to(x.device()));
  const Tensor distances = power(squared, 0.5f);
  const Tensor row_means = linear(distances, Tensor::full({1, n}, 1.0f / static_cast<float>(n), x.device()), Tensor());
  return add(sub(sub(distances, row_means), reshape(row_means, {1, n})), mean(distances));
}

}  // namespace

Tensor distance_correlation(const Tensor& x, const Tensor& z) {
  check(x.defined() && z.defined() && x.dim() >= 1 && z.dim() >= 1 && x.size(0) == z.size(0) && x.size(0) >= 2,
        "distance_correlation: x and z need the same number (>= 2) of rows, not " +
            (x.defined() ? shape_str(x.shape()) : std::string("undefined")) + " and " +
            (z.defined() ? shape_str(z.shape()) : std::string("undefined")));
  const Tensor a = centred_distances(x), b = centred_distances(z);
  const Tensor covariance = mean(mul(a, b)), variances = mul(mean(mul(a, a)), mean(mul(b, b)));
  // 1e-30 keeps a constant x or z (zero variance) finite: its correlation is then 0.
  return mul(power(covariance, 0.5f), power(add_scalar(variances, 1e-30f), -0.25f));
}

}  // namespace splitleak::ops
