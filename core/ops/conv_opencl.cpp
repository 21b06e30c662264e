#include "core/ops/conv_opencl.h"

#include <algorithm>

#include "core/opencl/blas.h"
#include "core/opencl/launch.h"
#include "core/ops/elementwise_opencl.h"

namespace splitleak::ops::opencl_impl {
namespace {

using opencl::At;

const char* kProgram = "conv";
const char* kSource = R"CLC(
#define GEOMETRY uint channels, uint height, uint width, uint kh, uint kw, uint sh, uint sw, int ph, int pw, \
                 uint dh, uint dw, uint out_h, uint out_w

// For each of a chunk of images n: col[n] (channels*kh*kw, out_h*out_w) = the patches of image
// n (channels, height, width) at img + n * img_stride, 0 in the padding.
__kernel void im2col(__global const float* img, uint img_off, uint img_stride, __global float* col, uint col_off,
                     GEOMETRY) {
  const uint i = get_global_id(0), P = out_h * out_w, KP = channels * kh * kw * P;
  const uint n = i / KP, r = (i % KP) / P, p = i % P;
  const uint ox = p % out_w, oy = p / out_w, j = r % kw, ki = (r / kw) % kh, c = r / (kw * kh);
  const int iy = (int)(oy * sh) - ph + (int)(ki * dh), ix = (int)(ox * sw) - pw + (int)(j * dw);
  const bool inside = iy >= 0 && iy < (int)height && ix >= 0 && ix < (int)width;
  col[col_off + i] = inside ? img[img_off + n * img_stride + (c * height + iy) * width + ix] : 0.0f;
}

// The output coordinate whose kernel tap k reads input coordinate v along one axis, or -1.
int tap_source(int v, int pad, uint k, uint dil, uint stride, uint out) {
  const int t = v + pad - (int)(k * dil);
  return t < 0 || t % (int)stride != 0 || t / (int)stride >= (int)out ? -1 : t / (int)stride;
}

// For each image n of a chunk: image n += the adjoint of im2col of col[n]: each image element
// gathers its patch entries, kernel rows then columns in order.
__kernel void col2im_add(__global const float* col, uint col_off, __global float* img, uint img_off, uint img_stride,
                         GEOMETRY) {
  const uint i = get_global_id(0), P = out_h * out_w, CHW = channels * height * width;
  const uint n = i / CHW, e = i % CHW;
  const int x = e % width, y = (e / width) % height;
  const uint c = e / (width * height), base = col_off + n * channels * kh * kw * P;
  float sum = 0.0f;
  for (uint ki = 0; ki < kh; ++ki) {
    const int oy = tap_source(y, ph, ki, dh, sh, out_h);
    if (oy < 0) continue;
    for (uint j = 0; j < kw; ++j) {
      const int ox = tap_source(x, pw, j, dw, sw, out_w);
      if (ox >= 0) sum += col[base + ((c * kh + ki) * kw + j) * P + oy * out_w + ox];
    }
  }
  img[img_off + n * img_stride + e] += sum;
}

// Depthwise (one input and one output channel per group): y (N, C, out_h, out_w) = the direct
// sum over each output's kernel window; w (C, 1, kh, kw). `channels` is C here.
__kernel void depthwise(__global const float* x, uint x_off, __global const float* w, uint w_off, __global float* y,
                        uint y_off, GEOMETRY) {
  const uint i = get_global_id(0), ox = i % out_w, oy = (i / out_w) % out_h, plane = i / (out_w * out_h);
  const uint c = plane % channels;
  __global const float* in = x + x_off + plane * height * width;
  __global const float* k = w + w_off + c * kh * kw;
  float sum = 0.0f;
  for (uint ki = 0; ki < kh; ++ki) {
    const int iy = (int)(oy * sh) - ph + (int)(ki * dh);
    if (iy < 0 || iy >= (int)height) continue;
    for (uint j = 0; j < kw; ++j) {
      const int ix = (int)(ox * sw) - pw + (int)(j * dw);
      if (ix >= 0 && ix < (int)width) sum += in[iy * width + ix] * k[ki * kw + j];
    }
  }
  y[y_off + i] = sum;
}

// gx += the depthwise input gradient: each input element gathers over its kernel taps in order.
__kernel void depthwise_input_grad(__global const float* gy, uint gy_off, __global const float* w, uint w_off,
                                   __global float* gx, uint gx_off, GEOMETRY) {
  const uint i = get_global_id(0), P = out_h * out_w;
  const int x = i % width, y = (i / width) % height;
  const uint plane = i / (width * height), c = plane % channels;
  float sum = 0.0f;
  for (uint ki = 0; ki < kh; ++ki) {
    const int oy = tap_source(y, ph, ki, dh, sh, out_h);
    if (oy < 0) continue;
    for (uint j = 0; j < kw; ++j) {
      const int ox = tap_source(x, pw, j, dw, sw, out_w);
      if (ox >= 0) sum += gy[gy_off + plane * P + oy * out_w + ox] * w[w_off + (c * kh + ki) * kw + j];
    }
  }
  gx[gx_off + i] += sum;
}

// gw (C, 1, kh, kw) += the depthwise weight gradient: one work group of 64 per weight, summing
// over images and output positions in a fixed order, then a tree.
__kernel void depthwise_weight_grad(__global const float* gy, uint gy_off, __global const float* x, uint x_off,
                                    uint images, __global float* gw, uint gw_off, GEOMETRY) {
  __local float scratch[64];
  const uint wi = get_group_id(0), lid = get_local_id(0), j = wi % kw, ki = (wi / kw) % kh, c = wi / (kw * kh);
  const uint P = out_h * out_w;
  float sum = 0.0f;
  for (uint e = lid; e < images * P; e += 64) {
    const uint n = e / P, p = e % P, ox = p % out_w, oy = p / out_w;
    const int iy = (int)(oy * sh) - ph + (int)(ki * dh), ix = (int)(ox * sw) - pw + (int)(j * dw);
    if (iy >= 0 && iy < (int)height && ix >= 0 && ix < (int)width)
      sum += gy[gy_off + (n * channels + c) * P + p] * x[x_off + ((n * channels + c) * height + iy) * width + ix];
  }
  scratch[lid] = sum;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (uint half_size = 32; half_size > 0; half_size /= 2) {
    if (lid < half_size) scratch[lid] += scratch[lid + half_size];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0) gw[gw_off + wi] += scratch[0];
}

// y (N, C, P) += bias (C) on every position.
__kernel void add_channel_bias(__global float* y, uint y_off, __global const float* b, uint b_off, uint channels, uint P) {
  const uint i = get_global_id(0);
  y[y_off + i] += b[b_off + (i / P) % channels];
}
)CLC";

opencl::Context& ctx_of(const Tensor& t) { return opencl::context_of(t); }
cl::Kernel& kernel(const Tensor& t, const char* name) { return ctx_of(t).kernel(kProgram, kSource, name); }

template <typename... Rest>
void with_geometry(const Tensor& on, const char* name, size_t global, const ConvGeometry& g, const Rest&... args) {
  auto u = [](int64_t v) { return static_cast<cl_uint>(v); };
  opencl::launch(ctx_of(on), kernel(on, name), global, args..., u(g.channels), u(g.height), u(g.width), u(g.kh), u(g.kw),
                 u(g.sh), u(g.sw), static_cast<cl_int>(g.ph), static_cast<cl_int>(g.pw), u(g.dh), u(g.dw), u(g.out_h),
                 u(g.out_w));
}

// Up to 2^26 floats (256 MiB) of columns at a time: images per chunk for K x P columns each.
int64_t images_per_chunk(const ConvGeometry& g, int64_t n) {
  return std::clamp<int64_t>((int64_t{1} << 26) / std::max<int64_t>(g.rows() * g.cols(), 1), 1, n);
}

// col[i] = im2col(image i of `count`, the first at `at`, `stride` floats apart), col (count, K, P).
void im2col(const Tensor& image, int64_t at, int64_t stride, int64_t count, const ConvGeometry& g, Tensor& col) {
  with_geometry(image, "im2col", static_cast<size_t>(count * g.rows() * g.cols()), g, At{image, at},
                static_cast<cl_uint>(stride), col);
}

// Image i of `count` (the first at `at`, `stride` floats apart) += col2im(col[i]).
void col2im_add(const Tensor& col, const ConvGeometry& g, int64_t count, Tensor& image, int64_t at, int64_t stride) {
  with_geometry(image, "col2im_add", static_cast<size_t>(count * g.channels * g.height * g.width), g, col, At{image, at},
                static_cast<cl_uint>(stride));
}

// For i < count: C_i (m x n) = op(A_i) op(B_i) + beta * C_i, matrix i at its offset plus i times its
// stride (stride 0: one matrix for all), row-major, tight.
struct Strided {
  const Tensor& t;
  int64_t at, stride;
};
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, Strided a, Strided b, float beta, Strided c, int64_t count,
          const char* what) {
  auto z = [](int64_t v) { return static_cast<size_t>(v); };
  opencl::gemm_strided_batched(ctx_of(a.t), ta, tb, z(m), z(n), z(k), 1.0f, opencl::buffer_of(a.t)(), a.t.offset() + z(a.at),
                               z(ta ? m : k), z(a.stride), opencl::buffer_of(b.t)(), b.t.offset() + z(b.at), z(tb ? k : n),
                               z(b.stride), beta, opencl::buffer_of(c.t)(), c.t.offset() + z(c.at), z(n), z(c.stride),
                               z(count), what);
}

void add_bias(Tensor& y, const Tensor& bias, int64_t plane) {
  opencl::launch(ctx_of(y), kernel(y, "add_channel_bias"), static_cast<size_t>(y.numel()), y, bias,
                 static_cast<cl_uint>(y.size(1)), static_cast<cl_uint>(plane));
}

// gb (C) += gy (N, C, plane) summed over N and the plane.
void bias_grad(Tensor& gb, const Tensor& gy, int64_t plane) {
  Tensor acc = gb.view({gb.numel(), 1});
  reduce_broadcast_into(acc, gy.view({gy.size(0), gy.size(1), plane}));
}

// One input and one output channel per group: the direct kernels, with C = groups in the geometry.
bool depthwise(const Tensor& weight, const ConvGeometry& g, int64_t groups) {
  return groups > 1 && g.channels == 1 && weight.size(0) == groups;
}

ConvGeometry per_channel(ConvGeometry g, int64_t channels) {
  g.channels = channels;
  return g;
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const ConvGeometry& g, int64_t groups) {
  if (depthwise(weight, g, groups)) {
    Tensor y = Tensor::empty({x.size(0), groups, g.out_h, g.out_w}, x.device());
    with_geometry(x, "depthwise", static_cast<size_t>(y.numel()), per_channel(g, groups), x, weight, y);
    if (bias.defined()) add_bias(y, bias, g.cols());
    return y;
  }
  const int64_t n = x.size(0), cout = weight.size(0), cout_g = cout / groups, K = g.rows(), P = g.cols();
  const int64_t in_image = groups * g.channels * g.height * g.width, chunk = images_per_chunk(g, n);
  Tensor y = Tensor::empty({n, cout, g.out_h, g.out_w}, x.device());
  Tensor col = Tensor::empty({chunk * K * P}, x.device());
  for (int64_t i = 0; i < n; i += chunk)
    for (int64_t gr = 0; gr < groups; ++gr) {  // y[i.., gr] (cout_g x P) = W[gr] (cout_g x K) * cols[i..] (K x P)
      const int64_t count = std::min(chunk, n - i);
      im2col(x, i * in_image + gr * g.channels * g.height * g.width, in_image, count, g, col);
      gemm(false, false, cout_g, P, K, {weight, gr * cout_g * K, 0}, {col, 0, K * P}, 0.0f,
           {y, (i * cout + gr * cout_g) * P, cout * P}, count, "conv2d");
    }
  if (bias.defined()) add_bias(y, bias, P);
  return y;
}

void conv2d_backward(const Tensor& x, const Tensor& weight, const Tensor& gy, const ConvGeometry& g, int64_t groups,
                     Tensor& gx, Tensor& gw, Tensor& gb) {
  const int64_t n = x.size(0), cout = weight.size(0), cout_g = cout / groups, K = g.rows(), P = g.cols();
  const int64_t in_image = groups * g.channels * g.height * g.width, chunk = images_per_chunk(g, n);
  if (gb.defined()) bias_grad(gb, gy, P);
  if (depthwise(weight, g, groups)) {
    const ConvGeometry c = per_channel(g, groups);
    if (gx.defined()) with_geometry(x, "depthwise_input_grad", static_cast<size_t>(x.numel()), c, gy, weight, gx);
    if (gw.defined()) {
      auto u = [](int64_t v) { return static_cast<cl_uint>(v); };
      opencl::launch_groups(ctx_of(x), kernel(x, "depthwise_weight_grad"), static_cast<size_t>(weight.numel()) * 64, 64, gy,
                            x, u(n), gw, u(c.channels), u(c.height), u(c.width), u(c.kh), u(c.kw), u(c.sh), u(c.sw),
                            static_cast<cl_int>(c.ph), static_cast<cl_int>(c.pw), u(c.dh), u(c.dw), u(c.out_h), u(c.out_w));
    }
    return;
  }
  Tensor col = Tensor::empty({chunk * K * P}, x.device());
  for (int64_t i = 0; i < n; i += chunk)
    for (int64_t gr = 0; gr < groups; ++gr) {
      const int64_t count = std::min(chunk, n - i), x_at = i * in_image + gr * g.channels * g.height * g.width;
      const int64_t y_at = (i * cout + gr * cout_g) * P;
      if (gw.defined()) {  // gW[gr] (cout_g x K) += gy[m, gr] (cout_g x P) * cols[m]^T (P x K), images m in order
        im2col(x, x_at, in_image, count, g, col);
        for (int64_t m = 0; m < count; ++m)
          gemm(false, true, cout_g, K, P, {gy, y_at + m * cout * P, 0}, {col, m * K * P, 0}, 1.0f, {gw, gr * cout_g * K, 0},
               1, "conv2d weight gradient");
      }
      if (gx.defined()) {  // cols[m] (K x P) = W[gr]^T (K x cout_g) * gy[m, gr]; gx[m, gr] += col2im(cols[m])
        gemm(true, false, K, P, cout_g, {weight, gr * cout_g * K, 0}, {gy, y_at, cout * P}, 0.0f, {col, 0, K * P}, count,
             "conv2d input gradient");
        col2im_add(col, g, count, gx, x_at, in_image);
      }
    }
}

Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const ConvGeometry& g, int64_t groups) {
  const int64_t n = x.size(0), cin = x.size(1), cin_g = cin / groups, K = g.rows(), P = g.cols();
  const int64_t out_plane = g.height * g.width, cout = groups * g.channels, chunk = images_per_chunk(g, n);
  Tensor y = Tensor::zeros({n, cout, g.height, g.width}, x.device());
  Tensor col = Tensor::empty({chunk * K * P}, x.device());
  for (int64_t i = 0; i < n; i += chunk)
    for (int64_t gr = 0; gr < groups; ++gr) {  // cols[m] (K x P) = W[gr]^T (K x cin_g) * x[m, gr]; y[m, gr] += col2im
      const int64_t count = std::min(chunk, n - i);
      gemm(true, false, K, P, cin_g, {weight, gr * cin_g * K, 0}, {x, (i * cin + gr * cin_g) * P, cin * P}, 0.0f,
           {col, 0, K * P}, count, "conv_transpose2d");
      col2im_add(col, g, count, y, (i * cout + gr * g.channels) * out_plane, cout * out_plane);
    }
  if (bias.defined()) add_bias(y, bias, out_plane);
  return y;
}

void conv_transpose2d_backward(const Tensor& x, const Tensor& weight, const Tensor& gy, const ConvGeometry& g,
                               int64_t groups, Tensor& gx, Tensor& gw, Tensor& gb) {
  const int64_t n = x.size(0), cin = x.size(1), cin_g = cin / groups, K = g.rows(), P = g.cols();
  const int64_t out_plane = g.height * g.width, cout = groups * g.channels, chunk = images_per_chunk(g, n);
  if (gb.defined()) bias_grad(gb, gy, out_plane);
  if (!gx.defined() && !gw.defined()) return;
  Tensor col = Tensor::empty({chunk * K * P}, x.device());
  for (int64_t i = 0; i < n; i += chunk)
    for (int64_t gr = 0; gr < groups; ++gr) {
      const int64_t count = std::min(chunk, n - i), x_at = (i * cin + gr * cin_g) * P;
      im2col(gy, (i * cout + gr * g.channels) * out_plane, cout * out_plane, count, g, col);
      if (gx.defined())  // gx[m, gr] (cin_g x P) += W[gr] (cin_g x K) * cols[m] (K x P)
        gemm(false, false, cin_g, P, K, {weight, gr * cin_g * K, 0}, {col, 0, K * P}, 1.0f, {gx, x_at, cin * P}, count,
             "conv_transpose2d input gradient");
      if (gw.defined())  // gW[gr] (cin_g x K) += x[m, gr] (cin_g x P) * cols[m]^T (P x K), images m in order
        for (int64_t m = 0; m < count; ++m)
          gemm(false, true, cin_g, K, P, {x, x_at + m * cin * P, 0}, {col, m * K * P, 0}, 1.0f, {gw, gr * cin_g * K, 0}, 1,
               "conv_transpose2d weight gradient");
    }
}

}  // namespace splitleak::ops::opencl_impl
