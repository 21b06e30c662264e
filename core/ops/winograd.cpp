#include "core/ops/winograd.h"

#include <algorithm>
#include <cstdlib>
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

// U[xi][co][ci] = (G g G^T)[xi / 4][xi % 4] for each 3x3 kernel g = weight[co][ci],
// G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]].
std::vector<float> transform_filters(const float* weight, int64_t cout, int64_t cin) {
  std::vector<float> u(static_cast<size_t>(16 * cout * cin));
  const int64_t plane = cout * cin;
  parallel_for(plane, [&](int64_t s, int64_t e) {
    for (int64_t idx = s; idx < e; ++idx) {
      const float* g = weight + idx * 9;
      float t[4][3];
      for (int j = 0; j < 3; ++j) {
        t[0][j] = g[j];
        t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
        t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
        t[3][j] = g[6 + j];
      }
      for (int i = 0; i < 4; ++i) {
        const float r[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2]};
        for (int j = 0; j < 4; ++j) u[static_cast<size_t>((i * 4 + j) * plane + idx)] = r[j];
      }
    }
  });
  return u;
}

// Where one output tile reads its 4x4 input patch (iy, ix: top-left, may be in the padding) and
// writes its 2x2 outputs (oy, ox).
struct TileRef {
  int64_t img, iy, ix, oy, ox;
  bool interior;  // the whole input patch lies inside the image
};

}  // namespace

bool winograd_applicable(int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t dh, int64_t dw, int64_t groups,
                         int64_t cin, int64_t cout) {
    // Below 128 channels the transforms and the small-K GEMMs cost more than the saved products
  // (VGG block 1, 64 channels: 70-78 GFLOP/s against 95-105 for im2col; block 3, 256 channels:
  // 145-160 against 100-110; bench/RESULTS.md).
  return kh == 3 && kw == 3 && sh == 1 && sw == 1 && dh == 1 && dw == 1 && groups == 1 && cin >= 128 && cout >= 128;
}

void winograd_conv3x3(const float* x, const float* weight, int64_t n, int64_t cin, int64_t h, int64_t w, int64_t cout,
                      int64_t ph, int64_t pw, int64_t oh, int64_t ow, float* y, float beta) {
  const std::vector<float> u = transform_filters(weight, cout, cin);
  const int64_t th = (oh + 1) / 2, tw = (ow + 1) / 2, tiles = n * th * tw, per_item = tiles_per_item();
  const int64_t items = (tiles + per_item - 1) / per_item;
  // Scratch per item: V (16 x cin x T), M (16 x cout x T), and the 4 outputs of each tile (4 x T).
  for_each_item(items, (16 * (cin + cout) + 4) * per_item, [&](int, int64_t item, float* scratch) {
    const int64_t t0 = item * per_item, tn = std::min(per_item, tiles - t0);
    float* v = scratch;                        // V[xi][ci][t]
    float* m = v + 16 * cin * tn;              // M[xi][co][t]
    float* outs = m + 16 * cout * tn;          // outs[k][t], k = 2 * i + j of the 2x2 tile
    // Where each tile reads and writes, computed once per item rather than per channel.
    std::vector<TileRef> refs(static_cast<size_t>(tn));
    for (int64_t t = 0; t < tn; ++t) {
      const int64_t g = t0 + t, img = g / (th * tw), r = (g / tw) % th, c = g % tw;
      TileRef& f = refs[static_cast<size_t>(t)];
      f.img = img, f.iy = 2 * r - ph, f.ix = 2 * c - pw, f.oy = 2 * r, f.ox = 2 * c;
      f.interior = f.iy >= 0 && f.iy + 4 <= h && f.ix >= 0 && f.ix + 4 <= w;
    }
    // V = B^T d B for the 4x4 input patch d of each tile, B^T = [[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]].
    for (int64_t ci = 0; ci < cin; ++ci)
      for (int64_t t = 0; t < tn; ++t) {
        const TileRef& f = refs[static_cast<size_t>(t)];
        const float* plane = x + (f.img * cin + ci) * h * w;
        float d[4][4];
        if (f.interior) {
          const float* p = plane + f.iy * w + f.ix;
          for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j) d[i][j] = p[i * w + j];
        } else {
          for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j) {
              const int64_t iy = f.iy + i, ix = f.ix + j;
              d[i][j] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? plane[iy * w + ix] : 0.0f;
            }
        }
        float bd[4][4];
        for (int j = 0; j < 4; ++j) {
          bd[0][j] = d[0][j] - d[2][j];
          bd[1][j] = d[1][j] + d[2][j];
          bd[2][j] = d[2][j] - d[1][j];
          bd[3][j] = d[1][j] - d[3][j];
        }
        float* vt = v + ci * tn + t;
        const int64_t xi_stride = cin * tn;
        for (int i = 0; i < 4; ++i) {
          vt[(i * 4 + 0) * xi_stride] = bd[i][0] - bd[i][2];
          vt[(i * 4 + 1) * xi_stride] = bd[i][1] + bd[i][2];
          vt[(i * 4 + 2) * xi_stride] = bd[i][2] - bd[i][1];
          vt[(i * 4 + 3) * xi_stride] = bd[i][1] - bd[i][3];
        }
      }
    // M[xi] (cout x tn) = U[xi] (cout x cin) * V[xi] (cin x tn)
    for (int xi = 0; xi < 16; ++xi)
      gemm(false, false, cout, tn, cin, 1.0f, u.data() + xi * cout * cin, cin, v + xi * cin * tn, tn, 0.0f,
           m + xi * cout * tn, tn);
    // Y = A^T M A, A^T = [[1,1,1,0],[0,1,-1,-1]], computed for all tiles of a channel at once (the
    // loop over t vectorises), then scattered; edge tiles write only their in-range outputs.
    for (int64_t co = 0; co < cout; ++co) {
      const float* mc = m + co * tn;
      const int64_t xs = cout * tn;
      for (int64_t t = 0; t < tn; ++t) {
        float a0[4], a1[4];
        for (int j = 0; j < 4; ++j) {
          const float m0 = mc[(0 * 4 + j) * xs + t], m1 = mc[(1 * 4 + j) * xs + t];
          const float m2 = mc[(2 * 4 + j) * xs + t], m3 = mc[(3 * 4 + j) * xs + t];
          a0[j] = m0 + m1 + m2;
          a1[j] = m1 - m2 - m3;
        }
        outs[0 * tn + t] = a0[0] + a0[1] + a0[2];
        outs[1 * tn + t] = a0[1] - a0[2] - a0[3];
        outs[2 * tn + t] = a1[0] + a1[1] + a1[2];
        outs[3 * tn + t] = a1[1] - a1[2] - a1[3];
      }
      for (int64_t t = 0; t < tn; ++t) {
        const TileRef& f = refs[static_cast<size_t>(t)];
        float* yp = y + (f.img * cout + co) * oh * ow;
        for (int i = 0; i < 2 && f.oy + i < oh; ++i)
          for (int j = 0; j < 2 && f.ox + j < ow; ++j) {
            float& dst = yp[(f.oy + i) * ow + f.ox + j];
            const float val = outs[(2 * i + j) * tn + t];
            dst = beta == 0.0f ? val : val + beta * dst;
          }
      }
    }
  });
}

}  // namespace splitleak::ops::detail
