#pragma once
// Reconstruction metrics, pinned to scikit-image (docs/design.md, Conventions):
//   SSIM  structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
//         data_range=1): 11x11 Gaussian window (truncate 3.5), K1 = 0.01, K2 = 0.03, mirror
//         ('reflect') borders, the mean over the image less a 5-pixel border, averaged over
//         channels; computed in double.
//   PSNR  10 log10(1 / MSE) (data range 1); +inf for identical images.
//   MSE   mean squared difference.
// Images are (C, H, W) float32 in [0, 1]; batches (N, C, H, W) give one value per image.
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace splitleak::attack {

inline constexpr int64_t kSsimWindow = 11;

// One image pair, (C, H, W) each. Throws Error when shapes differ or H or W < 11.
double ssim(const Tensor& a, const Tensor& b);
double mse(const Tensor& a, const Tensor& b);
double psnr(const Tensor& a, const Tensor& b);

// Per image of two (N, C, H, W) batches.
std::vector<double> ssim_per_image(const Tensor& a, const Tensor& b);
std::vector<double> mse_per_image(const Tensor& a, const Tensor& b);
std::vector<double> psnr_per_image(const Tensor& a, const Tensor& b);

}  // namespace splitleak::attack
