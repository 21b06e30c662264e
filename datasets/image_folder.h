#pragma once
// Images from a folder in the ImageNet layout (root/<class>/<image>, classes sorted by name) or a
// flat folder of images (unlabelled). Decoded with OpenCV as RGB (or grey), resized and cropped,
// and streamed in batches decoded ahead on a background thread, so memory stays bounded for large
// folders. An undecodable file is skipped with a warning naming it and counted; more than
// max_undecodable of them is an error.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "datasets/image_set.h"

namespace splitleak::datasets {

struct ImageFolderOptions {
  std::string root;
  int64_t size = 224;            // output height and width
  int64_t resize_shorter = 256;  // shorter side before cropping; 0 resizes the whole image to size x size
  bool random_crop = false;      // false: center crop (the ImageNet evaluation transform)
  uint64_t seed = 0;             // random crops: a function of (seed, image index) only
  int64_t channels = 3;          // 3 (RGB) or 1 (grey)
  int64_t max_undecodable = 10;
  int64_t prefetch = 2;          // batches decoded ahead of the consumer
};

class ImageFolder {
 public:
  // Scans the folder; throws Error when it is missing or holds no images.
  explicit ImageFolder(ImageFolderOptions options);
  ~ImageFolder();

  int64_t size() const { return static_cast<int64_t>(index_->files.size()); }
  bool labelled() const { return !index_->class_names.empty(); }
  const std::vector<std::string>& class_names() const { return index_->class_names; }
  const std::vector<std::string>& files() const { return index_->files; }
  const std::vector<int64_t>& labels() const { return index_->labels; }  // -1 when unlabelled
  const ImageFolderOptions& options() const { return index_->options; }
  // Files skipped as undecodable so far, over all streams.
  int64_t undecodable() const { return undecodable_->load(); }

  class Stream;
  // Batches of the images at `order` (indices into files()), in that order; a batch is shorter by
  // the undecodable files it met. Stream::next() returns nothing after the last batch and
  // rethrows a decoding error (too many undecodable files).
  std::unique_ptr<Stream> stream(std::vector<int64_t> order, int64_t batch_size) const;
  // Every image at `order` at once (for small folders).
  ImageSet load(const std::vector<int64_t>& order) const;

 private:
  // What the scan found; immutable afterwards and shared with every stream (no per-stream copy).
  struct Index {
    ImageFolderOptions options;
    std::vector<std::string> files, class_names;
    std::vector<int64_t> labels;
  };
  std::shared_ptr<const Index> index_;
  std::shared_ptr<std::atomic<int64_t>> undecodable_;
};

class ImageFolder::Stream {
 public:
  virtual ~Stream() = default;
  virtual std::optional<ImageSet> next() = 0;
};

}  // namespace splitleak::datasets
