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

// The input row that output row oy reads at kernel row i, or -1 in the padding.
int64_t input_row(const ConvGeometry& g, int64_t oy, int64_t i) {
  const int64_t iy = oy * g.sh - g.ph + i * g.dh;
  return iy < 0 || iy >= g.height ? -1 : iy;
}

// sum over the output plane of gy * (the input plane under tap (i, j)): rows in order, each row's
// products in order (deterministic, whatever the threads).
float tap_dot(const float* gyp, const float* xp, const ConvGeometry& g, int64_t i, int64_t j) {
  int64_t lo, hi;
  valid_columns(g, j, lo, hi);
  float part = 0.0f;
  for (int64_t oy = 0; oy < g.out_h; ++oy) {
    const int64_t iy = input_row(g, oy, i);
    if (iy < 0) continue;
    const float* row = xp + iy * g.width + j * g.dw - g.pw;
    const float* go = gyp + oy * g.out_w;
    for (int64_t ox = lo; ox < hi; ++ox) part += go[ox] * row[ox * g.sw];
  }
  return part;
}

}  // namespace

namespace {

// One tap along one output row: forward out[ox] += w * row[ox * sw]; adjoint row[ox * sw] += w * out[ox].
template <bool adjoint, typename In, typename Out>
void tap_row(In* row, Out* out, float wv, int64_t lo, int64_t hi, int64_t sw) {
  for (int64_t ox = lo; ox < hi; ++ox) {
    if constexpr (adjoint) row[ox * sw] += wv * out[ox];
    else out[ox] += wv * row[ox * sw];
  }
}

// Every tap over every output pixel whose input pixel lies inside the plane, tap by tap then row
// by row: the loop nest of plane_conv_add (forward) and plane_conv_adjoint_add (adjoint).
template <bool adjoint, typename In, typename Out>
void plane_taps(In* xp, const float* wp, const ConvGeometry& g, Out* yp) {
  for (int64_t i = 0; i < g.kh; ++i)
    for (int64_t j = 0; j < g.kw; ++j) {
      const float wv = wp[i * g.kw + j];
      int64_t lo, hi;
      valid_columns(g, j, lo, hi);
      for (int64_t oy = 0; oy < g.out_h; ++oy) {
        const int64_t iy = input_row(g, oy, i);
        if (iy < 0) continue;
        In* row = xp + iy * g.width + j * g.dw - g.pw;
        Out* out = yp + oy * g.out_w;
        if (g.sw == 1) tap_row<adjoint>(row, out, wv, lo, hi, 1);  // contiguous: vectorised
        else tap_row<adjoint>(row, out, wv, lo, hi, g.sw);
      }
    }
}

}  // namespace

void plane_conv_add(const float* xp, const float* wp, const ConvGeometry& g, float* yp) {
  plane_taps<false>(xp, wp, g, yp);
}

void plane_conv_adjoint_add(const float* gyp, const float* wp, const ConvGeometry& g, float* gxp) {
  plane_taps<true>(gxp, wp, g, gyp);
}

void planes_weight_grad_add(const float* gy, int64_t gy_stride, const float* x, int64_t x_stride, int64_t n,
                            const ConvGeometry& g, float* gwp) {
  for (int64_t i = 0; i < g.kh; ++i)
    for (int64_t j = 0; j < g.kw; ++j) {
      double acc = 0.0;
      for (int64_t img = 0; img < n; ++img) acc += tap_dot(gy + img * gy_stride, x + img * x_stride, g, i, j);
      gwp[i * g.kw + j] += static_cast<float>(acc);
    }
}

void depthwise_forward(const float* x, const float* w, int64_t n, int64_t c, const ConvGeometry& g, float* y) {
  const int64_t in_plane = g.height * g.width, out_plane = g.out_h * g.out_w;
  parallel_for(n * c, [&](int64_t begin, int64_t end) {
    for (int64_t nc = begin; nc < end; ++nc) {
      float* yp = y + nc * out_plane;
      std::fill(yp, yp + out_plane, 0.0f);
      plane_conv_add(x + nc * in_plane, w + (nc % c) * g.kh * g.kw, g, yp);
    }
  });
}

void depthwise_input_grad(const float* gy, const float* w, int64_t n, int64_t c, const ConvGeometry& g, float* gx) {
  const int64_t in_plane = g.height * g.width, out_plane = g.out_h * g.out_w;
  parallel_for(n * c, [&](int64_t begin, int64_t end) {
    for (int64_t nc = begin; nc < end; ++nc)
      plane_conv_adjoint_add(gy + nc * out_plane, w + (nc % c) * g.kh * g.kw, g, gx + nc * in_plane);
  });
}

void depthwise_weight_grad(const float* gy, const float* x, int64_t n, int64_t c, const ConvGeometry& g, float* gw) {
  const int64_t in_plane = g.height * g.width, out_plane = g.out_h * g.out_w;
  parallel_for(c, [&](int64_t begin, int64_t end) {
    for (int64_t ch = begin; ch < end; ++ch)
      planes_weight_grad_add(gy + ch * out_plane, c * out_plane, x + ch * in_plane, c * in_plane, n, g,
                             gw + ch * g.kh * g.kw);
  });
}

}  // namespace splitleak::ops::detail
