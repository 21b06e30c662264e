#include "core/ops/pool.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/pool_opencl.h"
#include "core/parallel.h"

namespace splitleak::ops {

int64_t pool_out_size(int64_t in, int64_t kernel, int64_t stride, int64_t padding, bool ceil_mode) {
  const int64_t span = in + 2 * padding - kernel;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + padding) --out;  // the last window must start inside
  return out;
}

namespace {

struct PoolDims {
  int64_t nc, h, w, oh, ow;
};

PoolDims pool_dims(const Tensor& x, const Pool2dOptions& o, const char* what) {
  check_dim(x, 4, what);
  for (int a = 0; a < 2; ++a)
    check(o.kernel[a] >= 1 && o.stride[a] >= 1 && o.padding[a] >= 0 && 2 * o.padding[a] <= o.kernel[a],
          std::string(what) + ": need kernel, stride >= 1 and 0 <= padding <= kernel / 2");
  PoolDims d{x.size(0) * x.size(1), x.size(2), x.size(3), 0, 0};
  d.oh = pool_out_size(d.h, o.kernel[0], o.stride[0], o.padding[0], o.ceil_mode);
  d.ow = pool_out_size(d.w, o.kernel[1], o.stride[1], o.padding[1], o.ceil_mode);
  check(d.oh >= 1 && d.ow >= 1, std::string(what) + ": window larger than input " + shape_str(x.shape()));
  return d;
}

}  // namespace

Tensor max_pool2d(const Tensor& x, const Pool2dOptions& o) {
  const PoolDims d = pool_dims(x, o, "max_pool2d");
  if (on_device("max_pool2d", {&x})) {
    Tensor argmax;
    Tensor y = opencl_impl::max_pool2d(x, o, d.oh, d.ow, argmax);
    return autograd::record(y, {x}, "max_pool2d", [argmax, o](const Tensor& gy, std::span<Tensor> gi) {
      opencl_impl::max_pool2d_backward(gy, argmax, o, gi[0]);
    });
  }
  Tensor y = Tensor::empty({x.size(0), x.size(1), d.oh, d.ow});
  // Flat index within the input plane of each output's maximum; only kept when a backward will
  // need it.
  const bool keep_argmax = autograd::grad_enabled() && x.requires_grad();
  auto argmax = std::make_shared<std::vector<int32_t>>(keep_argmax ? static_cast<size_t>(y.numel()) : 0);
  const float* px = x.data();
  float* py = y.data();
  if (!keep_argmax) {
    // Inference: separable and branch-free. Row maxima over each window's columns, then the
    // maximum of those over its rows (the same value as the direct window scan).
    parallel_for(d.nc, [&](int64_t s, int64_t e) {
      std::vector<float> rows(static_cast<size_t>(d.h * d.ow));
      for (int64_t p = s; p < e; ++p) {
        const float* in = px + p * d.h * d.w;
        for (int64_t ox = 0; ox < d.ow; ++ox) {
          const int64_t x0 = ox * o.stride[1] - o.padding[1];
          const int64_t ix0 = std::max<int64_t>(x0, 0), ix1 = std::min(x0 + o.kernel[1], d.w);
          for (int64_t iy = 0; iy < d.h; ++iy) {
            const float* row = in + iy * d.w;
            float best = row[ix0];
            for (int64_t ix = ix0 + 1; ix < ix1; ++ix) best = row[ix] > best ? row[ix] : best;
            rows[static_cast<size_t>(iy * d.ow + ox)] = best;
          }
        }
        float* out = py + p * d.oh * d.ow;
        for (int64_t oy = 0; oy < d.oh; ++oy) {
          const int64_t y0 = oy * o.stride[0] - o.padding[0];
          const int64_t iy0 = std::max<int64_t>(y0, 0), iy1 = std::min(y0 + o.kernel[0], d.h);
          float* dst = out + oy * d.ow;
          std::copy(rows.data() + iy0 * d.ow, rows.data() + (iy0 + 1) * d.ow, dst);
          for (int64_t iy = iy0 + 1; iy < iy1; ++iy) {
            const float* src = rows.data() + iy * d.ow;
            for (int64_t ox = 0; ox < d.ow; ++ox) dst[ox] = src[ox] > dst[ox] ? src[ox] : dst[ox];
          }
        }
      }
    });
    return y;
  }
  parallel_for(d.nc, [&](int64_t s, int64_t e) {
    for (int64_t p = s; p < e; ++p) {
      const float* in = px + p * d.h * d.w;
      for (int64_t oy = 0; oy < d.oh; ++oy) {
        const int64_t y0 = oy * o.stride[0] - o.padding[0];
        const int64_t iy0 = std::max<int64_t>(y0, 0), iy1 = std::min(y0 + o.kernel[0], d.h);
        for (int64_t ox = 0; ox < d.ow; ++ox) {
          const int64_t x0 = ox * o.stride[1] - o.padding[1];
          const int64_t ix0 = std::max<int64_t>(x0, 0), ix1 = std::min(x0 + o.kernel[1], d.w);
          float best = -std::numeric_limits<float>::infinity();
          int32_t best_i = -1;
          for (int64_t iy = iy0; iy < iy1; ++iy)
            for (int64_t ix = ix0; ix < ix1; ++ix) {
              const float v = in[iy * d.w + ix];
              if (v > best || best_i < 0) best = v, best_i = static_cast<int32_t>(iy * d.w + ix);
            }
          const int64_t oi = (p * d.oh + oy) * d.ow + ox;
          py[oi] = best;
          if (keep_argmax) (*argmax)[static_cast<size_t>(oi)] = best_i;
        }
      }
    }
  });
  return autograd::record(y, {x}, "max_pool2d", [d, argmax](const Tensor& gy, std::span<Tensor> gi) {
    const float* pgy = gy.data();
    float* pgx = gi[0].data();
    parallel_for(d.nc, [&](int64_t s, int64_t e) {
      for (int64_t p = s; p < e; ++p)
        for (int64_t i = 0; i < d.oh * d.ow; ++i) {
          const int64_t oi = p * d.oh * d.ow + i;
          pgx[p * d.h * d.w + (*argmax)[static_cast<size_t>(oi)]] += pgy[oi];
        }
    });
  });
}

namespace {

// Calls f(oi, iy0, iy1, ix0, ix1, divisor) for every output of an average pool.
template <typename F>
void for_avg_windows(const PoolDims& d, const Pool2dOptions& o, int64_t p, F f) {
  for (int64_t oy = 0; oy < d.oh; ++oy)
    for (int64_t ox = 0; ox < d.ow; ++ox) {
      int64_t y0 = oy * o.stride[0] - o.padding[0], x0 = ox * o.stride[1] - o.padding[1];
      int64_t y1 = std::min(y0 + o.kernel[0], d.h + o.padding[0]);
      int64_t x1 = std::min(x0 + o.kernel[1], d.w + o.padding[1]);
      const int64_t padded_area = (y1 - y0) * (x1 - x0);
      y0 = std::max<int64_t>(y0, 0), x0 = std::max<int64_t>(x0, 0);
      y1 = std::min(y1, d.h), x1 = std::min(x1, d.w);
      const int64_t divisor = o.count_include_pad ? padded_area : (y1 - y0) * (x1 - x0);
      f((p * d.oh + oy) * d.ow + ox, y0, y1, x0, x1, static_cast<float>(divisor));
    }
}

}  // namespace

Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& o) {
  const PoolDims d = pool_dims(x, o, "avg_pool2d");
  if (on_device("avg_pool2d", {&x}))
    return autograd::record(opencl_impl::avg_pool2d(x, o, d.oh, d.ow), {x}, "avg_pool2d",
                            [o](const Tensor& gy, std::span<Tensor> gi) { opencl_impl::avg_pool2d_backward(gy, o, gi[0]); });
  Tensor y = Tensor::empty({x.size(0), x.size(1), d.oh, d.ow});
  const float* px = x.data();
  float* py = y.data();
  parallel_for(d.nc, [&](int64_t s, int64_t e) {
    for (int64_t p = s; p < e; ++p) {
      const float* in = px + p * d.h * d.w;
      for_avg_windows(d, o, p, [&](int64_t oi, int64_t y0, int64_t y1, int64_t x0, int64_t x1, float div) {
        float acc = 0.0f;
        for (int64_t iy = y0; iy < y1; ++iy)
          for (int64_t ix = x0; ix < x1; ++ix) acc += in[iy * d.w + ix];
        py[oi] = acc / div;
      });
    }
  });
  return autograd::record(y, {x}, "avg_pool2d", [d, o](const Tensor& gy, std::span<Tensor> gi) {
    const float* pgy = gy.data();
    float* pgx = gi[0].data();
    parallel_for(d.nc, [&](int64_t s, int64_t e) {
      for (int64_t p = s; p < e; ++p) {
        float* g = pgx + p * d.h * d.w;
        for_avg_windows(d, o, p, [&](int64_t oi, int64_t y0, int64_t y1, int64_t x0, int64_t x1, float div) {
          const float v = pgy[oi] / div;
          for (int64_t iy = y0; iy < y1; ++iy)
            for (int64_t ix = x0; ix < x1; ++ix) g[iy * d.w + ix] += v;
        });
      }
    });
  });
}

Tensor adaptive_avg_pool2d(const Tensor& x, int64_t out_h, int64_t out_w) {
  check_dim(x, 4, "adaptive_avg_pool2d input");
  check(out_h >= 1 && out_w >= 1, "adaptive_avg_pool2d: output size must be positive");
  if (on_device("adaptive_avg_pool2d", {&x}))
    return autograd::record(opencl_impl::adaptive_avg_pool2d(x, out_h, out_w), {x}, "adaptive_avg_pool2d",
                            [](const Tensor& gy, std::span<Tensor> gi) { opencl_impl::adaptive_avg_pool2d_backward(gy, gi[0]); });
  const int64_t nc = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
  Tensor y = Tensor::empty({x.size(0), x.size(1), out_h, out_w});
  auto window = [](int64_t i, int64_t in, int64_t out) {
    return std::pair<int64_t, int64_t>{(i * in) / out, ((i + 1) * in + out - 1) / out};
  };
  const float* px = x.data();
  float* py = y.data();
  parallel_for(nc, [&](int64_t s, int64_t e) {
    for (int64_t p = s; p < e; ++p)
      for (int64_t oy = 0; oy < out_h; ++oy)
        for (int64_t ox = 0; ox < out_w; ++ox) {
          auto [y0, y1] = window(oy, h, out_h);
          auto [x0, x1] = window(ox, w, out_w);
          float acc = 0.0f;
          for (int64_t iy = y0; iy < y1; ++iy)
            for (int64_t ix = x0; ix < x1; ++ix) acc += px[(p * h + iy) * w + ix];
          py[(p * out_h + oy) * out_w + ox] = acc / static_cast<float>((y1 - y0) * (x1 - x0));
        }
  });
  return autograd::record(y, {x}, "adaptive_avg_pool2d", [=](const Tensor& gy, std::span<Tensor> gi) {
    const float* pgy = gy.data();
    float* pgx = gi[0].data();
    parallel_for(nc, [&](int64_t s, int64_t e) {
      for (int64_t p = s; p < e; ++p)
        for (int64_t oy = 0; oy < out_h; ++oy)
          for (int64_t ox = 0; ox < out_w; ++ox) {
            auto [y0, y1] = window(oy, h, out_h);
            auto [x0, x1] = window(ox, w, out_w);
            const float v = pgy[(p * out_h + oy) * out_w + ox] / static_cast<float>((y1 - y0) * (x1 - x0));
            for (int64_t iy = y0; iy < y1; ++iy)
              for (int64_t ix = x0; ix < x1; ++ix) pgx[(p * h + iy) * w + ix] += v;
          }
    });
  });
}

}  // namespace splitleak::ops
