#pragma once
// Kernel taps that read nothing but padding. A U-Net's innermost 4x4 stride-2 conv on a 2x2 map
// reads its input through 4 of its 16 taps (and the up-conv back writes through 4); the other 12
// multiply zeros. The CPU convs run with the kernel cut to the taps that read the image: the
// same sums without the zero terms, a quarter of the work there.
#include <cstdint>

#include "core/ops/im2col.h"
#include "core/tensor.h"

namespace splitleak::ops::detail {

// Kernel rows [row0, row1) and columns [col0, col1): a window of a kh x kw kernel.
struct TapWindow {
  int64_t row0, row1, col0, col1;
  int64_t rows() const { return row1 - row0; }
  int64_t cols() const { return col1 - col0; }
  bool whole(int64_t kh, int64_t kw) const { return row0 == 0 && col0 == 0 && row1 == kh && col1 == kw; }
};

// The smallest window holding every tap of g that reads the image (not the padding) for some
// output position, less the leading taps whose cut would leave negative padding (a dilated
// kernel's taps past the padding): the window may hold padding-only taps, never lose a tap that
// reads the image.
TapWindow taps_reading_image(const ConvGeometry& g);

// g with its kernel cut to `window`: kh, kw, ph and pw change; channels, image and output sizes
// stay. A conv with the cut geometry and cut kernel computes the same outputs as g.
ConvGeometry cut_geometry(const ConvGeometry& g, const TapWindow& window);

// dst (planes, window.rows(), window.cols()) = the window of each kh x kw plane of src. Assigns dst.
void cut_kernel(const float* src, int64_t planes, int64_t kh, int64_t kw, const TapWindow& window, float* dst);
// Its adjoint: each window of dst (planes, kh, kw) += the matching plane of src (planes,
// window.rows(), window.cols()). Accumulates into dst; taps outside the window are untouched.
void add_cut_kernel(const float* src, int64_t planes, int64_t kh, int64_t kw, const TapWindow& window, float* dst);

// A CPU conv as it runs: its plan (any with a `geom`) and weight cut to the window.
template <typename Plan>
struct CutConv {
  Plan plan;      // with the cut geometry
  Tensor weight;  // the cut weight (leading dims, window rows, window cols); the op's own if whole
  TapWindow window;
  int64_t kh, kw;  // the op's kernel
  bool cut() const { return !window.whole(kh, kw); }
};

// The conv of plan `pl` and `weight` ((leading dims...), kh, kw) cut to its taps that read the image.
template <typename Plan>
CutConv<Plan> cut_taps(const Plan& pl, const Tensor& weight) {
  CutConv<Plan> c{pl, weight, taps_reading_image(pl.geom), pl.geom.kh, pl.geom.kw};
  if (!c.cut()) return c;
  c.plan.geom = cut_geometry(pl.geom, c.window);
  c.weight = Tensor::empty({weight.size(0), weight.size(1), c.window.rows(), c.window.cols()});
  cut_kernel(weight.data(), weight.size(0) * weight.size(1), c.kh, c.kw, c.window, c.weight.data());
  return c;
}

// The weight gradient of a cut conv, run on `gw_run` (zeros of the cut weight's shape) when cut,
// else on gw itself: its window added into gw when cut.
template <typename Plan>
Tensor weight_grad_to_run(const CutConv<Plan>& c, const Tensor& gw) {
  return gw.defined() && c.cut() ? Tensor::zeros(c.weight.shape()) : gw;
}
template <typename Plan>
void finish_weight_grad(const CutConv<Plan>& c, const Tensor& gw_run, Tensor& gw) {
  if (gw.defined() && c.cut())
    add_cut_kernel(gw_run.data(), c.weight.size(0) * c.weight.size(1), c.kh, c.kw, c.window, gw.data());
}

}  // namespace splitleak::ops::detail
