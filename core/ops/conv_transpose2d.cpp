#include <string>
#include <vector>

#include "core/autograd.h"
#include "core/error.h"
#include "core/gemm.h"
#include "core/ops/conv.h"
#include "core/ops/conv_common.h"
#include "core/ops/conv_opencl.h"
#include "core/ops/conv_taps.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/im2col.h"
#include "core/profile.h"

namespace splitleak::ops {
namespace {

// A transposed convolution is the input-gradient of the convolution whose input is y and whose
// output is x; `geom` is that convolution's geometry per group (reads cout_g channels of y, its
// output rows are the rows of x).
struct ConvTransposePlan {
  int64_t n, cin, h, w, cout, groups, cin_g, cout_g;
  ConvGeometry geom;
  int64_t k() const { return geom.rows(); }  // cout_g * kh * kw
  int64_t p() const { return h * w; }        // input pixels
  int64_t out_plane() const { return geom.height * geom.width; }
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

// A CPU transposed conv as it runs: cut to the kernel taps that write the output (conv_taps.h on
// the geometry of the conv it is the adjoint of).
using CutConvTranspose = detail::CutConv<ConvTransposePlan>;

// Whether the op runs on blocks of images (detail::ImageBlocks): small inputs, one group.
bool blocked(const ConvTransposePlan& pl) { return pl.groups == 1 && detail::ImageBlocks::worth_it(pl.n, pl.p()); }

// The forward image by image: col (K x T) = W[g]^T (K x cin_g) * x[n][g][:, tile] (cin_g x T);
// y[n][g] += col2im(col). Tiles of one image overlap in the output (col2im halo), so images are
// the parallel unit.
void forward_per_image(const ConvTransposePlan& pl, const float* px, const float* pw, float* py) {
  const detail::RowTiles tiles(pl.geom);  // tiles of input rows
  const int64_t K = pl.k(), P = pl.p();
  detail::for_each_item(pl.n, K * tiles.max_columns(), [&](int, int64_t n, float* col) {
    for (int64_t t = 0; t < tiles.count; ++t) {
      const int64_t p0 = tiles.begin(t) * pl.w, T = tiles.columns(t);
      for (int64_t g = 0; g < pl.groups; ++g) {
        gemm(true, false, K, T, pl.cin_g, 1.0f, pw + g * pl.cin_g * K, K, px + (n * pl.cin + g * pl.cin_g) * P + p0, P,
             0.0f, col, T);
        col2im_add(col, pl.geom, py + (n * pl.cout + g * pl.cout_g) * pl.out_plane(), tiles.begin(t), tiles.end(t));
      }
    }
  });
}

// The forward on blocks: col (K x m*P) = W^T (K x cin) * x[block] (cin x m*P); y += col2im per image.
void forward_blocked(const ConvTransposePlan& pl, const float* px, const float* pw, float* py) {
  const detail::ImageBlocks blocks(pl.n, pl.p());
  const int64_t K = pl.k(), P = pl.p(), W = blocks.max_columns();
  detail::for_each_item(blocks.count, (K + pl.cin) * W, [&](int, int64_t b, float* scratch) {
    const int64_t m = blocks.size(b), first = blocks.begin(b);
    float *col = scratch, *xb = scratch + K * W;
    detail::gather_images(px, first, m, pl.cin, P, xb);
    gemm(true, false, K, m * P, pl.cin, 1.0f, pw, K, xb, m * P, 0.0f, col, m * P);
    col2im_add_images(col, m, pl.geom, py + first * pl.cout * pl.out_plane(), pl.cout * pl.out_plane());
  });
}

// The backward on blocks: col = im2col(gy) per image (K x m*P); gx[block] (cin x m*P) += W * col;
// gW (cin x K) += x[block] * col^T, summed per chunk (detail::ChunkSums).
void backward_blocked(const ConvTransposePlan& pl, const float* px, const float* pw, const float* pgy, float* pgx,
                      float* pgw) {
  const detail::ImageBlocks blocks(pl.n, pl.p());
  const int64_t K = pl.k(), P = pl.p(), W = blocks.max_columns();
  detail::ChunkSums sums(blocks.count, pgw, pl.cin * K);
  detail::for_each_item(blocks.count, (K + pl.cin) * W, [&](int chunk, int64_t b, float* scratch) {
    const int64_t m = blocks.size(b), first = blocks.begin(b);
    float *col = scratch, *xb = scratch + K * W;
    im2col_images(pgy + first * pl.cout * pl.out_plane(), pl.cout * pl.out_plane(), m, pl.geom, col);
    if (pgx) {
      gemm(false, false, pl.cin, m * P, K, 1.0f, pw, K, col, m * P, 0.0f, xb, m * P);
      detail::scatter_images(xb, first, m, pl.cin, P, pgx, true);
    }
    if (pgw) {
      detail::gather_images(px, first, m, pl.cin, P, xb);
      gemm(false, true, pl.cin, K, m * P, 1.0f, xb, m * P, col, m * P, sums.beta(chunk, b), sums.of(chunk), K);
    }
  });
  sums.finish();
}

// The input and weight gradients of a CPU transposed conv from gy, each accumulated (+=) where
// not null.
void conv_transpose_kernel_backward(const ConvTransposePlan& pl, const float* px, const float* pw, const float* pgy,
                                    float* pgx, float* pgw) {
  if (!pgx && !pgw) return;
  if (blocked(pl)) return backward_blocked(pl, px, pw, pgy, pgx, pgw);
  // Input tiles are disjoint in gx, so (image, tile) items run in parallel; gW is summed per
  // chunk (detail::ChunkSums).
  const detail::RowTiles tiles(pl.geom);
  const int64_t K = pl.k(), P = pl.p(), items = pl.n * tiles.count;
  detail::ChunkSums sums(items, pgw, pl.cin * K);
  detail::for_each_item(items, K * tiles.max_columns(), [&](int chunk, int64_t item, float* col) {
    const int64_t n = item / tiles.count, t = item % tiles.count, p0 = tiles.begin(t) * pl.w, T = tiles.columns(t);
    for (int64_t g = 0; g < pl.groups; ++g) {
      im2col(pgy + (n * pl.cout + g * pl.cout_g) * pl.out_plane(), pl.geom, col, tiles.begin(t), tiles.end(t));
      const float* wg = pw + g * pl.cin_g * K;
      // gx[n][g][:, tile] (cin_g x T) += W[g] (cin_g x K) * col (K x T)
      if (pgx)
        gemm(false, false, pl.cin_g, T, K, 1.0f, wg, K, col, T, 1.0f, pgx + (n * pl.cin + g * pl.cin_g) * P + p0, P);
      // gW[g] (cin_g x K) += x[n][g][:, tile] (cin_g x T) * col^T (T x K)
      if (pgw)
        gemm(false, true, pl.cin_g, K, T, 1.0f, px + (n * pl.cin + g * pl.cin_g) * P + p0, P, col, T,
             sums.beta(chunk, item), sums.of(chunk) + g * pl.cin_g * K, K);
    }
  });
  sums.finish();
}

// The backward of a CPU transposed conv: gradients accumulate into gi (input, weight, bias) where
// defined; the weight's through a cut-sized buffer when the kernel was cut.
void conv_transpose_backward(const CutConvTranspose& c, const Tensor& x, const Tensor& gy, std::span<Tensor> gi) {
  const ConvTransposePlan& pl = c.plan;
  Tensor &gx = gi[0], &gw = gi[1], &gb = gi[2];
  if (gb.defined()) detail::accumulate_bias_grad(gy.data(), gb.data(), pl.n, pl.cout, pl.out_plane());
  Tensor gw_run = detail::weight_grad_to_run(c, gw);
  conv_transpose_kernel_backward(pl, x.data(), c.weight.data(), gy.data(), gx.defined() ? gx.data() : nullptr,
                                 gw_run.defined() ? gw_run.data() : nullptr);
  detail::finish_weight_grad(c, gw_run, gw);
}

}  // namespace

Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        const ConvTranspose2dOptions& options) {
  const ConvTransposePlan pl = plan_conv_transpose(x, weight, bias, options);
  detail::count_conv(pl.n * pl.cin * pl.k() * pl.p());
  if (on_device("conv_transpose2d", {&x, &weight, &bias})) {
    Tensor y = opencl_impl::conv_transpose2d(x, weight, bias, pl.geom, pl.groups);
    return autograd::record(y, {x, weight, bias}, "conv_transpose2d", [x, weight, pl](const Tensor& gy, std::span<Tensor> gi) {
      opencl_impl::conv_transpose2d_backward(x, weight, gy, pl.geom, pl.groups, gi[0], gi[1], gi[2]);
    });
  }
  const CutConvTranspose cut = detail::cut_taps(pl, weight);
  Tensor y = Tensor::zeros({pl.n, pl.cout, pl.geom.height, pl.geom.width});
  float* py = y.data();
  if (blocked(cut.plan)) forward_blocked(cut.plan, x.data(), cut.weight.data(), py);
  else forward_per_image(cut.plan, x.data(), cut.weight.data(), py);
  if (bias.defined()) detail::add_bias(py, bias.data(), pl.n, pl.cout, pl.out_plane());
  const char* name = profile::label("conv_transpose2d", [&] {
    return detail::shape_text(pl.n, pl.cin, pl.h, pl.w, pl.cout, pl.geom.height, pl.geom.width, pl.geom);
  });
  return autograd::record(y, {x, weight, bias}, name, [x, cut](const Tensor& gy, std::span<Tensor> gi) {
    conv_transpose_backward(cut, x, gy, gi);
  });
}

}  // namespace splitleak::ops
