#include "core/ops/upsample_opencl.h"

#include "core/opencl/launch.h"

namespace splitleak::ops::opencl_impl {
namespace {

const char* kProgram = "upsample";
const char* kSource = R"CLC(
#pragma OPENCL FP_CONTRACT OFF

int nearest_tap(int d, int in, float scale) { return min((int)((float)d * scale), in - 1); }

// Bilinear taps of output coordinate d: source indices i0, i1 and the weight w1 of i1.
void bilinear_taps(int d, int in, float scale, uint align, int* i0, int* i1, float* w1) {
  float src = align ? scale * (float)d : scale * ((float)d + 0.5f) - 0.5f;
  if (src < 0.0f) src = 0.0f;
  const int a = min((int)src, in - 1);
  *i0 = a;
  *i1 = a + (a < in - 1 ? 1 : 0);
  *w1 = src - (float)a;
}

// The weight with which output coordinate d reads input coordinate i (0 when it does not).
float bilinear_weight(int d, int i, int in, float scale, uint align) {
  int i0, i1;
  float w1;
  bilinear_taps(d, in, scale, align, &i0, &i1, &w1);
  return (i0 == i ? 1.0f - w1 : 0.0f) + (i1 == i ? w1 : 0.0f);
}

// Output coordinates that may read input coordinate i (a superset, tested exactly by the caller).
void reading_range(int i, int in, int out, float scale, uint bilinear, uint align, int* lo, int* hi) {
  if (scale <= 0.0f) {
    *lo = 0, *hi = out - 1;
    return;
  }
  float a, b;
  if (!bilinear) a = i / scale, b = (i + 1) / scale;
  else if (align) a = (i - 1) / scale, b = (i + 1) / scale;
  else a = (i - 0.5f) / scale - 0.5f, b = (i + 1.5f) / scale - 0.5f;
  *lo = max((int)floor(a) - 1, 0);
  *hi = i == in - 1 ? out - 1 : min((int)ceil(b) + 1, out - 1);
}

__kernel void nearest(__global const float* x, uint x_off, __global float* y, uint y_off, int h, int w, int oh, int ow,
                      float sh, float sw) {
  const int i = get_global_id(0), ox = i % ow, oy = (i / ow) % oh, p = i / (ow * oh);
  y[y_off + i] = x[x_off + (p * h + nearest_tap(oy, h, sh)) * w + nearest_tap(ox, w, sw)];
}

__kernel void nearest_backward(__global const float* gy, uint gy_off, __global float* gx, uint gx_off, int h, int w,
                               int oh, int ow, float sh, float sw) {
  const int i = get_global_id(0), ix = i % w, iy = (i / w) % h, p = i / (w * h);
  int y0, y1, x0, x1;
  reading_range(iy, h, oh, sh, 0, 0, &y0, &y1);
  reading_range(ix, w, ow, sw, 0, 0, &x0, &x1);
  float sum = 0.0f;
  for (int oy = y0; oy <= y1; ++oy) {
    if (nearest_tap(oy, h, sh) != iy) continue;
    for (int ox = x0; ox <= x1; ++ox)
      if (nearest_tap(ox, w, sw) == ix) sum += gy[gy_off + (p * oh + oy) * ow + ox];
  }
  gx[gx_off + i] += sum;
}

__kernel void bilinear(__global const float* x, uint x_off, __global float* y, uint y_off, int h, int w, int oh, int ow,
                       float sh, float sw, uint align) {
  const int i = get_global_id(0), ox = i % ow, oy = (i / ow) % oh, p = i / (ow * oh);
  int y0, y1, x0, x1;
  float wy1, wx1;
  bilinear_taps(oy, h, sh, align, &y0, &y1, &wy1);
  bilinear_taps(ox, w, sw, align, &x0, &x1, &wx1);
  const float wy0 = 1.0f - wy1, wx0 = 1.0f - wx1;
  __global const float* in = x + x_off + p * h * w;
  y[y_off + i] = wy0 * (wx0 * in[y0 * w + x0] + wx1 * in[y0 * w + x1]) + wy1 * (wx0 * in[y1 * w + x0] + wx1 * in[y1 * w + x1]);
}

__kernel void bilinear_backward(__global const float* gy, uint gy_off, __global float* gx, uint gx_off, int h, int w,
                                int oh, int ow, float sh, float sw, uint align) {
  const int i = get_global_id(0), ix = i % w, iy = (i / w) % h, p = i / (w * h);
  int y0, y1, x0, x1;
  reading_range(iy, h, oh, sh, 1, align, &y0, &y1);
  reading_range(ix, w, ow, sw, 1, align, &x0, &x1);
  float sum = 0.0f;
  for (int oy = y0; oy <= y1; ++oy) {
    const float wy = bilinear_weight(oy, iy, h, sh, align);
    if (wy == 0.0f) continue;
    for (int ox = x0; ox <= x1; ++ox) {
      const float wx = bilinear_weight(ox, ix, w, sw, align);
      if (wx != 0.0f) sum += wy * wx * gy[gy_off + (p * oh + oy) * ow + ox];
    }
  }
  gx[gx_off + i] += sum;
}
)CLC";

cl::Kernel& kernel(const Tensor& t, const char* name) { return opencl::context_of(t).kernel(kProgram, kSource, name); }
cl_int i32(int64_t v) { return static_cast<cl_int>(v); }

}  // namespace

Tensor upsample_nearest(const Tensor& x, int64_t out_h, int64_t out_w, float scale_h, float scale_w) {
  Tensor y = Tensor::empty({x.size(0), x.size(1), out_h, out_w}, x.device());
  opencl::launch(opencl::context_of(x), kernel(x, "nearest"), static_cast<size_t>(y.numel()), x, y, i32(x.size(2)),
                 i32(x.size(3)), i32(out_h), i32(out_w), scale_h, scale_w);
  return y;
}

void upsample_nearest_backward(const Tensor& gy, float scale_h, float scale_w, Tensor& gx) {
  opencl::launch(opencl::context_of(gy), kernel(gy, "nearest_backward"), static_cast<size_t>(gx.numel()), gy, gx,
                 i32(gx.size(2)), i32(gx.size(3)), i32(gy.size(2)), i32(gy.size(3)), scale_h, scale_w);
}

Tensor upsample_bilinear(const Tensor& x, int64_t out_h, int64_t out_w, bool align_corners, float scale_h, float scale_w) {
  Tensor y = Tensor::empty({x.size(0), x.size(1), out_h, out_w}, x.device());
  opencl::launch(opencl::context_of(x), kernel(x, "bilinear"), static_cast<size_t>(y.numel()), x, y, i32(x.size(2)),
                 i32(x.size(3)), i32(out_h), i32(out_w), scale_h, scale_w, static_cast<cl_uint>(align_corners));
  return y;
}

void upsample_bilinear_backward(const Tensor& gy, bool align_corners, float scale_h, float scale_w, Tensor& gx) {
  opencl::launch(opencl::context_of(gy), kernel(gy, "bilinear_backward"), static_cast<size_t>(gx.numel()), gy, gx,
                 i32(gx.size(2)), i32(gx.size(3)), i32(gy.size(2)), i32(gy.size(3)), scale_h, scale_w,
                 static_cast<cl_uint>(align_corners));
}

}  // namespace splitleak::ops::opencl_impl
