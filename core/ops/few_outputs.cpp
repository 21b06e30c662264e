#include "core/ops/few_outputs.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "core/parallel.h"

namespace splitleak::ops::detail {
namespace {

// Images (n, channels, plane) as (n, plane, channels). Items of 16 pixels over threads; per item,
// channel by channel, a line of 16 floats read and written across 16 pixel rows that stay in L1.
std::unique_ptr<float[]> channels_last(const float* x, int64_t n, int64_t channels, int64_t plane) {
  constexpr int64_t kBlock = 16;  // pixels per work item
  std::unique_ptr<float[]> out(new float[static_cast<size_t>(n * channels * plane)]);  // each assigned below
  const int64_t blocks = (plane + kBlock - 1) / kBlock;
  float* to_all = out.get();
  parallel_for(n * blocks, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t img = b / blocks, p0 = (b % blocks) * kBlock, len = std::min(kBlock, plane - p0);
      const float* from = x + img * channels * plane + p0;
      float* to = to_all + (img * plane + p0) * channels;
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t p = 0; p < len; ++p) to[p * channels + c] = from[c * plane + p];
    }
  });
  return out;
}

// w (cout, channels, taps) as (cout, taps, channels).
std::vector<float> taps_by_channels(const float* w, int64_t cout, int64_t channels, int64_t taps) {
  std::vector<float> out(static_cast<size_t>(cout * channels * taps));
  for (int64_t co = 0; co < cout; ++co)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t t = 0; t < taps; ++t)
        out[static_cast<size_t>((co * taps + t) * channels + c)] = w[(co * channels + c) * taps + t];
  return out;
}

// A dot product in 64 lanes: element i goes to lane i % 64, lanes summed in order at the end, so
// the result depends on the values alone (not on alignment or threads). The lane loop vectorises
// into independent accumulators (4 with AVX-512, 8 with AVX2).
struct Lanes {
  static constexpr int64_t kLanes = 64;
  float lane[kLanes] = {};
  void add_products(const float* __restrict a, const float* __restrict b, int64_t n) {
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
      for (int64_t l = 0; l < kLanes; ++l) lane[l] += a[i + l] * b[i + l];
    for (int64_t l = 0; i + l < n; ++l) lane[l] += a[i + l] * b[i + l];
  }
  float total() const {
    float sum = 0.0f;
    for (float v : lane) sum += v;
    return sum;
  }
};

// acc[i] += s * v[i] for i < n.
void axpy(float* __restrict acc, float s, const float* __restrict v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) acc[i] += s * v[i];
}

// The input row (column) that output row oy (column ox) reads at kernel row i (column j), or -1 in
// the padding.
int64_t input_row(const ConvGeometry& g, int64_t oy, int64_t i) {
  const int64_t iy = oy * g.sh - g.ph + i * g.dh;
  return iy >= 0 && iy < g.height ? iy : -1;
}
int64_t input_col(const ConvGeometry& g, int64_t ox, int64_t j) {
  const int64_t ix = ox * g.sw - g.pw + j * g.dw;
  return ix >= 0 && ix < g.width ? ix : -1;
}

// Calls f(tap, input pixel) for each kernel tap that output (oy, ox) reads the image through, in
// tap order; the pixel is iy * width + ix.
template <typename F>
void for_taps_reading_image(const ConvGeometry& g, int64_t oy, int64_t ox, F f) {
  for (int64_t i = 0; i < g.kh; ++i) {
    const int64_t iy = input_row(g, oy, i);
    for (int64_t j = 0; iy >= 0 && j < g.kw; ++j) {
      const int64_t ix = input_col(g, ox, j);
      if (ix >= 0) f(i * g.kw + j, iy * g.width + ix);
    }
  }
}

}  // namespace

void few_outputs_forward(const float* x, const float* w, int64_t n, int64_t cout, const ConvGeometry& g, float* y,
                         float beta) {
  const int64_t cin = g.channels, plane = g.height * g.width, taps = g.kh * g.kw;
  const std::unique_ptr<float[]> xt = channels_last(x, n, cin, plane);
  const std::vector<float> wt = taps_by_channels(w, cout, cin, taps);
  // Items: (image, output row); y[img][co][oy][ox] = sum over taps reading the image of
  // wt[co][tap] . xt[img][input pixel].
  parallel_for(n * g.out_h, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t img = r / g.out_h, oy = r % g.out_h;
      const float* image = xt.get() + img * plane * cin;
      for (int64_t co = 0; co < cout; ++co)
        for (int64_t ox = 0; ox < g.out_w; ++ox) {
          Lanes sum;
          for_taps_reading_image(g, oy, ox, [&](int64_t tap, int64_t pixel) {
            sum.add_products(wt.data() + (co * taps + tap) * cin, image + pixel * cin, cin);
          });
          float& out = y[((img * cout + co) * g.out_h + oy) * g.out_w + ox];
          out = beta == 0.0f ? sum.total() : out + sum.total();
        }
    }
  });
}

void few_outputs_input_grad(const float* gy, const float* w, int64_t n, int64_t cout, const ConvGeometry& g,
                            float* gx) {
  const int64_t cin = g.channels, taps = g.kh * g.kw, out_plane = g.out_h * g.out_w;
  const std::vector<float> wt = taps_by_channels(w, cout, cin, taps);
  // Items: (image, input row). The row's gradient, channels-last (width x cin), gathers every
  // (output pixel, tap) that reads the row, then is added into gx transposed.
  parallel_for(n * g.height, [&](int64_t r0, int64_t r1) {
    std::vector<float> row(static_cast<size_t>(g.width * cin));
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t img = r / g.height, iy = r % g.height;
      std::fill(row.begin(), row.end(), 0.0f);
      for (int64_t co = 0; co < cout; ++co)
        for (int64_t i = 0; i < g.kh; ++i) {
          const int64_t t = iy + g.ph - i * g.dh;  // oy * sh for the output row reading iy at tap row i
          if (t < 0 || t % g.sh != 0 || t / g.sh >= g.out_h) continue;
          const float* gy_row = gy + (img * cout + co) * out_plane + (t / g.sh) * g.out_w;
          const float* w_row = wt.data() + (co * taps + i * g.kw) * cin;  // kernel row i's taps
          for (int64_t ox = 0; ox < g.out_w; ++ox)
            for (int64_t j = 0; j < g.kw; ++j) {
              const int64_t ix = input_col(g, ox, j);
              if (ix >= 0) axpy(row.data() + ix * cin, gy_row[ox], w_row + j * cin, cin);
            }
        }
      const int64_t plane = g.height * g.width;
      float* gx_row = gx + img * cin * plane + iy * g.width;
      for (int64_t c = 0; c < cin; ++c)
        for (int64_t ix = 0; ix < g.width; ++ix) gx_row[c * plane + ix] += row[static_cast<size_t>(ix * cin + c)];
    }
  });
}

void few_outputs_weight_grad(const float* gy, const float* x, int64_t n, int64_t cout, const ConvGeometry& g,
                             float* gw) {
  constexpr int64_t kBlock = 64;  // channels per work item
  const int64_t cin = g.channels, plane = g.height * g.width, taps = g.kh * g.kw, out_plane = g.out_h * g.out_w;
  const std::unique_ptr<float[]> xt = channels_last(x, n, cin, plane);
  // Items: channel blocks [c0, c0 + len). For each output channel, acc[tap] (len) sums
  // gy * xt[input pixel][c0, c0 + len) over images, then output pixels, in order: the same order
  // for every channel whatever the blocks.
  parallel_for((cin + kBlock - 1) / kBlock, [&](int64_t b0, int64_t b1) {
    std::vector<float> acc(static_cast<size_t>(taps * kBlock));
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t c0 = b * kBlock, len = std::min(kBlock, cin - c0);
      for (int64_t co = 0; co < cout; ++co) {
        std::fill(acc.begin(), acc.end(), 0.0f);
        for (int64_t img = 0; img < n; ++img)
          for (int64_t oy = 0; oy < g.out_h; ++oy)
            for (int64_t ox = 0; ox < g.out_w; ++ox) {
              const float grad = gy[(img * cout + co) * out_plane + oy * g.out_w + ox];
              const float* image = xt.get() + img * plane * cin + c0;
              for_taps_reading_image(g, oy, ox, [&](int64_t tap, int64_t pixel) {
                axpy(acc.data() + tap * len, grad, image + pixel * cin, len);
              });
            }
        for (int64_t c = 0; c < len; ++c)
          for (int64_t t = 0; t < taps; ++t)
            gw[(co * cin + c0 + c) * taps + t] += acc[static_cast<size_t>(t * len + c)];
      }
    }
  });
}

}  // namespace splitleak::ops::detail
