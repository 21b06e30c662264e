#include <omp.h>

#include <string>
#include <vector>

#include "core/autograd.h"
#include "core/error.h"
#include "core/gemm.h"
#include "core/ops/conv.h"
#include "core/ops/conv_common.h"
#include "core/ops/conv_opencl.h"
#include "core/ops/conv_taps.h"
#include "core/ops/depthwise.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/few_outputs.h"
#include "core/ops/im2col.h"
#include "core/ops/winograd.h"
#include "core/parallel.h"
#include "core/profile.h"

namespace splitleak::ops {

int64_t conv_out_size(int64_t in, int64_t kernel, int64_t stride, int64_t padding, int64_t dilation) {
  return (in + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
}

namespace {

struct Conv2dPlan {
  int64_t n, cin, h, w, cout, groups, cin_g, cout_g;
  ConvGeometry geom;  // per group: reads cin_g channels of the input
  bool pointwise;     // 1x1, stride 1, no padding: the input itself is the column matrix
  // One kernel per channel: the direct depthwise loops instead of 1-row GEMMs.
  bool depthwise() const { return groups > 1 && cin_g == 1 && cout_g == 1; }
  int64_t k() const { return geom.rows(); }
  int64_t p() const { return geom.cols(); }
};

// 1x1, stride 1, no padding, output the input's size: the input itself is the column matrix.
bool pointwise(const ConvGeometry& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 && g.out_h == g.height &&
         g.out_w == g.width;
}

Conv2dPlan plan_conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Conv2dOptions& o) {
  check_dim(x, 4, "conv2d input");
  check_dim(weight, 4, "conv2d weight");
  Conv2dPlan p{};
  p.n = x.size(0), p.cin = x.size(1), p.h = x.size(2), p.w = x.size(3);
  p.cout = weight.size(0), p.groups = o.groups;
  check(o.groups >= 1 && p.cin % o.groups == 0 && p.cout % o.groups == 0,
        "conv2d: groups " + std::to_string(o.groups) + " must divide input channels " + std::to_string(p.cin) +
            " and output channels " + std::to_string(p.cout));
  p.cin_g = p.cin / o.groups, p.cout_g = p.cout / o.groups;
  check(weight.size(1) == p.cin_g, "conv2d: weight " + shape_str(weight.shape()) + " does not fit input " +
                                       shape_str(x.shape()) + " with groups " + std::to_string(o.groups));
  check(!bias.defined() || (bias.dim() == 1 && bias.size(0) == p.cout),
        "conv2d: bias must have shape [" + std::to_string(p.cout) + "]");
  check(o.stride[0] >= 1 && o.stride[1] >= 1 && o.dilation[0] >= 1 && o.dilation[1] >= 1 && o.padding[0] >= 0 &&
            o.padding[1] >= 0,
        "conv2d: stride and dilation must be >= 1 and padding >= 0");
  const int64_t kh = weight.size(2), kw = weight.size(3);
  const int64_t oh = conv_out_size(p.h, kh, o.stride[0], o.padding[0], o.dilation[0]);
  const int64_t ow = conv_out_size(p.w, kw, o.stride[1], o.padding[1], o.dilation[1]);
  check(oh >= 1 && ow >= 1, "conv2d: kernel " + shape_str({kh, kw}) + " does not fit input " + shape_str(x.shape()));
  p.geom = {p.cin_g, p.h, p.w, kh, kw, o.stride[0], o.stride[1], o.padding[0], o.padding[1],
            o.dilation[0], o.dilation[1], oh, ow};
  p.pointwise = pointwise(p.geom);
  return p;
}

// A CPU conv2d as it runs: cut to the kernel taps that read the image (conv_taps.h); a kernel
// cut to 1x1 may make it pointwise.
using CutConv2d = detail::CutConv<Conv2dPlan>;

CutConv2d cut_taps(const Conv2dPlan& pl, const Tensor& weight) {
  CutConv2d c = detail::cut_taps(pl, weight);
  c.plan.pointwise = pointwise(c.plan.geom);
  return c;
}

// Row tiles of the output. Cache-sized tiles (im2col.h) spread over threads. A pointwise conv has
// no column matrix to keep in cache: one GEMM per image. Too few tiles to share between threads
// (small images, batch 1): one tile per thread and image, each building its own columns with no
// wait between im2col and GEMM, while a tile keeps kMinColumns columns; below that (7x7 maps) one
// GEMM per image, which gemm() splits by rows when called outside a parallel region.
detail::RowTiles row_tiles(const Conv2dPlan& pl) {
  constexpr int64_t kMinColumns = 64;
  const detail::RowTiles tiles(pl.geom), whole(pl.geom, pl.geom.out_h);
  if (pl.pointwise) return whole;
  if (pl.n * tiles.count >= 2 * num_threads()) return tiles;
  const int64_t per_image = (num_threads() + pl.n - 1) / pl.n;
  const detail::RowTiles shared(pl.geom, (pl.geom.out_h + per_image - 1) / per_image);
  return shared.max_columns() >= kMinColumns && shared.count > 1 ? shared : whole;
}

// The column matrix of image n, group g, row tile t: the input itself for pointwise convs
// (leading dimension P), else im2col into `scratch` (leading dimension T). Returns {cols, ld}.
std::pair<const float*, int64_t> columns(const Conv2dPlan& pl, const detail::RowTiles& tiles, const float* x, int64_t n,
                                         int64_t g, int64_t t, float* scratch) {
  const float* xg = x + (n * pl.cin + g * pl.cin_g) * pl.h * pl.w;
  if (pl.pointwise) return {xg + tiles.begin(t) * pl.geom.out_w, pl.p()};
  if (omp_in_parallel() || pl.cin_g < 2) {
    im2col(xg, pl.geom, scratch, tiles.begin(t), tiles.end(t));
  } else {
    // A lone work item (one image, one tile): its channels' rows are filled in parallel.
    const int64_t T = tiles.columns(t), rows_per_channel = pl.geom.kh * pl.geom.kw;
    parallel_for(pl.cin_g, [&](int64_t c0, int64_t c1) {
      ConvGeometry part = pl.geom;
      part.channels = c1 - c0;
      im2col(xg + c0 * pl.h * pl.w, part, scratch + c0 * rows_per_channel * T, tiles.begin(t), tiles.end(t));
    });
  }
  return {scratch, tiles.columns(t)};
}

// Whether the conv runs on blocks of images (detail::ImageBlocks): small outputs, one group,
// a column matrix to build.
bool blocked(const Conv2dPlan& pl) {
  return pl.groups == 1 && !pl.pointwise && detail::ImageBlocks::worth_it(pl.n, pl.p());
}

// The column matrix of block b (K x m*P, the block's m images side by side) into `cols`.
void block_columns(const Conv2dPlan& pl, const detail::ImageBlocks& blocks, const float* x, int64_t b, float* cols) {
  const int64_t image = pl.cin * pl.h * pl.w;
  im2col_images(x + blocks.begin(b) * image, image, blocks.size(b), pl.geom, cols);
}

// conv2d_kernel on blocks of images: y[block] (cout x m*P) = W (cout x K) * cols (K x m*P), then
// `map` (when given) on the block's images.
void conv2d_blocked(const float* px, const float* pw, const Conv2dPlan& pl, float* py, float beta,
                    const detail::OutputMap* map) {
  const detail::ImageBlocks blocks(pl.n, pl.p());
  const int64_t K = pl.k(), W = blocks.max_columns();
  detail::for_each_item(blocks.count, (K + pl.cout) * W, [&](int, int64_t b, float* scratch) {
    const int64_t m = blocks.size(b);
    float *cols = scratch, *out = scratch + K * W;
    block_columns(pl, blocks, px, b, cols);
    gemm(false, false, pl.cout, m * pl.p(), K, 1.0f, pw, K, cols, m * pl.p(), 0.0f, out, m * pl.p());
    detail::scatter_images(out, blocks.begin(b), m, pl.cout, pl.p(), py, beta != 0.0f);
    for (int64_t i = 0; map && i < m; ++i) map->apply(py, pl.cout, pl.p(), blocks.begin(b) + i, 0, pl.cout, 0, pl.p());
  });
}

// y (N, cout, oh, ow) = conv(x, w) + beta * y, beta 0 or 1, then `map` (when given) on every
// output value. Convs of one output channel run channels-last (few_outputs.h); 3x3 stride-1 convs
// with enough channels take the Winograd path; the rest are cut into (image, row tile) items whose
// columns stay cache-resident between im2col and the GEMM. Except for one output channel, each
// output block is mapped by the thread that computed it, while it is in that thread's cache.
void conv2d_kernel(const float* px, const float* pw, const Conv2dPlan& pl, float* py, float beta,
                   const detail::OutputMap* map) {
  const ConvGeometry& gm = pl.geom;
  const int64_t K = pl.k(), P = pl.p();
  if (detail::few_outputs(pl.groups, pl.cout)) {
    detail::few_outputs_forward(px, pw, pl.n, pl.cout, gm, py, beta);
    if (map) map->apply_all(py, pl.n, pl.cout, P);
    return;
  }
  const int64_t winograd_tiles = pl.n * ((gm.out_h + 1) / 2) * ((gm.out_w + 1) / 2);
  if (detail::winograd_applicable(gm.kh, gm.kw, gm.sh, gm.sw, gm.dh, gm.dw, pl.groups, pl.cin, pl.cout, winograd_tiles))
    return detail::winograd_conv3x3(px, pw, pl.n, pl.cin, pl.h, pl.w, pl.cout, gm.ph, gm.pw, gm.out_h, gm.out_w, py, beta,
                                    map);
  if (blocked(pl)) return conv2d_blocked(px, pw, pl, py, beta, map);
  const detail::RowTiles tiles = row_tiles(pl);
  detail::for_each_item(pl.n * tiles.count, pl.pointwise ? 0 : K * tiles.max_columns(), [&](int, int64_t item, float* col) {
    const int64_t n = item / tiles.count, t = item % tiles.count, p0 = tiles.begin(t) * pl.geom.out_w;
    for (int64_t g = 0; g < pl.groups; ++g) {
      auto [cols, ld] = columns(pl, tiles, px, n, g, t, col);
      // Maps rows [r0, r0 + rows) and columns [c0, c0 + count) of this product: channels from
      // g * cout_g + r0, positions from p0 + c0.
      const int64_t c_first = g * pl.cout_g;
      GemmBlockDone mapped;
      if (map)
        mapped = [map, py, &pl, P, n, c_first, p0](int64_t r0, int64_t rows, int64_t c0, int64_t count) {
          map->apply(py, pl.cout, P, n, c_first + r0, c_first + r0 + rows, p0 + c0, count);
        };
      // y[n][g][:, tile] (cout_g x T) = W[g] (cout_g x K) * cols (K x T) + beta * y[n][g][:, tile]
      gemm(false, false, pl.cout_g, tiles.columns(t), K, 1.0f, pw + g * pl.cout_g * K, K, cols, ld, beta,
           py + (n * pl.cout + g * pl.cout_g) * P + p0, P, mapped);
    }
  });
}

// For stride 1, the input gradient is itself a convolution: of grad_y with the kernel rotated by
// 180 degrees and input/output channels swapped, padding d*(k-1) - p. Returns false when that
// does not apply (stride > 1, or padding wider than the dilated kernel).
bool input_grad_as_conv(const Conv2dPlan& pl, const float* pgy, const float* pw, float* pgx) {
  const ConvGeometry& g = pl.geom;
  const int64_t ph = g.dh * (g.kh - 1) - g.ph, pwd = g.dw * (g.kw - 1) - g.pw;
  if (g.sh != 1 || g.sw != 1 || ph < 0 || pwd < 0 || pl.pointwise) return false;
  // w_t[g*cin_g + ci][co][i][j] = w[g*cout_g + co][ci][kh-1-i][kw-1-j], written row by row of w_t
  const int64_t taps = g.kh * g.kw;
  std::vector<float> w_t(static_cast<size_t>(pl.cout * pl.cin_g * taps));
  parallel_for(pl.groups * pl.cin_g, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t grp = r / pl.cin_g, ci = r % pl.cin_g;
      for (int64_t co = 0; co < pl.cout_g; ++co) {
        const float* from = pw + ((grp * pl.cout_g + co) * pl.cin_g + ci) * taps;
        float* to = w_t.data() + (r * pl.cout_g + co) * taps;
        for (int64_t tap = 0; tap < taps; ++tap) to[taps - 1 - tap] = from[tap];
      }
    }
  });
  Conv2dPlan t = pl;
  t.cin = pl.cout, t.cout = pl.cin, t.cin_g = pl.cout_g, t.cout_g = pl.cin_g, t.h = g.out_h, t.w = g.out_w;
  t.geom = {pl.cout_g, g.out_h, g.out_w, g.kh, g.kw, 1, 1, ph, pwd, g.dh, g.dw, pl.h, pl.w};
  t.pointwise = false;
  conv2d_kernel(pgy, w_t.data(), t, pgx, 1.0f, nullptr);
  return true;
}

// The backward of a blocked conv. gW (cout x K) += gy[block] (cout x m*P) * cols^T, summed per
// chunk (detail::ChunkSums); gx: col (K x m*P) = W^T * gy[block], col2im per image.
void conv2d_blocked_backward(const Conv2dPlan& pl, const float* px, const float* pw, const float* pgy, float* pgw,
                             float* pgx) {
  if (!pgw && !pgx) return;
  const detail::ImageBlocks blocks(pl.n, pl.p());
  const int64_t K = pl.k(), P = pl.p(), W = blocks.max_columns();
  detail::ChunkSums sums(blocks.count, pgw, pl.cout * K);
  detail::for_each_item(blocks.count, (K + pl.cout) * W, [&](int chunk, int64_t b, float* scratch) {
    const int64_t m = blocks.size(b), first = blocks.begin(b);
    float *cols = scratch, *gy = scratch + K * W;
    detail::gather_images(pgy, first, m, pl.cout, P, gy);
    if (pgw) {
      block_columns(pl, blocks, px, b, cols);
      gemm(false, true, pl.cout, K, m * P, 1.0f, gy, m * P, cols, m * P, sums.beta(chunk, b), sums.of(chunk), K);
    }
    if (pgx) {
      gemm(true, false, K, m * P, pl.cout, 1.0f, pw, K, gy, m * P, 0.0f, cols, m * P);
      const int64_t image = pl.cin * pl.h * pl.w;
      col2im_add_images(cols, m, pl.geom, pgx + first * image, image);
    }
  });
  sums.finish();
}

// The values of a CPU conv2d: conv(x, weight) + bias, or, given `map`, the conv mapped (the map
// adds the bias itself).
Tensor conv2d_values(const Tensor& x, const CutConv2d& c, const Tensor& bias, const detail::OutputMap* map) {
  const Conv2dPlan& pl = c.plan;
  Tensor y = Tensor::empty({pl.n, pl.cout, pl.geom.out_h, pl.geom.out_w});
  if (pl.depthwise()) {
    detail::depthwise_forward(x.data(), c.weight.data(), pl.n, pl.cin, pl.geom, y.data());
    if (map) map->apply_all(y.data(), pl.n, pl.cout, pl.p());
  } else {
    conv2d_kernel(x.data(), c.weight.data(), pl, y.data(), 0.0f, map);
  }
  if (bias.defined() && !map) detail::add_bias(y.data(), bias.data(), pl.n, pl.cout, pl.p());
  return y;
}

// The input and weight gradients of a CPU conv2d from gy, each accumulated (+=) where not null.
void conv2d_kernel_backward(const Conv2dPlan& pl, const float* px, const float* pw, const float* pgy, float* pgx,
                            float* pgw) {
  if (pl.depthwise()) {
    if (pgw) detail::depthwise_weight_grad(pgy, px, pl.n, pl.cin, pl.geom, pgw);
    if (pgx) detail::depthwise_input_grad(pgy, pw, pl.n, pl.cin, pl.geom, pgx);
    return;
  }
  if (detail::few_outputs(pl.groups, pl.cout)) {
    if (pgw) detail::few_outputs_weight_grad(pgy, px, pl.n, pl.cout, pl.geom, pgw);
    if (pgx) detail::few_outputs_input_grad(pgy, pw, pl.n, pl.cout, pl.geom, pgx);
    return;
  }
  // W^T * gy and col2im, even at stride 1: at these sizes rotating the kernel for
  // input_grad_as_conv costs as much as the GEMM (4x4, 256 -> 512 at 4x4: 18.8 -> 9.4 ms).
  if (blocked(pl)) return conv2d_blocked_backward(pl, px, pw, pgy, pgw, pgx);
  const detail::RowTiles tiles = row_tiles(pl);
  const int64_t K = pl.k(), P = pl.p(), scratch = pl.pointwise ? 0 : K * tiles.max_columns();
  if (pgw) {
    // gW[g] (cout_g x K) += gy[n][g][:, tile] (cout_g x T) * cols^T (T x K), summed per chunk
    // (detail::ChunkSums).
    const int64_t items = pl.n * tiles.count;
    detail::ChunkSums sums(items, pgw, pl.cout * K);
    detail::for_each_item(items, scratch, [&](int chunk, int64_t item, float* col) {
      const int64_t n = item / tiles.count, t = item % tiles.count, p0 = tiles.begin(t) * pl.geom.out_w;
      for (int64_t g = 0; g < pl.groups; ++g) {
        auto [cols, ld] = columns(pl, tiles, px, n, g, t, col);
        gemm(false, true, pl.cout_g, K, tiles.columns(t), 1.0f, pgy + (n * pl.cout + g * pl.cout_g) * P + p0, P, cols,
             ld, sums.beta(chunk, item), sums.of(chunk) + g * pl.cout_g * K, K);
      }
    });
    sums.finish();
  }
  if (!pgx || input_grad_as_conv(pl, pgy, pw, pgx)) return;
  // Tiles of one image overlap in the input (col2im halo), so images are the parallel unit.
  detail::for_each_item(pl.n, scratch, [&](int, int64_t n, float* col) {
    for (int64_t t = 0; t < tiles.count; ++t) {
      const int64_t p0 = tiles.begin(t) * pl.geom.out_w, T = tiles.columns(t);
      for (int64_t g = 0; g < pl.groups; ++g) {
        const float* gyg = pgy + (n * pl.cout + g * pl.cout_g) * P + p0;
        const float* wg = pw + g * pl.cout_g * K;
        float* gxg = pgx + (n * pl.cin + g * pl.cin_g) * pl.h * pl.w;
        if (pl.pointwise) {
          // gx[n][g][:, tile] (K x T) += W[g]^T (K x cout_g) * gy tile (cout_g x T)
          gemm(true, false, K, T, pl.cout_g, 1.0f, wg, K, gyg, P, 1.0f, gxg + p0, P);
        } else {
          gemm(true, false, K, T, pl.cout_g, 1.0f, wg, K, gyg, P, 0.0f, col, T);
          col2im_add(col, pl.geom, gxg, tiles.begin(t), tiles.end(t));
        }
      }
    }
  });
}

// The backward of a CPU conv2d: gradients accumulate into gi (input, weight, bias) where defined;
// the weight's through a cut-sized buffer when the kernel was cut.
void conv2d_backward(const CutConv2d& c, const Tensor& x, const Tensor& gy, std::span<Tensor> gi) {
  const Conv2dPlan& pl = c.plan;
  Tensor &gx = gi[0], &gw = gi[1], &gb = gi[2];
  if (gb.defined()) detail::accumulate_bias_grad(gy.data(), gb.data(), pl.n, pl.cout, pl.p());
  Tensor gw_run = detail::weight_grad_to_run(c, gw);
  conv2d_kernel_backward(pl, x.data(), c.weight.data(), gy.data(), gx.defined() ? gx.data() : nullptr,
                         gw_run.defined() ? gw_run.data() : nullptr);
  detail::finish_weight_grad(c, gw_run, gw);
}

}  // namespace

Tensor detail::conv2d_mapped(const Tensor& x, const Tensor& weight, const Tensor& bias, const Conv2dOptions& options,
                             OutputMap map) {
  const Conv2dPlan pl = plan_conv2d(x, weight, bias, options);
  count_conv(pl.n * pl.cout * pl.k() * pl.p());
  require_cpu("conv2d", {&x, &weight, &bias});
  map.bias = bias.defined() ? bias.data() : nullptr;
  return conv2d_values(x, cut_taps(pl, weight), bias, &map);
}

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Conv2dOptions& options) {
  const Conv2dPlan pl = plan_conv2d(x, weight, bias, options);
  detail::count_conv(pl.n * pl.cout * pl.k() * pl.p());
  if (on_device("conv2d", {&x, &weight, &bias})) {
    Tensor y = opencl_impl::conv2d(x, weight, bias, pl.geom, pl.groups);
    return autograd::record(y, {x, weight, bias}, "conv2d", [x, weight, pl](const Tensor& gy, std::span<Tensor> gi) {
      opencl_impl::conv2d_backward(x, weight, gy, pl.geom, pl.groups, gi[0], gi[1], gi[2]);
    });
  }
  const CutConv2d cut = cut_taps(pl, weight);
  Tensor y = conv2d_values(x, cut, bias, nullptr);
  const char* name = profile::label("conv2d", [&] {
    return detail::shape_text(pl.n, pl.cin, pl.h, pl.w, pl.cout, pl.geom.out_h, pl.geom.out_w, pl.geom);
  });
  return autograd::record(y, {x, weight, bias}, name, [x, cut](const Tensor& gy, std::span<Tensor> gi) {
    conv2d_backward(cut, x, gy, gi);
  });
}

}  // namespace splitleak::ops
