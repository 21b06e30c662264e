#include "attack/metrics.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/parallel.h"

namespace splitleak::attack {
namespace {

// scipy.ndimage's Gaussian taps for sigma 1.5, truncate 3.5: radius 5, normalised to sum 1.
std::vector<double> gaussian_taps() {
  const double sigma = 1.5;
  const int radius = static_cast<int>(3.5 * sigma + 0.5);
  std::vector<double> taps(2 * radius + 1);
  double sum = 0;
  for (int i = -radius; i <= radius; ++i) sum += taps[i + radius] = std::exp(-0.5 / (sigma * sigma) * i * i);
  for (double& t : taps) t /= sum;
  return taps;
}

// scipy's 'reflect' border: (d c b a | a b c d | d c b a).
int64_t reflect(int64_t i, int64_t n) {
  while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
  return i;
}

// Separable Gaussian filter of an h x w plane (rows, then columns), as gaussian_filter.
std::vector<double> blur(const std::vector<double>& in, int64_t h, int64_t w, const std::vector<double>& taps) {
  const int64_t r = static_cast<int64_t>(taps.size() / 2);
  std::vector<double> tmp(in.size()), out(in.size());
  for (int64_t y = 0; y < h; ++y)  // along axis 0 first, as ndimage does
    for (int64_t x = 0; x < w; ++x) {
      double acc = 0;
      for (int64_t k = -r; k <= r; ++k) acc += taps[k + r] * in[reflect(y + k, h) * w + x];
      tmp[y * w + x] = acc;
    }
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) {
      double acc = 0;
      for (int64_t k = -r; k <= r; ++k) acc += taps[k + r] * tmp[y * w + reflect(x + k, w)];
      out[y * w + x] = acc;
    }
  return out;
}

double ssim_plane(const float* a, const float* b, int64_t h, int64_t w) {
  static const std::vector<double> taps = gaussian_taps();
  const size_t n = static_cast<size_t>(h * w);
  std::vector<double> x(n), y(n), xx(n), yy(n), xy(n);
  for (size_t i = 0; i < n; ++i) {
    x[i] = a[i], y[i] = b[i];
    xx[i] = x[i] * x[i], yy[i] = y[i] * y[i], xy[i] = x[i] * y[i];
  }
  const auto ux = blur(x, h, w, taps), uy = blur(y, h, w, taps);
  const auto uxx = blur(xx, h, w, taps), uyy = blur(yy, h, w, taps), uxy = blur(xy, h, w, taps);
  const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
  const int64_t pad = (kSsimWindow - 1) / 2;
  double sum = 0;
  for (int64_t i = pad; i < h - pad; ++i)
    for (int64_t j = pad; j < w - pad; ++j) {
      const size_t k = static_cast<size_t>(i * w + j);
      const double vx = uxx[k] - ux[k] * ux[k], vy = uyy[k] - uy[k] * uy[k], vxy = uxy[k] - ux[k] * uy[k];
      const double num = (2 * ux[k] * uy[k] + c1) * (2 * vxy + c2);
      const double den = (ux[k] * ux[k] + uy[k] * uy[k] + c1) * (vx + vy + c2);
      sum += num / den;
    }
  return sum / static_cast<double>((h - 2 * pad) * (w - 2 * pad));
}

void check_pair(const Tensor& a, const Tensor& b, int64_t dims, const char* what) {
  check(a.defined() && b.defined() && a.dim() == dims && a.shape() == b.shape(),
        std::string(what) + ": the images must have the same " + (dims == 3 ? "(C, H, W)" : "(N, C, H, W)") +
            " shape, got " + (a.defined() ? shape_str(a.shape()) : "none") + " and " +
            (b.defined() ? shape_str(b.shape()) : "none"));
}

}  // namespace

double ssim(const Tensor& a, const Tensor& b) {
  check_pair(a, b, 3, "ssim");
  const int64_t c = a.size(0), h = a.size(1), w = a.size(2);
  check(h >= kSsimWindow && w >= kSsimWindow,
        "ssim: images must be at least 11x11 (the Gaussian window), got " + std::to_string(h) + "x" + std::to_string(w));
  double sum = 0;
  for (int64_t ch = 0; ch < c; ++ch) sum += ssim_plane(a.data() + ch * h * w, b.data() + ch * h * w, h, w);
  return sum / static_cast<double>(c);
}

double mse(const Tensor& a, const Tensor& b) {
  check(a.defined() && b.defined() && a.shape() == b.shape(), "mse: the images must have the same shape");
  double sum = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double d = static_cast<double>(a.data()[i]) - b.data()[i];
    sum += d * d;
  }
  return sum / static_cast<double>(std::max<int64_t>(a.numel(), 1));
}

double psnr(const Tensor& a, const Tensor& b) {
  const double m = mse(a, b);
  return m == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(1.0 / m);
}

namespace {

template <typename F>
std::vector<double> per_image(const Tensor& a, const Tensor& b, const char* what, F f) {
  check_pair(a, b, 4, what);
  std::vector<double> out(static_cast<size_t>(a.size(0)));
  parallel_for(a.size(0), [&](int64_t s, int64_t e) {
    for (int64_t i = s; i < e; ++i) {
      const Tensor ai = a.slice(i, i + 1), bi = b.slice(i, i + 1);
      out[static_cast<size_t>(i)] = f(ai.view({a.size(1), a.size(2), a.size(3)}), bi.view({a.size(1), a.size(2), a.size(3)}));
    }
  });
  return out;
}

}  // namespace

std::vector<double> ssim_per_image(const Tensor& a, const Tensor& b) {
  check_pair(a, b, 4, "ssim");
  check(a.size(2) >= kSsimWindow && a.size(3) >= kSsimWindow,  // before the parallel loop, which must not throw
        "ssim: images must be at least 11x11 (the Gaussian window), got " + std::to_string(a.size(2)) + "x" +
            std::to_string(a.size(3)));
  return per_image(a, b, "ssim", ssim);
}
std::vector<double> mse_per_image(const Tensor& a, const Tensor& b) { return per_image(a, b, "mse", mse); }
std::vector<double> psnr_per_image(const Tensor& a, const Tensor& b) { return per_image(a, b, "psnr", psnr); }

}  // namespace splitleak::attack
