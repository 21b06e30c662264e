#include "datasets/image_set.h"

#include <cstring>

#include "core/error.h"

namespace splitleak::datasets {

ImageSet ImageSet::subset(const std::vector<int64_t>& indices) const {
  Shape shape = images.shape();
  shape[0] = static_cast<int64_t>(indices.size());
  ImageSet out{Tensor::empty(shape), {}, class_names};
  const int64_t row = images.numel() / std::max<int64_t>(size(), 1);
  out.labels.reserve(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    const int64_t i = indices[k];
    check(i >= 0 && i < size(), "subset: index " + std::to_string(i) + " out of range for " + std::to_string(size()) +
                                    " images");
    std::memcpy(out.images.data() + static_cast<int64_t>(k) * row, images.data() + i * row,
                static_cast<size_t>(row) * sizeof(float));
    out.labels.push_back(labels[static_cast<size_t>(i)]);
  }
  return out;
}

ImageSet ImageSet::slice(int64_t begin, int64_t end) const {
  Tensor rows = images.slice(begin, end);  // checks the range
  return {rows, {labels.begin() + begin, labels.begin() + end}, class_names};
}

std::vector<int64_t> ImageSet::class_counts() const {
  std::vector<int64_t> counts(class_names.size(), 0);
  for (int64_t l : labels)
    if (l >= 0 && l < static_cast<int64_t>(counts.size())) ++counts[static_cast<size_t>(l)];
  return counts;
}

ImageRows::ImageRows(const ImageSet& set)
    : images(set.images.defined() ? in_memory(set.images) : in_memory(Tensor::empty({0}))),
      labels(set.labels),
      class_names(set.class_names) {}

ImageSet ImageRows::read(const std::vector<int64_t>& rows) const {
  ImageSet out{images->read(rows), {}, class_names};
  out.labels.reserve(rows.size());
  for (int64_t r : rows) out.labels.push_back(labels[static_cast<size_t>(r)]);  // read() checked the range
  return out;
}

ImageSet ImageRows::read_range(int64_t begin, int64_t end) const {
  return {images->read_range(begin, end), {labels.begin() + begin, labels.begin() + end}, class_names};
}

ImageRows ImageRows::first(int64_t count) const {
  ImageRows out;
  out.images = first_rows(images, count);
  out.labels.assign(labels.begin(), labels.begin() + count);
  out.class_names = class_names;
  return out;
}

}  // namespace splitleak::datasets
