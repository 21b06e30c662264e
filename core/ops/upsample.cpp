#include "core/ops/upsample.h"

#include <vector>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/upsample_opencl.h"
#include "core/parallel.h"

namespace splitleak::ops {
namespace {

// Per output coordinate: the two source indices and the weight of the second.
struct Taps {
  std::vector<int64_t> i0, i1;
  std::vector<float> w1;
};

float bilinear_scale(int64_t in, int64_t out, bool align_corners) {
  return align_corners ? (out > 1 ? static_cast<float>(in - 1) / static_cast<float>(out - 1) : 0.0f)
                       : static_cast<float>(in) / static_cast<float>(out);
}

Taps bilinear_taps(int64_t in, int64_t out, bool align_corners) {
  Taps t{std::vector<int64_t>(out), std::vector<int64_t>(out), std::vector<float>(out)};
  const float scale = bilinear_scale(in, out, align_corners);
  for (int64_t d = 0; d < out; ++d) {
    float src = align_corners ? scale * static_cast<float>(d) : scale * (static_cast<float>(d) + 0.5f) - 0.5f;
    if (src < 0.0f) src = 0.0f;
    const int64_t i0 = std::min(static_cast<int64_t>(src), in - 1);
    t.i0[d] = i0;
    t.i1[d] = i0 + (i0 < in - 1 ? 1 : 0);
    t.w1[d] = src - static_cast<float>(i0);
  }
  return t;
}

void check_resize(const Tensor& x, int64_t out_h, int64_t out_w, const char* what) {
  check_dim(x, 4, what);
  check(out_h >= 1 && out_w >= 1, std::string(what) + ": output size must be positive");
}

}  // namespace

Tensor upsample_nearest(const Tensor& x, int64_t out_h, int64_t out_w) {
  check_resize(x, out_h, out_w, "upsample_nearest");
  const int64_t nc = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
  const float scale_h = static_cast<float>(h) / static_cast<float>(out_h);
  const float scale_w = static_cast<float>(w) / static_cast<float>(out_w);
  if (on_device("upsample_nearest", {&x}))
    return autograd::record(opencl_impl::upsample_nearest(x, out_h, out_w, scale_h, scale_w), {x}, "upsample_nearest",
                            [scale_h, scale_w](const Tensor& gy, std::span<Tensor> gi) {
                              opencl_impl::upsample_nearest_backward(gy, scale_h, scale_w, gi[0]);
                            });
  std::vector<int64_t> sy(out_h), sx(out_w);
  for (int64_t d = 0; d < out_h; ++d) sy[d] = std::min(static_cast<int64_t>(static_cast<float>(d) * scale_h), h - 1);
  for (int64_t d = 0; d < out_w; ++d) sx[d] = std::min(static_cast<int64_t>(static_cast<float>(d) * scale_w), w - 1);
  Tensor y = Tensor::empty({x.size(0), x.size(1), out_h, out_w});
  const float* px = x.data();
  float* py = y.data();
  parallel_for(nc, [&](int64_t s, int64_t e) {
    for (int64_t p = s; p < e; ++p)
      for (int64_t oy = 0; oy < out_h; ++oy)
        for (int64_t ox = 0; ox < out_w; ++ox) py[(p * out_h + oy) * out_w + ox] = px[(p * h + sy[oy]) * w + sx[ox]];
  });
  return autograd::record(y, {x}, "upsample_nearest", [=](const Tensor& gy, std::span<Tensor> gi) {
    const float* pgy = gy.data();
    float* pgx = gi[0].data();
    parallel_for(nc, [&](int64_t s, int64_t e) {
      for (int64_t p = s; p < e; ++p)
        for (int64_t oy = 0; oy < out_h; ++oy)
          for (int64_t ox = 0; ox < out_w; ++ox) pgx[(p * h + sy[oy]) * w + sx[ox]] += pgy[(p * out_h + oy) * out_w + ox];
    });
  });
}

Tensor upsample_bilinear(const Tensor& x, int64_t out_h, int64_t out_w, bool align_corners) {
  check_resize(x, out_h, out_w, "upsample_bilinear");
  const int64_t nc = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
  if (on_device("upsample_bilinear", {&x})) {
    const float sh = bilinear_scale(h, out_h, align_corners), sw = bilinear_scale(w, out_w, align_corners);
    return autograd::record(opencl_impl::upsample_bilinear(x, out_h, out_w, align_corners, sh, sw), {x},
                            "upsample_bilinear", [align_corners, sh, sw](const Tensor& gy, std::span<Tensor> gi) {
                              opencl_impl::upsample_bilinear_backward(gy, align_corners, sh, sw, gi[0]);
                            });
  }
  const Taps ty = bilinear_taps(h, out_h, align_corners), tx = bilinear_taps(w, out_w, align_corners);
  Tensor y = Tensor::empty({x.size(0), x.size(1), out_h, out_w});
  const float* px = x.data();
  float* py = y.data();
  parallel_for(nc, [&](int64_t s, int64_t e) {
    for (int64_t p = s; p < e; ++p) {
      const float* in = px + p * h * w;
      for (int64_t oy = 0; oy < out_h; ++oy) {
        const float wy1 = ty.w1[oy], wy0 = 1.0f - wy1;
        const float* r0 = in + ty.i0[oy] * w;
        const float* r1 = in + ty.i1[oy] * w;
        for (int64_t ox = 0; ox < out_w; ++ox) {
          const float wx1 = tx.w1[ox], wx0 = 1.0f - wx1;
          py[(p * out_h + oy) * out_w + ox] = wy0 * (wx0 * r0[tx.i0[ox]] + wx1 * r0[tx.i1[ox]]) +
                                              wy1 * (wx0 * r1[tx.i0[ox]] + wx1 * r1[tx.i1[ox]]);
        }
      }
    }
  });
  return autograd::record(y, {x}, "upsample_bilinear", [=](const Tensor& gy, std::span<Tensor> gi) {
    const float* pgy = gy.data();
    float* pgx = gi[0].data();
    parallel_for(nc, [&](int64_t s, int64_t e) {
      for (int64_t p = s; p < e; ++p) {
        float* g = pgx + p * h * w;
        for (int64_t oy = 0; oy < out_h; ++oy) {
          const float wy1 = ty.w1[oy], wy0 = 1.0f - wy1;
          for (int64_t ox = 0; ox < out_w; ++ox) {
            const float wx1 = tx.w1[ox], wx0 = 1.0f - wx1;
            const float v = pgy[(p * out_h + oy) * out_w + ox];
            g[ty.i0[oy] * w + tx.i0[ox]] += wy0 * wx0 * v;
            g[ty.i0[oy] * w + tx.i1[ox]] += wy0 * wx1 * v;
            g[ty.i1[oy] * w + tx.i0[ox]] += wy1 * wx0 * v;
            g[ty.i1[oy] * w + tx.i1[ox]] += wy1 * wx1 * v;
          }
        }
      }
    });
  });
}

}  // namespace splitleak::ops
