// conv_taps.h: the window of kernel taps that read the image, against a brute-force scan.
#include "core/ops/conv_taps.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/ops/conv.h"

namespace splitleak::ops::detail {
namespace {

// Whether kernel row i of g reads an image row for some output row (brute force).
bool row_reads_image(const ConvGeometry& g, int64_t i) {
  for (int64_t oy = 0; oy < g.out_h; ++oy) {
    const int64_t iy = oy * g.sh - g.ph + i * g.dh;
    if (iy >= 0 && iy < g.height) return true;
  }
  return false;
}

// Every one-axis geometry (rows) with an output: image 1-5, kernel 1-5, stride 1-3, padding 0-3,
// dilation 1-3. Columns are the same code, checked on the transposed geometry.
std::vector<ConvGeometry> geometries() {
  std::vector<ConvGeometry> all;
  for (int64_t in = 1; in <= 5; ++in)
    for (int64_t k = 1; k <= 5; ++k)
      for (int64_t s = 1; s <= 3; ++s)
        for (int64_t p = 0; p <= 3; ++p)
          for (int64_t d = 1; d <= 3; ++d) {
            const int64_t out = conv_out_size(in, k, s, p, d);
            if (out >= 1) all.push_back({2, in, 3, k, 1, s, 1, p, 0, d, 1, out, 3});
          }
  return all;
}

TEST(ConvTaps, TheWindowHoldsEveryTapThatReadsTheImageAndCutsOnlyPaddingTaps) {
  int cut = 0;
  for (const ConvGeometry& g : geometries()) {
    const TapWindow w = taps_reading_image(g);
    const ConvGeometry c = cut_geometry(g, w);
    ASSERT_GE(c.ph, 0) << "k" << g.kh << " s" << g.sh << " p" << g.ph << " d" << g.dh << " in" << g.height;
    int64_t first = -1, last = -1;
    for (int64_t i = 0; i < g.kh; ++i) {
      if (!row_reads_image(g, i)) continue;
      if (first < 0) first = i;
      last = i;
    }
    if (first < 0) {  // every output reads padding alone (1-tap kernel, stride 2, on 1 pixel): left whole
      EXPECT_TRUE(w.whole(g.kh, g.kw));
      continue;
    }
    // Smallest window: through the last reading tap, from the first one or from the deepest
    // leading tap a non-negative padding allows.
    EXPECT_EQ(w.row1, last + 1);
    EXPECT_EQ(w.row0, std::min(first, g.ph / g.dh));
    EXPECT_EQ(w.col0, 0);
    EXPECT_EQ(w.col1, 1);
    // Each cut tap reads, in the cut geometry, what it read before.
    for (int64_t i = w.row0; i < w.row1; ++i)
      EXPECT_EQ(i * g.dh - g.ph, (i - w.row0) * c.dh - c.ph);
    cut += w.rows() < g.kh;
  }
  EXPECT_GT(cut, 100);  // the scan does reach cut kernels
}

TEST(ConvTaps, TheUNetsInnermostConvReadsFourOfSixteenTaps) {
  const ConvGeometry g{512, 2, 2, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1};
  const TapWindow w = taps_reading_image(g);
  EXPECT_EQ(w.row0, 1);
  EXPECT_EQ(w.row1, 3);
  EXPECT_EQ(w.col0, 1);
  EXPECT_EQ(w.col1, 3);
  const ConvGeometry c = cut_geometry(g, w);
  EXPECT_EQ(c.ph, 0);
  EXPECT_EQ(c.pw, 0);
  EXPECT_EQ(c.kh * c.kw, 4);
}

TEST(ConvTaps, CutKernelAndItsAdjointMoveTheWindow) {
  const TapWindow w{1, 3, 0, 2};  // rows 1-2, columns 0-1 of a 4x3 kernel
  std::vector<float> kernel(2 * 4 * 3);
  for (size_t i = 0; i < kernel.size(); ++i) kernel[i] = static_cast<float>(i);
  std::vector<float> cut(2 * 2 * 2, -1.0f);
  cut_kernel(kernel.data(), 2, 4, 3, w, cut.data());
  EXPECT_EQ(cut, (std::vector<float>{3, 4, 6, 7, 15, 16, 18, 19}));
  std::vector<float> back(kernel.size(), 1.0f);
  add_cut_kernel(cut.data(), 2, 4, 3, w, back.data());
  for (int64_t p = 0; p < 2; ++p)
    for (int64_t i = 0; i < 4; ++i)
      for (int64_t j = 0; j < 3; ++j) {
        const size_t at = static_cast<size_t>((p * 4 + i) * 3 + j);
        const bool inside = i >= 1 && i < 3 && j < 2;
        EXPECT_EQ(back[at], inside ? 1.0f + kernel[at] : 1.0f) << p << " " << i << " " << j;
      }
}

// conv_flops_called counts the whole kernel, cut or not: 2 FLOPs per multiply-add of a dense
// direct convolution.
TEST(ConvTaps, CutConvsCountTheirWholeKernelInTheConvFlops) {
  const Tensor x = Tensor::zeros({2, 6, 2, 2}), w = Tensor::zeros({4, 6, 4, 4});
  int64_t before = conv_flops_called();
  conv2d(x, w, Tensor(), {{2, 2}, {1, 1}, {1, 1}, 1});  // 2x2 -> 1x1 through 4 of 16 taps
  EXPECT_EQ(conv_flops_called() - before, 2 * 2 * 4 * (6 * 16) * 1);
  const Tensor up = Tensor::zeros({2, 6, 1, 1}), w_up = Tensor::zeros({6, 4, 4, 4});
  before = conv_flops_called();
  conv_transpose2d(up, w_up, Tensor(), {{2, 2}, {1, 1}, {0, 0}, {1, 1}, 1});  // 1x1 -> 2x2
  EXPECT_EQ(conv_flops_called() - before, 2 * 2 * 6 * (4 * 16) * 1);
}

}  // namespace
}  // namespace splitleak::ops::detail
