#include "core/ops/depthwise.h"

#include <algorithm>
#include <vector>

#include "core/parallel.h"

namespace splitleak::ops::detail {
namespace {

// The output columns ox in [lo, hi) whose input column ox*sw - pw + j*dw lies inside [0, width).
void valid_columns(const ConvGeometry& g, int64_t j, int64_t& lo, int64_t& hi) {
  const int64_t offset = j * g.dw - g.pw;  // input column of ox = 0
  lo = offset >= 0 ? 0 : (-offset + g.sw - 1) / g.sw;
  hi = g.width - offset <= 0 ? 0 : std::min(g.out_w, (g.width - offset + g.sw - 1) / g.sw);
  if (hi < lo) hi = lo;
}

}  // namespace

void depthwise_forward(const float* x, const float* w, int64_t n, int64_t c, const ConvGeometry& g, float* y) {
  const int64_t in_plane = g.height * g.width, out_plane = g.out_h * g.out_w;
  parallel_for(n * c, [&](int64_t begin, int64_t end) {
    for (int64_t nc = begin; nc < end; ++nc) {
      const float* xp = x + nc * in_plane;
      const float* wp = w + (nc % c) * g.kh * g.kw;
      float* yp = y + nc * out_plane;
      std::fill(yp, yp + out_plane, 0.0f);
      for (int64_t i = 0; i < g.kh; ++i)
        for (int64_t j = 0; j < g.kw; ++j) {
          const float wv = wp[i * g.kw + j];
          int64_t lo, hi;
          valid_columns(g, j, lo, hi);
          for (int64_t oy = 0; oy < g.out_h; ++oy) {
            const int64_t iy = oy * g.sh - g.ph + i * g.dh;
            if (iy < 0 || iy >= g.height) continue;
            const float* row = xp + iy * g.width + j * g.dw - g.pw;
            float* out = yp + oy * g.out_w;
            if (g.sw == 1) {
              for (int64_t ox = lo; ox < hi; ++ox) out[ox] += wv * row[ox];
            } else {
              for (int64_t ox = lo; ox < hi; ++ox) out[ox] += wv * row[ox * g.sw];
            }
          }
        }
    }
  });
}

void depthwise_input_grad(const float* gy, const float* w, int64_t n, int64_t c, const ConvGeometry& g, float* gx) {
  const int64_t in_plane = g.height * g.width, out_plane = g.out_h * g.out_w;
  parallel_for(n * c, [&](int64_t begin, int64_t end) {
    for (int64_t nc = begin; nc < end; ++nc) {
      float* gxp = gx + nc * in_plane;
      const float* wp = w + (nc % c) * g.kh * g.kw;
      const float* gyp = gy + nc * out_plane;
      for (int64_t i = 0; i < g.kh; ++i)
        for (int64_t j = 0; j < g.kw; ++j) {
          const float wv = wp[i * g.kw + j];
          int64_t lo, hi;
          valid_columns(g, j, lo, hi);
          for (int64_t oy = 0; oy < g.out_h; ++oy) {
            const int64_t iy = oy * g.sh - g.ph + i * g.dh;
            if (iy < 0 || iy >= g.height) continue;
            float* row = gxp + iy * g.width + j * g.dw - g.pw;
            const float* go = gyp + oy * g.out_w;
            for (int64_t ox = lo; ox < hi; ++ox) row[ox * g.sw] += wv * go[ox];
          }
        }
    }
  });
}

void depthwise_weight_grad(const float* gy, const float* x, int64_t n, int64_t c, const ConvGeometry& g, float* gw) {
  const int64_t in_plane = g.height * g.width, out_plane = g.out_h * g.out_w;
  parallel_for(c, [&](int64_t begin, int64_t end) {
    for (int64_t ch = begin; ch < end; ++ch)
      for (int64_t i = 0; i < g.kh; ++i)
        for (int64_t j = 0; j < g.kw; ++j) {
          int64_t lo, hi;
          valid_columns(g, j, lo, hi);
          double acc = 0.0;
          for (int64_t img = 0; img < n; ++img) {
            const float* xp = x + (img * c + ch) * in_plane;
            const float* gyp = gy + (img * c + ch) * out_plane;
            float part = 0.0f;
            for (int64_t oy = 0; oy < g.out_h; ++oy) {
              const int64_t iy = oy * g.sh - g.ph + i * g.dh;
              if (iy < 0 || iy >= g.height) continue;
              const float* row = xp + iy * g.width + j * g.dw - g.pw;
              const float* go = gyp + oy * g.out_w;
              for (int64_t ox = lo; ox < hi; ++ox) part += go[ox] * row[ox * g.sw];
            }
            acc += part;
          }
          gw[(ch * g.kh + i) * g.kw + j] += static_cast<float>(acc);
        }
  });
}

}  // namespace splitleak::ops::detail
