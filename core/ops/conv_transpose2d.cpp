#include <string>
#include <vector>

#include "core/autograd.h"
#include "core/error.h"
#include "core/gemm.h"
#include "core/ops/conv.h"
#include "core/ops/conv_common.h"
#include "core/ops/im2col.h"

namespace splitleak::ops {
namespace {

// A transposed convolution is the input-gradient of the convolution whose input is y and whose
// output is x; `geom` is that convolution's geometry per group (reads cout_g channels of y).
struct ConvTransposePlan {
  int64_t n, cin, h, w, cout, groups, cin_g, cout_g;
  ConvGeometry geom;
  int64_t k() const { return geom.rows(); }  // cout_g * kh * kw
  int64_t p() const { return h * w; }        // input pixels
};

ConvTransposePlan plan_conv_transpose(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                      const ConvTranspose2dOptions& o) {
  check_dim(x, 4, "conv_transpose2d input");
  check_dim(weight, 4, "conv_transpose2d weight");
  ConvTransposePlan p{};
  p.n = x.size(0), p.cin = x.size(1), p.h = x.size(2), p.w = x.size(3);
  p.groups = o.groups;
  check(o.groups >= 1 && p.cin % o.groups == 0,
        "conv_transpose2d: groups " + std::to_string(o.groups) + " must divide input channels " + std::to_string(p.cin));
  check(weight.size(0) == p.cin, "conv_transpose2d: weight " + shape_str(weight.shape()) + " does not fit input " +
                                     shape_str(x.shape()));
  p.cin_g = p.cin / o.groups, p.cout_g = weight.size(1), p.cout = p.cout_g * o.groups;
  check(!bias.defined() || (bias.dim() == 1 && bias.size(0) == p.cout),
        "conv_transpose2d: bias must have shape [" + std::to_string(p.cout) + "]");
  for (int a = 0; a < 2; ++a)
    check(o.stride[a] >= 1 && o.dilation[a] >= 1 && o.padding[a] >= 0 && o.output_padding[a] >= 0 &&
              (o.output_padding[a] < o.stride[a] || o.output_padding[a] < o.dilation[a]),
          "conv_transpose2d: need stride, dilation >= 1, padding >= 0 and output_padding < stride or dilation");
  const int64_t kh = weight.size(2), kw = weight.size(3);
  const int64_t oh = (p.h - 1) * o.stride[0] - 2 * o.padding[0] + o.dilation[0] * (kh - 1) + o.output_padding[0] + 1;
  const int64_t ow = (p.w - 1) * o.stride[1] - 2 * o.padding[1] + o.dilation[1] * (kw - 1) + o.output_padding[1] + 1;
  check(oh >= 1 && ow >= 1, "conv_transpose2d: output size would be empty for input " + shape_str(x.shape()));
  p.geom = {p.cout_g, oh, ow, kh, kw, o.stride[0], o.stride[1], o.padding[0], o.padding[1],
            o.dilation[0], o.dilation[1], p.h, p.w};
  return p;
}

}  // namespace

Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        const ConvTranspose2dOptions& options) {
  const ConvTransposePlan pl = plan_conv_transpose(x, weight, bias, options);
  const int64_t K = pl.k(), P = pl.p(), out_plane = pl.geom.height * pl.geom.width;
  Tensor y = Tensor::zeros({pl.n, pl.cout, pl.geom.height, pl.geom.width});
  const float* px = x.data();
  const float* pw = weight.data();
  float* py = y.data();
  detail::for_each_image(pl.n, K * P, [&](int, int64_t n, float* col) {
    for (int64_t g = 0; g < pl.groups; ++g) {
      // col (K x P) = W[g]^T (K x cin_g) * x[n][g] (cin_g x P); y[n][g] += col2im(col)
      gemm(true, false, K, P, pl.cin_g, 1.0f, pw + g * pl.cin_g * K, K, px + (n * pl.cin + g * pl.cin_g) * P, P, 0.0f,
           col, P);
      col2im_add(col, pl.geom, py + (n * pl.cout + g * pl.cout_g) * out_plane);
    }
  });
  if (bias.defined()) detail::add_bias(py, bias.data(), pl.n, pl.cout, out_plane);

  return autograd::record(
      y, {x, weight, bias}, "conv_transpose2d", [x, weight, pl](const Tensor& gy, std::span<Tensor> gi) {
        const int64_t K = pl.k(), P = pl.p(), out_plane = pl.geom.height * pl.geom.width;
        const float* px = x.data();
        const float* pw = weight.data();
        const float* pgy = gy.data();
        Tensor &gx = gi[0], &gw = gi[1], &gb = gi[2];
        if (gb.defined()) detail::accumulate_bias_grad(pgy, gb.data(), pl.n, pl.cout, out_plane);
        if (!gx.defined() && !gw.defined()) return;
        const int chunks = detail::max_chunks(pl.n);
        std::vector<std::vector<float>> gw_parts;
        if (gw.defined() && chunks > 1)
          gw_parts.assign(static_cast<size_t>(chunks), std::vector<float>(weight.numel(), 0.0f));
        float* pgx = gx.defined() ? gx.data() : nullptr;
        detail::for_each_image(pl.n, K * P, [&](int chunk, int64_t n, float* col) {
          float* gw_dst = !gw.defined() ? nullptr : (chunks > 1 ? gw_parts[static_cast<size_t>(chunk)].data() : gw.data());
          for (int64_t g = 0; g < pl.groups; ++g) {
            im2col(pgy + (n * pl.cout + g * pl.cout_g) * out_plane, pl.geom, col);  // K x P
            const float* xg = px + (n * pl.cin + g * pl.cin_g) * P;
            const float* wg = pw + g * pl.cin_g * K;
            // gx[n][g] (cin_g x P) += W[g] (cin_g x K) * col (K x P)
            if (pgx) gemm(false, false, pl.cin_g, P, K, 1.0f, wg, K, col, P, 1.0f, pgx + (n * pl.cin + g * pl.cin_g) * P, P);
            // gW[g] (cin_g x K) += x[n][g] (cin_g x P) * col^T (P x K)
            if (gw_dst) gemm(false, true, pl.cin_g, K, P, 1.0f, xg, P, col, P, 1.0f, gw_dst + g * pl.cin_g * K, K);
          }
        });
        if (gw.defined() && chunks > 1) detail::reduce_partials(gw_parts, chunks, gw.data(), weight.numel());
      });
}

}  // namespace splitleak::ops
