#pragma once
// Internal to the conv ops: work items spread over threads, row tiles, and the bias term.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/ops/conv.h"
#include "core/ops/im2col.h"
#include "core/parallel.h"
#include "core/tensor.h"

namespace splitleak::ops::detail {

// Calls per_item(chunk, item, scratch) for every item in [0, items): contiguous static chunks in
// parallel, each with its own `scratch` buffer of scratch_floats. GEMMs inside run
// single-threaded. Returns the number of chunks (per-chunk partials are indexed by `chunk`); the
// same item count and thread count give the same chunks.
int for_each_item(int64_t items, int64_t scratch_floats,
                  const std::function<void(int chunk, int64_t item, float* scratch)>& per_item);
int item_chunks(int64_t items);

// Output rows of `g` cut into tiles of tile_rows(g) rows.
struct RowTiles {
  int64_t rows_per_tile, count, out_h, out_w;
  explicit RowTiles(const ConvGeometry& g) : RowTiles(g, tile_rows(g)) {}
  RowTiles(const ConvGeometry& g, int64_t rows)
      : rows_per_tile(std::clamp<int64_t>(rows, 1, g.out_h)), count((g.out_h + rows_per_tile - 1) / rows_per_tile),
        out_h(g.out_h), out_w(g.out_w) {}
  int64_t begin(int64_t t) const { return t * rows_per_tile; }
  int64_t end(int64_t t) const { return std::min(out_h, (t + 1) * rows_per_tile); }
  int64_t columns(int64_t t) const { return (end(t) - begin(t)) * out_w; }
  int64_t max_columns() const { return rows_per_tile * out_w; }
};

// Images grouped into blocks for convolutions whose outputs are too small to fill a GEMM alone
// (a U-Net's 4x4, 2x2 and 1x1 maps): a block's images sit side by side as the columns of one
// matrix, so one GEMM of `columns` columns replaces `per_block` matrix-vector-like products, and
// the weights stream through the cache once per block instead of once per image.
struct ImageBlocks {
  static constexpr int64_t kColumns = 256;  // the columns a block aims at
  // Whether images of `pixels` output pixels (the GEMM's columns per image) are worth blocking.
  static bool worth_it(int64_t images, int64_t pixels) { return images > 1 && pixels <= kColumns / 4; }
  int64_t per_block, count, images, pixels;
  // Blocks of at most kColumns / p images (at least 1), as even as their count allows: 32 images
  // of 9 pixels are 2 blocks of 16, not 29 and 3.
  ImageBlocks(int64_t n, int64_t p)
      : per_block(even_split(n, std::clamp<int64_t>((kColumns + p - 1) / p, 1, n))),
        count((n + per_block - 1) / per_block), images(n), pixels(p) {}
  static int64_t even_split(int64_t n, int64_t most) {
    const int64_t blocks = (n + most - 1) / most;
    return (n + blocks - 1) / blocks;
  }
  int64_t begin(int64_t b) const { return b * per_block; }
  int64_t size(int64_t b) const { return std::min(images, (b + 1) * per_block) - begin(b); }
  int64_t max_columns() const { return per_block * pixels; }
};

// dst (channels x m*p) = the images [first, first + m) of src (N, channels, p) side by side:
// dst[c][i*p + q] = src[first + i][c][q]. Assigns dst.
void gather_images(const float* src, int64_t first, int64_t m, int64_t channels, int64_t p, float* dst);
// The inverse: dst[first + i][c][q] = src[c][i*p + q], added to dst when `accumulate`, else assigned.
void scatter_images(const float* src, int64_t first, int64_t m, int64_t channels, int64_t p, float* dst,
                    bool accumulate);

// "n16 64x32x32->128x16x16 k4x4 s2": a conv's shapes, for profile::label. `in_*` is the op's
// input, `out_*` its output; the kernel and stride are those of `g`.
std::string shape_text(int64_t n, int64_t in_c, int64_t in_h, int64_t in_w, int64_t out_c, int64_t out_h, int64_t out_w,
                       const ConvGeometry& g);

// Adds to conv_flops_called() a convolution of `macs` multiply-adds.
void count_conv(int64_t macs);

// y[n][c][p] += bias[c] for an (N, C, P) block.
void add_bias(float* y, const float* bias, int64_t n, int64_t c, int64_t p);
// What an inference fusion (fused.h) does to each value v of output channel c, right after the
// conv computed it: v = relu?((v + bias[c]) * scale[c] + shift[c] + residual), each term only
// where given, in that order: the expressions of add_bias, batch_norm's eval path, add and relu,
// so the result is bit-identical to those ops run one after another.
struct OutputMap {
  const float* bias = nullptr;      // [C], or none
  const float* scale = nullptr;     // [C]
  const float* shift = nullptr;     // [C]
  const float* residual = nullptr;  // laid out as the output (N, C, P), or none
  bool relu = false;
  // Maps y[n][c][p0, p0 + len) for c in [c0, c1) of an output (N, channels, plane), in place.
  void apply(float* y, int64_t channels, int64_t plane, int64_t n, int64_t c0, int64_t c1, int64_t p0,
             int64_t len) const;
  // Maps the whole output (n, channels, plane), in parallel.
  void apply_all(float* y, int64_t n, int64_t channels, int64_t plane) const;
};

// conv2d's values (CPU only) with `map` applied to each, `map.bias` set from `bias` (undefined:
// none). Records no autograd history: for inference fusions only.
Tensor conv2d_mapped(const Tensor& x, const Tensor& weight, const Tensor& bias, const Conv2dOptions& options,
                     OutputMap map);

// grad_bias[c] += sum over n, p of grad_y[n][c][p].
void accumulate_bias_grad(const float* grad_y, float* grad_bias, int64_t n, int64_t c, int64_t p);
// Per-chunk sums of a gradient added into dst[0, count), for for_each_item(items, ...): chunk 0
// accumulates straight into dst, every other chunk into a buffer of its own, which finish() adds
// to dst in chunk order. The same chunk count gives the same sums; a lone chunk (one work item,
// or one thread) costs no buffer and no pass. A chunk's own buffer starts unset: its first item
// writes with beta(chunk, item) = 0 (and must write all `count` values), the rest with 1. A null
// dst (no gradient wanted) makes no buffer; of() and beta() are then not to be called.
class ChunkSums {
 public:
  ChunkSums(int64_t items, float* dst, int64_t count);
  float* of(int chunk) { return chunk == 0 ? dst_ : partials_.get() + (chunk - 1) * count_; }
  float beta(int chunk, int64_t item) const {
    return chunk > 0 && item == chunk_begin(items_, chunks_, chunk) ? 0.0f : 1.0f;
  }
  void finish();

 private:
  int chunks_;
  int64_t items_;
  float* dst_;
  int64_t count_;
  std::unique_ptr<float[]> partials_;  // chunks - 1 buffers of count_, uninitialised
};

}  // namespace splitleak::ops::detail
