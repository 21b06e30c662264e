#include "core/ops/pool_opencl.h"

#include "core/error.h"
#include "core/opencl/launch.h"

namespace splitleak::ops::opencl_impl {
namespace {

const char* kProgram = "pool";
const char* kSource = R"CLC(
#define DIMS int h, int w, int oh, int ow
#define WINDOW int kh, int kw, int sh, int sw, int ph, int pw

// Outputs along one axis whose window [o * s - p, o * s - p + k) may hold input index i.
void window_range(int i, int k, int s, int p, int out, int* lo, int* hi) {
  const int a = i + p - k + 1;
  *lo = max(a <= 0 ? 0 : (a + s - 1) / s, 0);
  *hi = min((i + p) / s, out - 1);
}

__kernel void max_forward(__global const float* x, uint x_off, __global float* y, uint y_off, __global float* arg,
                          uint arg_off, DIMS, WINDOW) {
  const int i = get_global_id(0), ox = i % ow, oy = (i / ow) % oh, p = i / (ow * oh);
  const int y0 = oy * sh - ph, x0 = ox * sw - pw;
  const int iy0 = max(y0, 0), iy1 = min(y0 + kh, h), ix0 = max(x0, 0), ix1 = min(x0 + kw, w);
  __global const float* in = x + x_off + p * h * w;
  float best = -INFINITY;
  int best_i = -1;
  for (int iy = iy0; iy < iy1; ++iy)
    for (int ix = ix0; ix < ix1; ++ix) {
      const float v = in[iy * w + ix];
      if (v > best || best_i < 0) best = v, best_i = iy * w + ix;
    }
  y[y_off + i] = best;
  arg[arg_off + i] = (float)best_i;
}

__kernel void max_backward(__global const float* gy, uint gy_off, __global const float* arg, uint arg_off,
                           __global float* gx, uint gx_off, DIMS, WINDOW) {
  const int i = get_global_id(0), ix = i % w, iy = (i / w) % h, p = i / (w * h), me = iy * w + ix;
  int oy0, oy1, ox0, ox1;
  window_range(iy, kh, sh, ph, oh, &oy0, &oy1);
  window_range(ix, kw, sw, pw, ow, &ox0, &ox1);
  float sum = 0.0f;
  for (int oy = oy0; oy <= oy1; ++oy)
    for (int ox = ox0; ox <= ox1; ++ox) {
      const int o = (p * oh + oy) * ow + ox;
      if ((int)arg[arg_off + o] == me) sum += gy[gy_off + o];
    }
  gx[gx_off + i] += sum;
}

// The clipped window of output (oy, ox) and its divisor (core/ops/pool.cpp: for_avg_windows).
float avg_window(int oy, int ox, DIMS, WINDOW, uint include_pad, int* y0, int* y1, int* x0, int* x1) {
  *y0 = oy * sh - ph, *x0 = ox * sw - pw;
  *y1 = min(*y0 + kh, h + ph), *x1 = min(*x0 + kw, w + pw);
  const int padded = (*y1 - *y0) * (*x1 - *x0);
  *y0 = max(*y0, 0), *x0 = max(*x0, 0), *y1 = min(*y1, h), *x1 = min(*x1, w);
  return (float)(include_pad ? padded : (*y1 - *y0) * (*x1 - *x0));
}

__kernel void avg_forward(__global const float* x, uint x_off, __global float* y, uint y_off, DIMS, WINDOW,
                          uint include_pad) {
  const int i = get_global_id(0), ox = i % ow, oy = (i / ow) % oh, p = i / (ow * oh);
  int y0, y1, x0, x1;
  const float div = avg_window(oy, ox, h, w, oh, ow, kh, kw, sh, sw, ph, pw, include_pad, &y0, &y1, &x0, &x1);
  __global const float* in = x + x_off + p * h * w;
  float acc = 0.0f;
  for (int iy = y0; iy < y1; ++iy)
    for (int ix = x0; ix < x1; ++ix) acc += in[iy * w + ix];
  y[y_off + i] = acc / div;
}

__kernel void avg_backward(__global const float* gy, uint gy_off, __global float* gx, uint gx_off, DIMS, WINDOW,
                           uint include_pad) {
  const int i = get_global_id(0), ix = i % w, iy = (i / w) % h, p = i / (w * h);
  int oy0, oy1, ox0, ox1;
  window_range(iy, kh, sh, ph, oh, &oy0, &oy1);
  window_range(ix, kw, sw, pw, ow, &ox0, &ox1);
  float sum = 0.0f;
  for (int oy = oy0; oy <= oy1; ++oy)
    for (int ox = ox0; ox <= ox1; ++ox) {
      int y0, y1, x0, x1;
      const float div = avg_window(oy, ox, h, w, oh, ow, kh, kw, sh, sw, ph, pw, include_pad, &y0, &y1, &x0, &x1);
      if (iy >= y0 && iy < y1 && ix >= x0 && ix < x1) sum += gy[gy_off + (p * oh + oy) * ow + ox] / div;
    }
  gx[gx_off + i] += sum;
}

// torch's adaptive window of output o: [o * in / out, ceil((o + 1) * in / out)).
int adaptive_start(int o, int in, int out) { return (o * in) / out; }
int adaptive_end(int o, int in, int out) { return ((o + 1) * in + out - 1) / out; }

__kernel void adaptive_forward(__global const float* x, uint x_off, __global float* y, uint y_off, DIMS) {
  const int i = get_global_id(0), ox = i % ow, oy = (i / ow) % oh, p = i / (ow * oh);
  const int y0 = adaptive_start(oy, h, oh), y1 = adaptive_end(oy, h, oh);
  const int x0 = adaptive_start(ox, w, ow), x1 = adaptive_end(ox, w, ow);
  __global const float* in = x + x_off + p * h * w;
  float acc = 0.0f;
  for (int iy = y0; iy < y1; ++iy)
    for (int ix = x0; ix < x1; ++ix) acc += in[iy * w + ix];
  y[y_off + i] = acc / (float)((y1 - y0) * (x1 - x0));
}

__kernel void adaptive_backward(__global const float* gy, uint gy_off, __global float* gx, uint gx_off, DIMS) {
  const int i = get_global_id(0), ix = i % w, iy = (i / w) % h, p = i / (w * h);
  const int oy0 = max((iy * oh) / h - 1, 0), oy1 = min(((iy + 1) * oh) / h + 1, oh - 1);
  const int ox0 = max((ix * ow) / w - 1, 0), ox1 = min(((ix + 1) * ow) / w + 1, ow - 1);
  float sum = 0.0f;
  for (int oy = oy0; oy <= oy1; ++oy) {
    const int y0 = adaptive_start(oy, h, oh), y1 = adaptive_end(oy, h, oh);
    if (iy < y0 || iy >= y1) continue;
    for (int ox = ox0; ox <= ox1; ++ox) {
      const int x0 = adaptive_start(ox, w, ow), x1 = adaptive_end(ox, w, ow);
      if (ix >= x0 && ix < x1) sum += gy[gy_off + (p * oh + oy) * ow + ox] / (float)((y1 - y0) * (x1 - x0));
    }
  }
  gx[gx_off + i] += sum;
}
)CLC";

cl::Kernel& kernel(const Tensor& t, const char* name) { return opencl::context_of(t).kernel(kProgram, kSource, name); }
cl_int i32(int64_t v) { return static_cast<cl_int>(v); }

// The four plane sizes of an (input, output) pair.
struct Dims {
  cl_int h, w, oh, ow;
};
Dims dims(const Tensor& in, const Tensor& out) { return {i32(in.size(2)), i32(in.size(3)), i32(out.size(2)), i32(out.size(3))}; }

template <typename... Rest>
void launch(const Tensor& on, const char* name, size_t global, const Dims& d, const Pool2dOptions* o, const Rest&... rest) {
  opencl::Context& ctx = opencl::context_of(on);
  if (o)
    opencl::launch(ctx, kernel(on, name), global, rest..., d.h, d.w, d.oh, d.ow, i32(o->kernel[0]), i32(o->kernel[1]),
                   i32(o->stride[0]), i32(o->stride[1]), i32(o->padding[0]), i32(o->padding[1]));
  else
    opencl::launch(ctx, kernel(on, name), global, rest..., d.h, d.w, d.oh, d.ow);
}

}  // namespace

Tensor max_pool2d(const Tensor& x, const Pool2dOptions& o, int64_t oh, int64_t ow, Tensor& argmax) {
  check(x.size(2) * x.size(3) < (int64_t(1) << 24), "max_pool2d on OpenCL: planes over 2^24 elements");
  Tensor y = Tensor::empty({x.size(0), x.size(1), oh, ow}, x.device());
  argmax = Tensor::empty(y.shape(), x.device());
  launch(x, "max_forward", static_cast<size_t>(y.numel()), dims(x, y), &o, x, y, argmax);
  return y;
}

void max_pool2d_backward(const Tensor& gy, const Tensor& argmax, const Pool2dOptions& o, Tensor& gx) {
  launch(gy, "max_backward", static_cast<size_t>(gx.numel()), dims(gx, gy), &o, gy, argmax, gx);
}

Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& o, int64_t oh, int64_t ow) {
  Tensor y = Tensor::empty({x.size(0), x.size(1), oh, ow}, x.device());
  opencl::Context& ctx = opencl::context_of(x);
  const Dims d = dims(x, y);
  opencl::launch(ctx, kernel(x, "avg_forward"), static_cast<size_t>(y.numel()), x, y, d.h, d.w, d.oh, d.ow,
                 i32(o.kernel[0]), i32(o.kernel[1]), i32(o.stride[0]), i32(o.stride[1]), i32(o.padding[0]),
                 i32(o.padding[1]), static_cast<cl_uint>(o.count_include_pad));
  return y;
}

void avg_pool2d_backward(const Tensor& gy, const Pool2dOptions& o, Tensor& gx) {
  opencl::Context& ctx = opencl::context_of(gy);
  const Dims d = dims(gx, gy);
  opencl::launch(ctx, kernel(gy, "avg_backward"), static_cast<size_t>(gx.numel()), gy, gx, d.h, d.w, d.oh, d.ow,
                 i32(o.kernel[0]), i32(o.kernel[1]), i32(o.stride[0]), i32(o.stride[1]), i32(o.padding[0]),
                 i32(o.padding[1]), static_cast<cl_uint>(o.count_include_pad));
}

Tensor adaptive_avg_pool2d(const Tensor& x, int64_t oh, int64_t ow) {
  Tensor y = Tensor::empty({x.size(0), x.size(1), oh, ow}, x.device());
  launch(x, "adaptive_forward", static_cast<size_t>(y.numel()), dims(x, y), nullptr, x, y);
  return y;
}

void adaptive_avg_pool2d_backward(const Tensor& gy, Tensor& gx) {
  launch(gy, "adaptive_backward", static_cast<size_t>(gx.numel()), dims(gx, gy), nullptr, gy, gx);
}

}  // namespace splitleak::ops::opencl_impl
