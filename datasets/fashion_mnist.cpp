#include "datasets/fashion_mnist.h"

#include <zlib.h>

#include <array>
#include <filesystem>
#include <memory>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/parallel.h"

namespace splitleak::datasets {
namespace {

const std::vector<std::string> kClassNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                              "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

// An IDX file of unsigned bytes: dims and the payload.
struct Idx {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
};

// Reads a (possibly gzipped) IDX file whose header must announce `rank` dims of unsigned bytes.
// `what` names a record ("image", "label") in the truncation message.
Idx read_idx(const std::string& path, int rank, const char* what) {
  check(std::filesystem::exists(path), "Fashion-MNIST file not found: " + path +
                                           " (install the Debian package dataset-fashion-mnist or set the dataset path)");
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  check(file != nullptr, path + ": cannot open");
  auto read_exact = [&](void* dst, size_t bytes) {
    size_t done = 0;
    while (done < bytes) {
      const unsigned chunk = static_cast<unsigned>(std::min<size_t>(bytes - done, 1u << 30));
      const int got = gzread(file.get(), static_cast<char*>(dst) + done, chunk);
      if (got <= 0) break;
      done += static_cast<size_t>(got);
    }
    return done;
  };
  std::array<uint8_t, 4> magic{};
  check(read_exact(magic.data(), 4) == 4, path + ": empty or not an IDX file");
  check(magic[0] == 0 && magic[1] == 0 && magic[2] == 0x08 && magic[3] == rank,
        path + ": not an IDX file of unsigned bytes with " + std::to_string(rank) + " dimensions");
  Idx idx;
  int64_t total = 1;
  for (int d = 0; d < rank; ++d) {
    std::array<uint8_t, 4> b{};
    check(read_exact(b.data(), 4) == 4, path + ": truncated IDX header");
    const int64_t dim = (int64_t{b[0]} << 24) | (int64_t{b[1]} << 16) | (int64_t{b[2]} << 8) | b[3];
    check(dim > 0 && dim < (int64_t{1} << 24), path + ": implausible IDX dimension " + std::to_string(dim));
    idx.dims.push_back(dim);
    total *= dim;
  }
  idx.data.resize(static_cast<size_t>(total));
  const size_t got = read_exact(idx.data.data(), idx.data.size());
  const int64_t per_record = total / idx.dims[0];
  check(got == idx.data.size(), path + ": truncated: " + std::string(what) + " " +
                                    std::to_string(static_cast<int64_t>(got) / per_record) + " of " +
                                    std::to_string(idx.dims[0]) + " is incomplete");
  return idx;
}

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
