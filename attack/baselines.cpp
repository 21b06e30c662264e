#include "attack/baselines.h"

#include <map>

#include "core/error.h"

namespace splitleak::attack {
namespace {

constexpr int64_t kRowsPerRead = 256;

// Sums (in double, rows in ascending order) of the auxiliary images: of all of them, and of those
// of each class in `wanted`; one pass over the rows, a batch at a time.
struct RowSums {
  std::vector<double> all;
  std::map<int64_t, std::vector<double>> of_class;
  std::map<int64_t, int64_t> count_of_class;
};

RowSums sum_rows(const Samples& images, const std::vector<int64_t>& classes, const std::vector<int64_t>& wanted) {
  const int64_t row = shape_numel(images.row_shape());
  RowSums s;
  s.all.assign(static_cast<size_t>(row), 0.0);
  for (int64_t k : wanted) s.of_class.try_emplace(k, std::vector<double>(static_cast<size_t>(row), 0.0));
  for_each_batch(images, kRowsPerRead, [&](int64_t begin, const Tensor& batch) {
    for (int64_t i = 0; i < batch.size(0); ++i) {
      const float* v = batch.data() + i * row;
      for (int64_t j = 0; j < row; ++j) s.all[static_cast<size_t>(j)] += v[j];
      if (classes.empty()) continue;
      const int64_t k = classes[static_cast<size_t>(begin + i)];
      auto it = s.of_class.find(k);
      if (it == s.of_class.end()) continue;
      ++s.count_of_class[k];
      for (int64_t j = 0; j < row; ++j) it->second[static_cast<size_t>(j)] += v[j];
    }
  });
  return s;
}

// sum / count as a (1, row_shape...) image.
Tensor mean_image(const std::vector<double>& sum, int64_t count, const Shape& row_shape) {
  Shape one = row_shape;
  one.insert(one.begin(), 1);
  Tensor mean = Tensor::empty(one);
  for (size_t j = 0; j < sum.size(); ++j) mean.data()[j] = static_cast<float>(sum[j] / static_cast<double>(count));
  return mean;
}

Tensor repeated(const Tensor& image, int64_t count) {
  Shape shape = image.shape();
  shape[0] = count;
  Tensor out = Tensor::empty(shape);
  const int64_t row = image.numel();
  for (int64_t i = 0; i < count; ++i) std::copy(image.data(), image.data() + row, out.data() + i * row);
  return out;
}

void check_images(const Samples& aux_images, const char* who) {
  check(aux_images.row_shape().size() == 3 && aux_images.size() >= 1,
        std::string(who) + ": need auxiliary images of (C, H, W)");
}

}  // namespace

Tensor mean_image_baseline(const Samples& aux_images, int64_t count) {
  check_images(aux_images, "mean baseline");
  check(count >= 0, "mean baseline: a negative count");
  const RowSums s = sum_rows(aux_images, {}, {});
  return repeated(mean_image(s.all, aux_images.size(), aux_images.row_shape()), count);
}

Tensor class_prior_baseline(const Samples& aux_images, const std::vector<int64_t>& aux_classes,
                            const std::vector<int64_t>& target_classes) {
  check_images(aux_images, "prior baseline");
  check(static_cast<int64_t>(aux_classes.size()) == aux_images.size(), "prior baseline: one class per auxiliary image");
  const RowSums s = sum_rows(aux_images, aux_classes, target_classes);
  const Tensor fallback = mean_image(s.all, aux_images.size(), aux_images.row_shape());
  std::map<int64_t, Tensor> class_mean;
  for (const auto& [k, n] : s.count_of_class) class_mean.emplace(k, mean_image(s.of_class.at(k), n, aux_images.row_shape()));
  const int64_t row = fallback.numel();
  Tensor out = repeated(fallback, static_cast<int64_t>(target_classes.size()));
  for (size_t i = 0; i < target_classes.size(); ++i) {
    auto it = class_mean.find(target_classes[i]);
    if (it != class_mean.end()) std::copy(it->second.data(), it->second.data() + row, out.data() + static_cast<int64_t>(i) * row);
  }
  return out;
}

}  // namespace splitleak::attack
