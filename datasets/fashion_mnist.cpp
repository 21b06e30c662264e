#include "datasets/fashion_mnist.h"

#include <array>
#include <filesystem>
#include <memory>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/parallel.h"
#include "datasets/idx.h"

namespace splitleak::datasets {
namespace {

const std::vector<std::string> kClassNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                              "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

}  // namespace

ImageSet load_fashion_mnist(Part part, const FashionMnistOptions& o) {
  check(o.size >= 1, "Fashion-MNIST: image size must be positive, got " + std::to_string(o.size));
  check(o.channels == 1 || o.channels == 3, "Fashion-MNIST: channels must be 1 or 3, got " + std::to_string(o.channels));
  const std::string prefix = o.root + (part == Part::Train ? "/train" : "/t10k");
  const Idx images = read_idx(prefix + "-images-idx3-ubyte.gz", 3, "image");
  const Idx labels = read_idx(prefix + "-labels-idx1-ubyte.gz", 1, "label");
  const int64_t n = images.dims[0], h = images.dims[1], w = images.dims[2];
  check(labels.dims[0] == n, prefix + ": " + std::to_string(n) + " images but " + std::to_string(labels.dims[0]) +
                                 " labels");
  ImageSet set{Tensor::empty({n, o.channels, o.size, o.size}), std::vector<int64_t>(static_cast<size_t>(n)), kClassNames};
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t l = labels.data[static_cast<size_t>(i)];
    check(l < kClassNames.size(), prefix + "-labels-idx1-ubyte.gz: label " + std::to_string(l) + " of record " +
                                      std::to_string(i) + " is not a class in [0, 10)");
    set.labels[static_cast<size_t>(i)] = l;
  }
  const int64_t out_plane = o.size * o.size;
  float* dst = set.images.data();
  parallel_for(n, [&](int64_t begin, int64_t end) {
    cv::Mat resized;
    for (int64_t i = begin; i < end; ++i) {
      const cv::Mat src(static_cast<int>(h), static_cast<int>(w), CV_8UC1,
                        const_cast<uint8_t*>(images.data.data() + i * h * w));
      const cv::Mat* img = &src;
      if (o.size != h || o.size != w) {
        cv::resize(src, resized, cv::Size(static_cast<int>(o.size), static_cast<int>(o.size)), 0, 0, cv::INTER_LINEAR);
        img = &resized;
      }
      float* plane = dst + i * o.channels * out_plane;
      for (int64_t y = 0; y < o.size; ++y) {
        const uint8_t* row = img->ptr<uint8_t>(static_cast<int>(y));
        for (int64_t x = 0; x < o.size; ++x) plane[y * o.size + x] = static_cast<float>(row[x]) * (1.0f / 255.0f);
      }
      for (int64_t c = 1; c < o.channels; ++c) std::copy(plane, plane + out_plane, plane + c * out_plane);
    }
  });
  return set;
}

}  // namespace splitleak::datasets
