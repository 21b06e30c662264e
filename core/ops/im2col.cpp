#include "core/ops/im2col.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace splitleak::ops {

void im2col(const float* image, const ConvGeometry& g, float* col, int64_t oy_begin, int64_t oy_end, int64_t ld) {
  const int64_t tile = ld > 0 ? ld : (oy_end - oy_begin) * g.out_w;
  const int64_t plane = g.height * g.width;
  for (int64_t c = 0; c < g.channels; ++c) {
    const float* src_c = image + c * plane;
    for (int64_t i = 0; i < g.kh; ++i) {
      for (int64_t j = 0; j < g.kw; ++j) {
        float* dst = col + ((c * g.kh + i) * g.kw + j) * tile;
        const int64_t x_off = j * g.dw - g.pw;
        // Output columns ox whose input column ox*sw + x_off lies inside [0, width).
        int64_t ox_begin = x_off >= 0 ? 0 : (-x_off + g.sw - 1) / g.sw;
        int64_t ox_end = g.width - x_off <= 0 ? 0 : (g.width - x_off + g.sw - 1) / g.sw;
        if (ox_end > g.out_w) ox_end = g.out_w;
        if (ox_begin > ox_end) ox_begin = ox_end;
        for (int64_t oy = oy_begin; oy < oy_end; ++oy, dst += g.out_w) {
          const int64_t iy = oy * g.sh - g.ph + i * g.dh;
          if (iy < 0 || iy >= g.height) {
            std::memset(dst, 0, static_cast<size_t>(g.out_w) * sizeof(float));
            continue;
          }
          const float* row = src_c + iy * g.width;
          for (int64_t ox = 0; ox < ox_begin; ++ox) dst[ox] = 0.0f;
          if (g.sw == 1) {
            if (ox_end > ox_begin)
              std::memcpy(dst + ox_begin, row + ox_begin + x_off, static_cast<size_t>(ox_end - ox_begin) * sizeof(float));
          } else {
            for (int64_t ox = ox_begin; ox < ox_end; ++ox) dst[ox] = row[ox * g.sw + x_off];
          }
          for (int64_t ox = ox_end; ox < g.out_w; ++ox) dst[ox] = 0.0f;
        }
      }
    }
  }
}

void col2im_add(const float* col, const ConvGeometry& g, float* image, int64_t oy_begin, int64_t oy_end, int64_t ld) {
  const int64_t tile = ld > 0 ? ld : (oy_end - oy_begin) * g.out_w;
  const int64_t plane = g.height * g.width;
  for (int64_t c = 0; c < g.channels; ++c) {
    float* dst_c = image + c * plane;
    for (int64_t i = 0; i < g.kh; ++i) {
      for (int64_t j = 0; j < g.kw; ++j) {
        const float* src = col + ((c * g.kh + i) * g.kw + j) * tile;
        const int64_t x_off = j * g.dw - g.pw;
        int64_t ox_begin = x_off >= 0 ? 0 : (-x_off + g.sw - 1) / g.sw;
        int64_t ox_end = g.width - x_off <= 0 ? 0 : (g.width - x_off + g.sw - 1) / g.sw;
        if (ox_end > g.out_w) ox_end = g.out_w;
        if (ox_begin > ox_end) ox_begin = ox_end;
        for (int64_t oy = oy_begin; oy < oy_end; ++oy, src += g.out_w) {
          const int64_t iy = oy * g.sh - g.ph + i * g.dh;
          if (iy < 0 || iy >= g.height) continue;
          float* row = dst_c + iy * g.width;
          for (int64_t ox = ox_begin; ox < ox_end; ++ox) row[ox * g.sw + x_off] += src[ox];
        }
      }
    }
  }
}

int64_t tile_rows(const ConvGeometry& g) {
  // About 128 columns per tile (rounded up to whole rows): measured best for Eigen's GEMM on the
  // VGG shapes here, 256 to 768 slower (bench/RESULTS.md); whole rows keep the loops simple.
  // SPLITLEAK_CONV_TILE overrides the target for tuning on other machines.
  static const int64_t target = [] {
    const char* env = std::getenv("SPLITLEAK_CONV_TILE");
    return env ? std::max<int64_t>(1, std::atoll(env)) : 128;
  }();
  return std::clamp<int64_t>((target + g.out_w - 1) / g.out_w, 1, g.out_h);
}

}  // namespace splitleak::ops
