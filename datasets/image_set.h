#pragma once
// An image set held in memory: what the dataset loaders yield and what victims and attackers
// consume. Labelled, or unlabelled (a flat folder of images: every label -1, no class names).
#include <cstdint>
#include <string>
#include <vector>

#include "core/samples.h"
#include "core/tensor.h"

namespace splitleak::datasets {

struct ImageSet {
  Tensor images;                         // (N, C, H, W) float32 in [0, 1]
  std::vector<int64_t> labels;           // N class indices in [0, class_names.size()); -1 when unlabelled
  std::vector<std::string> class_names;  // empty when unlabelled

  int64_t size() const { return static_cast<int64_t>(labels.size()); }
  bool labelled() const { return !class_names.empty(); }
  // The rows at `indices`, in that order (copied).
  ImageSet subset(const std::vector<int64_t>& indices) const;
  // Rows [begin, end) as a batch: the images are a view (no copy), the labels copied.
  ImageSet slice(int64_t begin, int64_t end) const;
  // Images per class, indexed by class.
  std::vector<int64_t> class_counts() const;
};

// An image set whose images are read by rows (core/samples.h): held in memory, or in a folder's
// image store on disk (image_store.h), so a set larger than memory can be trained on and scored.
struct ImageRows {
  SamplesPtr images;                     // rows of (C, H, W) in [0, 1]
  std::vector<int64_t> labels;           // one per row, as in ImageSet
  std::vector<std::string> class_names;  // empty when unlabelled

  ImageRows() = default;
  ImageRows(const ImageSet& set);  // NOLINT: an in-memory set is rows too (its images shared, not copied)

  int64_t size() const { return static_cast<int64_t>(labels.size()); }
  bool labelled() const { return !class_names.empty(); }
  Shape image_shape() const { return images ? images->row_shape() : Shape{}; }
  // The rows at `rows`, in that order, read into memory.
  ImageSet read(const std::vector<int64_t>& rows) const;
  // Rows [begin, end) read into memory (a view when the rows are held in memory).
  ImageSet read_range(int64_t begin, int64_t end) const;
  // The first `count` rows (nothing read).
  ImageRows first(int64_t count) const;
};

}  // namespace splitleak::datasets
