#include "core/ops/winograd.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>

#include "core/gemm.h"
#include "core/ops/conv_common.h"
#include "core/parallel.h"

namespace splitleak::ops::detail {
namespace {

// Output tiles per work item: the N of the 16 GEMMs.
int64_t tiles_per_item() {
  static const int64_t n = [] {
    const char* env = std::getenv("SPLITLEAK_WINOGRAD_TILES");
    return env ? std::max<int64_t>(1, std::atoll(env)) : 256;
  }();
  return n;
}

// out[xi][f] = (G g_f G^T)[xi / 4][xi % 4] for the kFilters 3x3 kernels g_f = g[.][f] (tap-major),
// G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]; every loop runs across filters.
constexpr int64_t kFilters = 16;
void transform_block(const float (&g)[9][kFilters], float (&out)[16][kFilters]) {
  float t[4][3][kFilters];  // G g
  for (int j = 0; j < 3; ++j)
    for (int64_t f = 0; f < kFilters; ++f) {
      t[0][j][f] = g[j][f];
      t[1][j][f] = 0.5f * (g[j][f] + g[3 + j][f] + g[6 + j][f]);
      t[2][j][f] = 0.5f * (g[j][f] - g[3 + j][f] + g[6 + j][f]);
      t[3][j][f] = g[6 + j][f];
    }
  for (int i = 0; i < 4; ++i)
    for (int64_t f = 0; f < kFilters; ++f) {
      out[i * 4][f] = t[i][0][f];
      out[i * 4 + 1][f] = 0.5f * (t[i][0][f] + t[i][1][f] + t[i][2][f]);
      out[i * 4 + 2][f] = 0.5f * (t[i][0][f] - t[i][1][f] + t[i][2][f]);
      out[i * 4 + 3][f] = t[i][2][f];
    }
}

// U[xi][co][ci] = (G g G^T)[xi / 4][xi % 4] for each 3x3 kernel g = weight[co][ci], kFilters
// kernels at a time. U is assigned whole.
std::unique_ptr<float[]> transform_filters(const float* weight, int64_t cout, int64_t cin) {
  const int64_t plane = cout * cin;
  std::unique_ptr<float[]> u(new float[static_cast<size_t>(16 * plane)]);
  parallel_for((plane + kFilters - 1) / kFilters, [&](int64_t s, int64_t e) {
    for (int64_t block = s; block < e; ++block) {
      const int64_t first = block * kFilters, count = std::min(kFilters, plane - first);
      float g[9][kFilters] = {}, out[16][kFilters];
      for (int64_t f = 0; f < count; ++f)
        for (int tap = 0; tap < 9; ++tap) g[tap][f] = weight[(first + f) * 9 + tap];
      transform_block(g, out);
      for (int xi = 0; xi < 16; ++xi) std::copy_n(out[xi], count, u.get() + xi * plane + first);
    }
  });
  return u;
}

// Tiles per work item: at most tiles_per_item(), at least 32, and as many items as the threads
// can share evenly (a multiple of `threads` where there are more items than threads), since each
// thread takes a contiguous run of items. 784 tiles on 2 threads: 4 items of 196, not 3 of 256
// and one of 16, which left one thread 512 tiles and the other 272.
int64_t tiles_per_work_item(int64_t tiles, int64_t threads) {
  const int64_t most = std::min(tiles_per_item(), std::max<int64_t>(32, (tiles + threads - 1) / threads));
  int64_t items = (tiles + most - 1) / most;
  if (items > threads) items = (items + threads - 1) / threads * threads;
  return std::max<int64_t>(std::min<int64_t>(32, tiles), (tiles + items - 1) / items);
}

// A run of n consecutive tiles along tile row r of image img, from tile column c; t is the index of
// its first tile within the work item.
struct Segment {
  int64_t img, r, c, n, t;
};

// The inner loops below take __restrict pointers so they vectorise over tiles.

// Horizontal half of V = B^T d B for n tiles of one row: b holds one row of B^T d (2n + 2
// columns); v0..v3 receive transform points 4i + 0..3.
void input_row(const float* __restrict b, int64_t n, float* __restrict v0, float* __restrict v1, float* __restrict v2,
               float* __restrict v3) {
  for (int64_t c = 0; c < n; ++c) {
    v0[c] = b[2 * c] - b[2 * c + 2];
    v1[c] = b[2 * c + 1] + b[2 * c + 2];
    v2[c] = b[2 * c + 2] - b[2 * c + 1];
    v3[c] = b[2 * c + 1] - b[2 * c + 3];
  }
}

// Y = A^T M A for tn tiles of one output channel; mc points at transform point 0 and successive
// points are ms apart. o[k][t] = output (k / 2, k % 2) of tile t.
void output_tiles(const float* __restrict mc, int64_t ms, int64_t tn, float* __restrict o0, float* __restrict o1,
                  float* __restrict o2, float* __restrict o3) {
  const float* __restrict q[16];
  for (int xi = 0; xi < 16; ++xi) q[xi] = mc + xi * ms;
  for (int64_t t = 0; t < tn; ++t) {
    float a0[4], a1[4];
    for (int j = 0; j < 4; ++j) {
      a0[j] = q[j][t] + q[4 + j][t] + q[8 + j][t];
      a1[j] = q[4 + j][t] - q[8 + j][t] - q[12 + j][t];
    }
    o0[t] = a0[0] + a0[1] + a0[2];
    o1[t] = a0[1] - a0[2] - a0[3];
    o2[t] = a1[0] + a1[1] + a1[2];
    o3[t] = a1[1] - a1[2] - a1[3];
  }
}

// row[2c] = left[c] + beta * row[2c], row[2c + 1] = right[c] + beta * row[2c + 1] for c < n.
void write_pairs(float* __restrict row, const float* __restrict left, const float* __restrict right, int64_t n,
                 float beta) {
  if (beta == 0.0f) {
    for (int64_t c = 0; c < n; ++c) row[2 * c] = left[c], row[2 * c + 1] = right[c];
  } else {
    for (int64_t c = 0; c < n; ++c) row[2 * c] = left[c] + beta * row[2 * c], row[2 * c + 1] = right[c] + beta * row[2 * c + 1];
  }
}

}  // namespace

bool winograd_applicable(int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t dh, int64_t dw, int64_t groups,
                         int64_t cin, int64_t cout, int64_t tiles) {
    // From 64 channels the saved products outweigh the transforms (VGG block 1, 64 channels: 112-118
  // effective GFLOP/s against 94-105 for im2col; bench/RESULTS.md). Below that the small-K GEMMs
  // and the transforms dominate.
  static const int64_t min_tiles = [] {
    const char* env = std::getenv("SPLITLEAK_WINOGRAD_MIN_TILES");
    return env ? std::max<int64_t>(1, std::atoll(env)) : 128;
  }();
  return kh == 3 && kw == 3 && sh == 1 && sw == 1 && dh == 1 && dw == 1 && groups == 1 && cin >= 64 && cout >= 64 &&
         tiles >= min_tiles;
}

void winograd_conv3x3(const float* x, const float* weight, int64_t n, int64_t cin, int64_t h, int64_t w, int64_t cout,
                      int64_t ph, int64_t pw, int64_t oh, int64_t ow, float* y, float beta, const OutputMap* map) {
  const std::unique_ptr<float[]> u = transform_filters(weight, cout, cin);
  const int64_t th = (oh + 1) / 2, tw = (ow + 1) / 2, tiles = n * th * tw;
  const int64_t per_item = tiles_per_work_item(tiles, num_threads());
  const int64_t items = (tiles + per_item - 1) / per_item;
  // Scratch per item: V (16 x cin x T), M (16 x cout x T), and the 4 outputs of each tile (4 x T).
  for_each_item(items, (16 * (cin + cout) + 4) * per_item, [&](int, int64_t item, float* scratch) {
    const int64_t t0 = item * per_item, tn = std::min(per_item, tiles - t0);
    float* v = scratch;                        // V[xi][ci][t]
    float* m = v + 16 * cin * tn;              // M[xi][co][t]
    float* outs = m + 16 * cout * tn;          // outs[k][t], k = 2 * i + j of the 2x2 tile
    // The item's tiles as runs along tile rows.
    std::vector<Segment> segments;
    for (int64_t g = t0; g < t0 + tn;) {
      const int64_t img = g / (th * tw), r = (g / tw) % th, c = g % tw, n = std::min(tw - c, t0 + tn - g);
      segments.push_back({img, r, c, n, g - t0});
      g += n;
    }
    // Four input rows of a segment, zero-padded, then their vertical transform (B^T d).
    const int64_t span = 2 * tw + 2;
    std::vector<float> rows(static_cast<size_t>(8 * span));
    float* p[4] = {rows.data(), rows.data() + span, rows.data() + 2 * span, rows.data() + 3 * span};
    float* bd[4] = {rows.data() + 4 * span, rows.data() + 5 * span, rows.data() + 6 * span, rows.data() + 7 * span};
    const int64_t vs = cin * tn;  // V stride between transform points
    // V = B^T d B, B^T = [[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]].
    for (int64_t ci = 0; ci < cin; ++ci)
      for (const Segment& sg : segments) {
        const float* plane = x + (sg.img * cin + ci) * h * w;
        const int64_t width = 2 * sg.n + 2, x0 = 2 * sg.c - pw;  // input columns x0 .. x0 + width
        const int64_t lo = std::clamp<int64_t>(-x0, 0, width), hi = std::clamp<int64_t>(w - x0, lo, width);
        for (int i = 0; i < 4; ++i) {
          const int64_t iy = 2 * sg.r - ph + i;
          float* dst = p[i];
          if (iy < 0 || iy >= h) {
            std::fill(dst, dst + width, 0.0f);
            continue;
          }
          std::fill(dst, dst + lo, 0.0f);
          std::copy(plane + iy * w + x0 + lo, plane + iy * w + x0 + hi, dst + lo);
          std::fill(dst + hi, dst + width, 0.0f);
        }
        for (int64_t k = 0; k < width; ++k) {
          bd[0][k] = p[0][k] - p[2][k];
          bd[1][k] = p[1][k] + p[2][k];
          bd[2][k] = p[2][k] - p[1][k];
          bd[3][k] = p[1][k] - p[3][k];
        }
        for (int i = 0; i < 4; ++i) {
          float* v0 = v + (i * 4) * vs + ci * tn + sg.t;
          input_row(bd[i], sg.n, v0, v0 + vs, v0 + 2 * vs, v0 + 3 * vs);
        }
      }
    // M[xi] (cout x tn) = U[xi] (cout x cin) * V[xi] (cin x tn)
    for (int xi = 0; xi < 16; ++xi)
      gemm(false, false, cout, tn, cin, 1.0f, u.get() + xi * cout * cin, cin, v + xi * cin * tn, tn, 0.0f,
           m + xi * cout * tn, tn);
    // Y = A^T M A, A^T = [[1,1,1,0],[0,1,-1,-1]], for all tiles of an output channel at once, then
    // written row by row; edge tiles write only their in-range outputs.
    const int64_t ms = cout * tn;  // M stride between transform points
    for (int64_t co = 0; co < cout; ++co) {
      output_tiles(m + co * tn, ms, tn, outs, outs + tn, outs + 2 * tn, outs + 3 * tn);
      for (const Segment& sg : segments) {
        float* yp = y + (sg.img * cout + co) * oh * ow;
        // Tiles whose two output columns are both inside, then a possible half tile at the edge.
        const int64_t full = std::min(sg.n, (ow - 2 * sg.c) / 2);
        for (int i = 0; i < 2 && 2 * sg.r + i < oh; ++i) {
          float* row = yp + (2 * sg.r + i) * ow + 2 * sg.c;
          const float* left = outs + (2 * i) * tn + sg.t;
          const float* right = outs + (2 * i + 1) * tn + sg.t;
          write_pairs(row, left, right, full, beta);
          if (full < sg.n) row[2 * full] = left[full] + (beta == 0.0f ? 0.0f : beta * row[2 * full]);
          if (map) map->apply(y, cout, oh * ow, sg.img, co, co + 1, (2 * sg.r + i) * ow + 2 * sg.c, 2 * full + (full < sg.n));
        }
      }
    }
  });
}

}  // namespace splitleak::ops::detail
