#include "core/ops/im2col.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/parallel.h"

namespace splitleak::ops {
namespace {

// Rows of a U-Net's innermost maps are 1 to 4 floats: a call to memset or memcpy costs more
// than the copy.
constexpr int64_t kShortRow = 16;

void fill_zeros(float* dst, int64_t n) {
  if (n <= kShortRow) {
    for (int64_t i = 0; i < n; ++i) dst[i] = 0.0f;
  } else {
    std::memset(dst, 0, static_cast<size_t>(n) * sizeof(float));
  }
}

void copy_floats(const float* src, int64_t n, float* dst) {
  if (n <= 0) return;
  if (n <= kShortRow) {
    for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
  } else {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
  }
}

// The output columns [begin, end) of kernel column j whose input column ox*sw + x_off lies
// inside [0, width), x_off = j*dw - pw.
struct ColumnSpan {
  int64_t x_off, begin, end;
  ColumnSpan(const ConvGeometry& g, int64_t j) : x_off(j * g.dw - g.pw) {
    begin = x_off >= 0 ? 0 : (-x_off + g.sw - 1) / g.sw;
    end = g.width - x_off <= 0 ? 0 : (g.width - x_off + g.sw - 1) / g.sw;
    end = std::min(end, g.out_w);
    begin = std::min(begin, end);
  }
};

}  // namespace

// Kernel taps outermost, so each tap's column span is computed once for all channels (a U-Net's
// innermost maps have 1 to 4 columns per row: the divisions would cost more than the copies).
void im2col(const float* image, const ConvGeometry& g, float* col, int64_t oy_begin, int64_t oy_end, int64_t ld) {
  // Locals, not g's fields: the stores through dst could alias g, forcing a reload per row.
  const int64_t out_w = g.out_w, height = g.height, width = g.width, sh = g.sh, sw = g.sw;
  const int64_t tile = ld > 0 ? ld : (oy_end - oy_begin) * out_w;
  const int64_t plane = height * width, taps = g.kh * g.kw, channels = g.channels;
  for (int64_t i = 0; i < g.kh; ++i) {
    const int64_t iy_off = i * g.dh - g.ph;
    for (int64_t j = 0; j < g.kw; ++j) {
      const ColumnSpan span(g, j);
      const int64_t begin = span.begin, end = span.end, x_off = span.x_off;
      for (int64_t c = 0; c < channels; ++c) {
        const float* src_c = image + c * plane;
        float* dst = col + (c * taps + i * g.kw + j) * tile;
        for (int64_t oy = oy_begin; oy < oy_end; ++oy, dst += out_w) {
          const int64_t iy = oy * sh + iy_off;
          if (iy < 0 || iy >= height) {
            fill_zeros(dst, out_w);
            continue;
          }
          const float* row = src_c + iy * width;
          for (int64_t ox = 0; ox < begin; ++ox) dst[ox] = 0.0f;
          if (sw == 1) {
            copy_floats(row + begin + x_off, end - begin, dst + begin);
          } else if (sw == 2) {  // a constant stride the compiler vectorises (U-Net and PatchGAN convs)
            const float* from = row + x_off;
            for (int64_t ox = begin; ox < end; ++ox) dst[ox] = from[2 * ox];
          } else {
            for (int64_t ox = begin; ox < end; ++ox) dst[ox] = row[ox * sw + x_off];
          }
          for (int64_t ox = end; ox < out_w; ++ox) dst[ox] = 0.0f;
        }
      }
    }
  }
}

void col2im_add(const float* col, const ConvGeometry& g, float* image, int64_t oy_begin, int64_t oy_end, int64_t ld) {
  const int64_t out_w = g.out_w, height = g.height, width = g.width, sh = g.sh, sw = g.sw;  // as in im2col
  const int64_t tile = ld > 0 ? ld : (oy_end - oy_begin) * out_w;
  const int64_t plane = height * width, taps = g.kh * g.kw, channels = g.channels;
  for (int64_t i = 0; i < g.kh; ++i) {
    const int64_t iy_off = i * g.dh - g.ph;
    for (int64_t j = 0; j < g.kw; ++j) {
      const ColumnSpan span(g, j);
      const int64_t begin = span.begin, end = span.end, x_off = span.x_off;
      for (int64_t c = 0; c < channels; ++c) {
        float* dst_c = image + c * plane;
        const float* src = col + (c * taps + i * g.kw + j) * tile;
        for (int64_t oy = oy_begin; oy < oy_end; ++oy, src += out_w) {
          const int64_t iy = oy * sh + iy_off;
          if (iy < 0 || iy >= height) continue;
          float* row = dst_c + iy * width;
          for (int64_t ox = begin; ox < end; ++ox) row[ox * sw + x_off] += src[ox];
        }
      }
    }
  }
}

namespace {

// body(part, c0) for channel ranges [c0, c0 + part.channels) of g, in parallel.
template <class Body>
void by_channels(const ConvGeometry& g, Body&& body) {
  parallel_for(g.channels, [&](int64_t c0, int64_t c1) {
    ConvGeometry part = g;
    part.channels = c1 - c0;
    body(part, c0);
  });
}

}  // namespace

namespace {

// Rows of at most this many outputs (a U-Net's and a PatchGAN's innermost maps: 1x1 to 4x4) are
// copied through a table of offsets instead, a per-row branch and bounds test costing more than
// the row's copy.
constexpr int64_t kTableRowsUpTo = 4;

// For every kernel tap, the input offset in its channel plane each output pixel reads, or -1 in
// the padding: taps x P entries, tap-major.
std::vector<int32_t> tap_offsets(const ConvGeometry& g) {
  const int64_t P = g.cols();
  std::vector<int32_t> offsets(static_cast<size_t>(g.kh * g.kw * P));
  for (int64_t i = 0; i < g.kh; ++i)
    for (int64_t j = 0; j < g.kw; ++j)
      for (int64_t oy = 0; oy < g.out_h; ++oy)
        for (int64_t ox = 0; ox < g.out_w; ++ox) {
          const int64_t iy = oy * g.sh - g.ph + i * g.dh, ix = ox * g.sw - g.pw + j * g.dw;
          const bool inside = iy >= 0 && iy < g.height && ix >= 0 && ix < g.width;
          offsets[static_cast<size_t>(((i * g.kw + j) * g.out_h + oy) * g.out_w + ox)] =
              inside ? static_cast<int32_t>(iy * g.width + ix) : -1;
        }
  return offsets;
}

// im2col_images through the table, for channels [c0, c0 + count): the same values.
void im2col_by_table(const float* images, int64_t image_stride, int64_t m, const ConvGeometry& g,
                     const std::vector<int32_t>& offsets, int64_t c0, int64_t count, float* col) {
  const int64_t P = g.cols(), ld = m * P, plane = g.height * g.width, taps = g.kh * g.kw;
  for (int64_t c = c0; c < c0 + count; ++c)
    for (int64_t tap = 0; tap < taps; ++tap) {
      const int32_t* from = offsets.data() + tap * P;
      float* dst = col + (c * taps + tap) * ld;
      for (int64_t i = 0; i < m; ++i, dst += P) {
        const float* src = images + i * image_stride + c * plane;
        for (int64_t p = 0; p < P; ++p) dst[p] = from[p] >= 0 ? src[from[p]] : 0.0f;
      }
    }
}

// col2im_add_images through the table: each input value receives its taps' terms in the same
// order as col2im_add (taps in order; one term per tap), so the same sums.
void col2im_by_table(const float* col, int64_t m, const ConvGeometry& g, const std::vector<int32_t>& offsets,
                     int64_t c0, int64_t count, float* images, int64_t image_stride) {
  const int64_t P = g.cols(), ld = m * P, plane = g.height * g.width, taps = g.kh * g.kw;
  for (int64_t c = c0; c < c0 + count; ++c)
    for (int64_t tap = 0; tap < taps; ++tap) {
      const int32_t* to = offsets.data() + tap * P;
      const float* src = col + (c * taps + tap) * ld;
      for (int64_t i = 0; i < m; ++i, src += P) {
        float* image = images + i * image_stride + c * plane;
        for (int64_t p = 0; p < P; ++p)
          if (to[p] >= 0) image[to[p]] += src[p];
      }
    }
}

}  // namespace

void im2col_images(const float* images, int64_t image_stride, int64_t m, const ConvGeometry& g, float* col) {
  const int64_t P = g.cols(), ld = m * P, plane = g.height * g.width, taps = g.kh * g.kw;
  if (g.out_w <= kTableRowsUpTo) {
    const std::vector<int32_t> offsets = tap_offsets(g);
    by_channels(g, [&](const ConvGeometry& part, int64_t c0) {
      im2col_by_table(images, image_stride, m, g, offsets, c0, part.channels, col);
    });
    return;
  }
  by_channels(g, [&](const ConvGeometry& part, int64_t c0) {
    for (int64_t i = 0; i < m; ++i)
      im2col(images + i * image_stride + c0 * plane, part, col + c0 * taps * ld + i * P, 0, g.out_h, ld);
  });
}

void col2im_add_images(const float* col, int64_t m, const ConvGeometry& g, float* images, int64_t image_stride) {
  const int64_t P = g.cols(), ld = m * P, plane = g.height * g.width, taps = g.kh * g.kw;
  if (g.out_w <= kTableRowsUpTo) {
    const std::vector<int32_t> offsets = tap_offsets(g);
    by_channels(g, [&](const ConvGeometry& part, int64_t c0) {
      col2im_by_table(col, m, g, offsets, c0, part.channels, images, image_stride);
    });
    return;
  }
  by_channels(g, [&](const ConvGeometry& part, int64_t c0) {
    for (int64_t i = 0; i < m; ++i)
      col2im_add(col + c0 * taps * ld + i * P, part, images + i * image_stride + c0 * plane, 0, g.out_h, ld);
  });
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
