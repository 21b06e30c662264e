#pragma once
// Fashion-MNIST from its gzipped IDX files (Debian package dataset-fashion-mnist installs them
// under /usr/share/datasets/fashion-mnist): 60,000 training and 10,000 test images, 28x28 grey,
// 10 classes. Errors (missing file, not IDX, truncated) name the file and, where it applies, the
// record.
#include <string>

#include "datasets/image_set.h"

namespace splitleak::datasets {

inline constexpr const char* kFashionMnistDefaultRoot = "/usr/share/datasets/fashion-mnist";

struct FashionMnistOptions {
  std::string root = kFashionMnistDefaultRoot;
  int64_t size = 28;     // output height and width; other than 28 resizes (bilinear, OpenCV)
  int64_t channels = 1;  // 1, or 3 to replicate the grey channel
};

enum class Part { Train, Test };

ImageSet load_fashion_mnist(Part part, const FashionMnistOptions& options = {});

}  // namespace splitleak::datasets
