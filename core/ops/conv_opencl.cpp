#include "core/ops/conv_opencl.h"

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

// col (channels*kh*kw, out_h*out_w) = the patches of img (channels, height, width), 0 in the padding.
__kernel void im2col(__global const float* img, uint img_off, __global float* col, uint col_off, GEOMETRY) {
  const uint i = get_global_id(0), P = out_h * out_w, r = i / P, p = i % P;
  const uint ox = p % out_w, oy = p / out_w, j = r % kw, ki = (r / kw) % kh, c = r / (kw * kh);
  const int iy = (int)(oy * sh) - ph + (int)(ki * dh), ix = (int)(ox * sw) - pw + (int)(j * dw);
  const bool inside = iy >= 0 && iy < (int)height && ix >= 0 && ix < (int)width;
  col[col_off + i] = inside ? img[img_off + (c * height + iy) * width + ix] : 0.0f;
}

// img += the adjoint of im2col: each image element gathers its patch entries, kernel rows then
// columns in order.
__kernel void col2im_add(__global const float* col, uint col_off, __global float* img, uint img_off, GEOMETRY) {
  const uint i = get_global_id(0), P = out_h * out_w;
  const int x = i % width, y = (i / width) % height;
  const uint c = i / (width * height);
  float sum = 0.0f;
  for (uint ki = 0; ki < kh; ++ki) {
    const int ty = y + ph - (int)(ki * dh);
    if (ty < 0 || ty % (int)sh != 0 || ty / (int)sh >= (int)out_h) continue;
    for (uint j = 0; j < kw; ++j) {
      const int tx = x + pw - (int)(j * dw);
      if (tx < 0 || tx % (int)sw != 0 || tx / (int)sw >= (int)out_w) continue;
      sum += col[col_off + ((c * kh + ki) * kw + j) * P + (ty / sh) * out_w + tx / sw];
    }
  }
  img[img_off + i] += sum;
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

// col = im2col(image at `at`), col (K x P).
void im2col(const Tensor& image, int64_t at, const ConvGeometry& g, Tensor& col) {
  with_geometry(image, "im2col", static_cast<size_t>(g.rows() * g.cols()), g, At{image, at}, col);
}

// image at `at` += col2im(col).
void col2im_add(const Tensor& col, const ConvGeometry& g, Tensor& image, int64_t at) {
  with_geometry(image, "col2im_add", static_cast<size_t>(g.channels * g.height * g.width), g, col, At{image, at});
}

// C (m x n) = alpha * op(A) op(B) + beta * C, each matrix at its offset, row-major, tight.
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const Tensor& a, int64_t a_at, const Tensor& b, int64_t b_at,
          float beta, Tensor& c, int64_t c_at, const char* what) {
  auto z = [](int64_t v) { return static_cast<size_t>(v); };
  opencl::gemm(ctx_of(a), ta, tb, z(m), z(n), z(k), 1.0f, opencl::buffer_of(a)(), a.offset() + z(a_at), z(ta ? m : k),
               opencl::buffer_of(b)(), b.offset() + z(b_at), z(tb ? k : n), beta, opencl::buffer_of(c)(),
               c.offset() + z(c_at), z(n), what);
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

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const ConvGeometry& g, int64_t groups) {
  const int64_t n = x.size(0), cout = weight.size(0), cout_g = cout / groups, K = g.rows(), P = g.cols();
  const int64_t in_plane = g.height * g.width;
  Tensor y = Tensor::empty({n, cout, g.out_h, g.out_w}, x.device());
  Tensor col = Tensor::empty({K * P}, x.device());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t gr = 0; gr < groups; ++gr) {  // y[i, gr] (cout_g x P) = W[gr] (cout_g x K) * cols (K x P)
      im2col(x, (i * groups + gr) * g.channels * in_plane, g, col);
      gemm(false, false, cout_g, P, K, weight, gr * cout_g * K, col, 0, 0.0f, y, (i * cout + gr * cout_g) * P, "conv2d");
    }
  if (bias.defined()) add_bias(y, bias, P);
  return y;
}

void conv2d_backward(const Tensor& x, const Tensor& weight, const Tensor& gy, const ConvGeometry& g, int64_t groups,
                     Tensor& gx, Tensor& gw, Tensor& gb) {
  const int64_t n = x.size(0), cout = weight.size(0), cout_g = cout / groups, K = g.rows(), P = g.cols();
  const int64_t in_plane = g.height * g.width;
  if (gb.defined()) bias_grad(gb, gy, P);
  Tensor col = Tensor::empty({K * P}, x.device());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t gr = 0; gr < groups; ++gr) {
      const int64_t x_at = (i * groups + gr) * g.channels * in_plane, y_at = (i * cout + gr * cout_g) * P;
      if (gw.defined()) {  // gW[gr] (cout_g x K) += gy[i, gr] (cout_g x P) * cols^T (P x K)
        im2col(x, x_at, g, col);
        gemm(false, true, cout_g, K, P, gy, y_at, col, 0, 1.0f, gw, gr * cout_g * K, "conv2d weight gradient");
      }
      if (gx.defined()) {  // cols (K x P) = W[gr]^T (K x cout_g) * gy[i, gr]; gx[i, gr] += col2im(cols)
        gemm(true, false, K, P, cout_g, weight, gr * cout_g * K, gy, y_at, 0.0f, col, 0, "conv2d input gradient");
        col2im_add(col, g, gx, x_at);
      }
    }
}

Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const ConvGeometry& g, int64_t groups) {
  const int64_t n = x.size(0), cin = x.size(1), cin_g = cin / groups, K = g.rows(), P = g.cols();
  const int64_t out_plane = g.height * g.width, cout = groups * g.channels;
  Tensor y = Tensor::zeros({n, cout, g.height, g.width}, x.device());
  Tensor col = Tensor::empty({K * P}, x.device());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t gr = 0; gr < groups; ++gr) {  // cols (K x P) = W[gr]^T (K x cin_g) * x[i, gr]; y += col2im(cols)
      gemm(true, false, K, P, cin_g, weight, gr * cin_g * K, x, (i * cin + gr * cin_g) * P, 0.0f, col, 0,
           "conv_transpose2d");
      col2im_add(col, g, y, (i * cout + gr * g.channels) * out_plane);
    }
  if (bias.defined()) add_bias(y, bias, out_plane);
  return y;
}

void conv_transpose2d_backward(const Tensor& x, const Tensor& weight, const Tensor& gy, const ConvGeometry& g,
                               int64_t groups, Tensor& gx, Tensor& gw, Tensor& gb) {
  const int64_t n = x.size(0), cin = x.size(1), cin_g = cin / groups, K = g.rows(), P = g.cols();
  const int64_t out_plane = g.height * g.width, cout = groups * g.channels;
  if (gb.defined()) bias_grad(gb, gy, out_plane);
  if (!gx.defined() && !gw.defined()) return;
  Tensor col = Tensor::empty({K * P}, x.device());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t gr = 0; gr < groups; ++gr) {
      const int64_t x_at = (i * cin + gr * cin_g) * P;
      im2col(gy, (i * cout + gr * g.channels) * out_plane, g, col);
      if (gx.defined())  // gx[i, gr] (cin_g x P) += W[gr] (cin_g x K) * cols (K x P)
        gemm(false, false, cin_g, P, K, weight, gr * cin_g * K, col, 0, 1.0f, gx, x_at, "conv_transpose2d input gradient");
      if (gw.defined())  // gW[gr] (cin_g x K) += x[i, gr] (cin_g x P) * cols^T (P x K)
        gemm(false, true, cin_g, K, P, x, x_at, col, 0, 1.0f, gw, gr * cin_g * K, "conv_transpose2d weight gradient");
    }
}

}  // namespace splitleak::ops::opencl_impl
