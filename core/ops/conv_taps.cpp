#include "core/ops/conv_taps.h"

#include <algorithm>
#include <vector>

#include "core/parallel.h"

namespace splitleak::ops::detail {
namespace {

// Whether tap t along one axis reads [0, in) for some output o in [0, out): o * stride - pad +
// t * dilation, an arithmetic progression in o.
bool tap_reads_image(int64_t t, int64_t in, int64_t out, int64_t stride, int64_t pad, int64_t dilation) {
  const int64_t first = t * dilation - pad;                                   // position at o = 0
  const int64_t o = first >= 0 ? 0 : (-first + stride - 1) / stride;         // first o at or past 0
  return o < out && first + o * stride < in;
}

// [begin, end) of the taps along one axis that read the image, begin lowered to keep the cut
// padding non-negative.
void axis_window(int64_t k, int64_t in, int64_t out, int64_t stride, int64_t pad, int64_t dilation, int64_t& begin,
                 int64_t& end) {
  begin = 0, end = k;
  while (begin < k && !tap_reads_image(begin, in, out, stride, pad, dilation)) ++begin;
  while (end > begin && !tap_reads_image(end - 1, in, out, stride, pad, dilation)) --end;
  if (end == begin) begin = 0, end = k;  // nothing reads the image: keep the kernel whole
  begin = std::min(begin, pad / dilation);
}

}  // namespace

TapWindow taps_reading_image(const ConvGeometry& g) {
  TapWindow w{};
  axis_window(g.kh, g.height, g.out_h, g.sh, g.ph, g.dh, w.row0, w.row1);
  axis_window(g.kw, g.width, g.out_w, g.sw, g.pw, g.dw, w.col0, w.col1);
  return w;
}

ConvGeometry cut_geometry(const ConvGeometry& g, const TapWindow& window) {
  ConvGeometry cut = g;
  cut.kh = window.rows(), cut.kw = window.cols();
  cut.ph = g.ph - window.row0 * g.dh, cut.pw = g.pw - window.col0 * g.dw;
  return cut;
}

namespace {

// Calls move(window tap t, its offset in a kh x kw plane) for the window's taps in order, per
// plane: the copy loops below, planes split over threads.
template <typename Move>
void for_window_taps(int64_t planes, int64_t kh, int64_t kw, const TapWindow& window, Move move) {
  std::vector<int64_t> offsets;
  for (int64_t i = window.row0; i < window.row1; ++i)
    for (int64_t j = window.col0; j < window.col1; ++j) offsets.push_back(i * kw + j);
  const int64_t taps = static_cast<int64_t>(offsets.size()), plane = kh * kw;
  parallel_for(planes, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p)
      for (int64_t t = 0; t < taps; ++t) move(p * taps + t, p * plane + offsets[static_cast<size_t>(t)]);
  });
}

}  // namespace

void cut_kernel(const float* src, int64_t planes, int64_t kh, int64_t kw, const TapWindow& window, float* dst) {
  for_window_taps(planes, kh, kw, window, [src, dst](int64_t cut, int64_t whole) { dst[cut] = src[whole]; });
}

void add_cut_kernel(const float* src, int64_t planes, int64_t kh, int64_t kw, const TapWindow& window, float* dst) {
  for_window_taps(planes, kh, kw, window, [src, dst](int64_t cut, int64_t whole) { dst[whole] += src[cut]; });
}

}  // namespace splitleak::ops::detail
