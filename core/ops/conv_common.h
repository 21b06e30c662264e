#pragma once
// Internal to the conv ops: work items spread over threads, row tiles, and the bias term.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/ops/im2col.h"

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

// y[n][c][p] += bias[c] for an (N, C, P) block.
void add_bias(float* y, const float* bias, int64_t n, int64_t c, int64_t p);
// grad_bias[c] += sum over n, p of grad_y[n][c][p].
void accumulate_bias_grad(const float* grad_y, float* grad_bias, int64_t n, int64_t c, int64_t p);
// Per-chunk partial buffers of `count` zeros, and their sum in chunk order added into dst.
std::vector<std::vector<float>> zero_partials(int chunks, int64_t count);
void reduce_partials(const std::vector<std::vector<float>>& partials, float* dst, int64_t count);

}  // namespace splitleak::ops::detail
