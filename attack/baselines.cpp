#include "attack/baselines.h"

#include <map>

#include "core/error.h"

namespace splitleak::attack {
namespace {

// The mean (in double, then float) of the rows `rows` of images (N, C, H, W) into out (C*H*W).
void mean_of_rows(const Tensor& images, const std::vector<int64_t>& rows, float* out) {
  const int64_t row = images.numel() / images.size(0);
  std::vector<double> sum(static_cast<size_t>(row), 0.0);
  for (int64_t r : rows)
    for (int64_t j = 0; j < row; ++j) sum[static_cast<size_t>(j)] += images.data()[r * row + j];
  for (int64_t j = 0; j < row; ++j) out[j] = static_cast<float>(sum[static_cast<size_t>(j)] / static_cast<double>(rows.size()));
}

Tensor repeated(const Tensor& image, int64_t count) {
  Shape shape = image.shape();
  shape[0] = count;
  Tensor out = Tensor::empty(shape);
  const int64_t row = image.numel();
  for (int64_t i = 0; i < count; ++i) std::copy(image.data(), image.data() + row, out.data() + i * row);
  return out;
}

}  // namespace

Tensor mean_image_baseline(const Tensor& aux_images, int64_t count) {
  check(aux_images.defined() && aux_images.dim() == 4 && aux_images.size(0) >= 1 && count >= 0,
        "mean baseline: need (N, C, H, W) auxiliary images");
  Shape one = aux_images.shape();
  one[0] = 1;
  Tensor mean = Tensor::empty(one);
  std::vector<int64_t> all(static_cast<size_t>(aux_images.size(0)));
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  mean_of_rows(aux_images, all, mean.data());
  return repeated(mean, count);
}

Tensor class_prior_baseline(const Tensor& aux_images, const std::vector<int64_t>& aux_classes,
                            const std::vector<int64_t>& target_classes) {
  check(aux_images.defined() && aux_images.dim() == 4 && static_cast<int64_t>(aux_classes.size()) == aux_images.size(0),
        "prior baseline: one class per auxiliary image");
  std::map<int64_t, std::vector<int64_t>> rows_of;
  for (size_t i = 0; i < aux_classes.size(); ++i) rows_of[aux_classes[i]].push_back(static_cast<int64_t>(i));
  const Tensor fallback = mean_image_baseline(aux_images, 1);
  const int64_t row = fallback.numel();
  std::map<int64_t, Tensor> class_mean;
  Tensor out = repeated(fallback, static_cast<int64_t>(target_classes.size()));
  for (size_t i = 0; i < target_classes.size(); ++i) {
    auto rows = rows_of.find(target_classes[i]);
    if (rows == rows_of.end()) continue;
    auto [it, fresh] = class_mean.try_emplace(target_classes[i], Tensor::empty(fallback.shape()));
    if (fresh) mean_of_rows(aux_images, rows->second, it->second.data());
    std::copy(it->second.data(), it->second.data() + row, out.data() + static_cast<int64_t>(i) * row);
  }
  return out;
}

}  // namespace splitleak::attack
