#include "core/ops/reduce.h"

#include <cmath>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/reduce_opencl.h"
#include "core/parallel.h"

namespace splitleak::ops {
namespace {

double sum_double(const Tensor& x) {
  const float* p = x.data();
  double acc = 0.0;
  for (int64_t i = 0; i < x.numel(); ++i) acc += p[i];
  return acc;
}

// The same on x's OpenCL device.
Tensor scaled_sum_opencl(const Tensor& x, float scale, const char* name) {
  using opencl_impl::Term;
  Tensor y = opencl_impl::scaled_sum(Term::value, x, x, scale);
  return autograd::record(y, {x}, name, [x, scale](const Tensor& gy, std::span<Tensor> gi) {
    opencl_impl::scaled_sum_backward(Term::value, x, x, gy, scale, 1.0f, gi[0]);
  });
}

Tensor scaled_sum(const Tensor& x, double scale, const char* name) {
  if (on_device(name, {&x})) return scaled_sum_opencl(x, static_cast<float>(scale), name);
  Tensor y = Tensor::scalar(static_cast<float>(sum_double(x) * scale));
  const float s = static_cast<float>(scale);
  return autograd::record(y, {x}, name, [s](const Tensor& gy, std::span<Tensor> gi) {
    const float g = gy.item() * s;
    float* p = gi[0].data();
    parallel_for(gi[0].numel(), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) p[i] += g;
    });
  });
}

struct SoftmaxDims {
  int64_t outer, c, inner;
};

SoftmaxDims softmax_dims(const Tensor& x, const char* what) {
  check(x.defined() && x.dim() >= 2, std::string(what) + ": input must have at least 2 dims (N, C, ...)");
  return {x.size(0), x.size(1), x.numel() / std::max<int64_t>(x.size(0) * x.size(1), 1)};
}

// out[n, :, i] = log_softmax or softmax of x[n, :, i].
Tensor softmax_forward(const Tensor& x, bool log) {
  const SoftmaxDims d = softmax_dims(x, log ? "log_softmax" : "softmax");
  Tensor y = Tensor::empty(x.shape());
  const float* px = x.data();
  float* py = y.data();
  parallel_for(d.outer * d.inner, [&](int64_t s, int64_t e) {
    for (int64_t r = s; r < e; ++r) {
      const int64_t base = (r / d.inner) * d.c * d.inner + r % d.inner;
      float mx = px[base];
      for (int64_t k = 1; k < d.c; ++k) mx = std::max(mx, px[base + k * d.inner]);
      double z = 0.0;
      for (int64_t k = 0; k < d.c; ++k) z += std::exp(static_cast<double>(px[base + k * d.inner] - mx));
      const float logz = static_cast<float>(std::log(z)) + mx;
      for (int64_t k = 0; k < d.c; ++k) {
        const float v = px[base + k * d.inner] - logz;
        py[base + k * d.inner] = log ? v : std::exp(v);
      }
    }
  });
  return y;
}

// softmax or log_softmax on x's OpenCL device.
Tensor softmax_opencl(const Tensor& x, bool log) {
  const SoftmaxDims d = softmax_dims(x, log ? "log_softmax" : "softmax");
  Tensor y = opencl_impl::softmax(x, d.outer, d.c, d.inner, log);
  return autograd::record(y, {x}, log ? "log_softmax" : "softmax", [d, y_saved = y.detach(), log](const Tensor& gy, std::span<Tensor> gi) {
    opencl_impl::softmax_backward(y_saved, gy, d.outer, d.c, d.inner, log, gi[0]);
  });
}

}  // namespace

Tensor sum(const Tensor& x) { return scaled_sum(x, 1.0, "sum"); }

Tensor mean(const Tensor& x) {
  check(x.numel() > 0, "mean of an empty tensor");
  return scaled_sum(x, 1.0 / static_cast<double>(x.numel()), "mean");
}

Tensor softmax(const Tensor& x) {
  if (on_device("softmax", {&x})) return softmax_opencl(x, false);
  Tensor y = softmax_forward(x, false);
  const SoftmaxDims d = softmax_dims(x, "softmax");
  // dx = y * (dy - sum_k dy_k y_k)
  return autograd::record(y, {x}, "softmax", [d, y_saved = y.detach()](const Tensor& gy, std::span<Tensor> gi) {
    const float* py = y_saved.data();
    const float* pgy = gy.data();
    float* pgx = gi[0].data();
    parallel_for(d.outer * d.inner, [&](int64_t s, int64_t e) {
      for (int64_t r = s; r < e; ++r) {
        const int64_t base = (r / d.inner) * d.c * d.inner + r % d.inner;
        double dot = 0.0;
        for (int64_t k = 0; k < d.c; ++k) dot += pgy[base + k * d.inner] * py[base + k * d.inner];
        for (int64_t k = 0; k < d.c; ++k) {
          const int64_t i = base + k * d.inner;
          pgx[i] += py[i] * (pgy[i] - static_cast<float>(dot));
        }
      }
    });
  });
}

Tensor log_softmax(const Tensor& x) {
  if (on_device("log_softmax", {&x})) return softmax_opencl(x, true);
  Tensor y = softmax_forward(x, true);
  const SoftmaxDims d = softmax_dims(x, "log_softmax");
  // dx = dy - exp(y) * sum_k dy_k
  return autograd::record(y, {x}, "log_softmax", [d, y_saved = y.detach()](const Tensor& gy, std::span<Tensor> gi) {
    const float* py = y_saved.data();
    const float* pgy = gy.data();
    float* pgx = gi[0].data();
    parallel_for(d.outer * d.inner, [&](int64_t s, int64_t e) {
      for (int64_t r = s; r < e; ++r) {
        const int64_t base = (r / d.inner) * d.c * d.inner + r % d.inner;
        double total = 0.0;
        for (int64_t k = 0; k < d.c; ++k) total += pgy[base + k * d.inner];
        for (int64_t k = 0; k < d.c; ++k) {
          const int64_t i = base + k * d.inner;
          pgx[i] += pgy[i] - std::exp(py[i]) * static_cast<float>(total);
        }
      }
    });
  });
}

}  // namespace splitleak::ops
