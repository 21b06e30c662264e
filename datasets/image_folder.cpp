#include "datasets/image_folder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "core/error.h"
#include "core/parallel.h"
#include "core/random.h"
#include "datasets/image_header.h"

namespace splitleak::datasets {
namespace {

namespace fs = std::filesystem;

bool is_image(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpeg" || ext == ".jpg" || ext == ".png" || ext == ".bmp" || ext == ".ppm" || ext == ".webp";
}

// One folder's entries by name, each with the type its path leads to (links followed); an entry
// whose type cannot be found (a link loop, a dangling link, no permission) says why in `error`.
struct Entry {
  fs::path path;
  fs::file_type type = fs::file_type::none;
  std::string error;
};

std::vector<Entry> entries_of(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  check(!ec, "image folder " + shown(dir.string(), 200) + ": cannot list: " + ec.message());
  std::vector<Entry> out;
  for (; it != end; it.increment(ec)) {
    check(!ec, "image folder " + shown(dir.string(), 200) + ": cannot list: " + ec.message());
    Entry e;
    e.path = it->path();
    std::error_code status_error;
    const fs::file_status status = fs::status(e.path, status_error);
    e.type = status_error ? fs::file_type::none : status.type();
    if (status_error) e.error = status_error.message();
    else if (e.type != fs::file_type::regular && e.type != fs::file_type::directory)
      e.error = "not a regular file";
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.path < b.path; });
  return out;
}

// The image files of `dir` by name. An entry named like an image that is not a regular file (or
// whose type cannot be found) is undecodable: named in a warning and counted in `undecodable`.
std::vector<std::string> sorted_images(const fs::path& dir, int64_t& undecodable) {
  std::vector<std::string> out;
  for (const Entry& e : entries_of(dir)) {
    if (!is_image(e.path) || e.type == fs::file_type::directory) continue;
    if (e.type == fs::file_type::regular) {
      out.push_back(e.path.string());
    } else {
      ++undecodable;
      spdlog::warn("image folder: cannot decode {} ({}), skipped", shown(e.path.string(), 200), e.error);
    }
  }
  return out;
}

// Decodes one file into `dst` (channels x size x size, [0, 1]); false when undecodable.
bool decode(const std::string& path, const ImageFolderOptions& o, int64_t index, float* dst) {
  // Not a regular file, another format or too many pixels: undecodable (the caller catches).
  const std::string bytes = read_image_bytes(path);
  cv::Mat img = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data())),
                             o.channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
  if (img.empty()) return false;
  if (o.channels == 3) cv::cvtColor(img, img, cv::COLOR_BGR2RGB);
  const int size = static_cast<int>(o.size);
  cv::Mat resized;
  if (o.resize_shorter == 0) {
    cv::resize(img, resized, cv::Size(size, size), 0, 0, img.cols > size ? cv::INTER_AREA : cv::INTER_LINEAR);
  } else {
    // torchvision's Resize(n): the shorter side becomes n, the longer scales with it.
    const double scale = static_cast<double>(o.resize_shorter) / std::min(img.rows, img.cols);
    const int w = img.cols <= img.rows ? static_cast<int>(o.resize_shorter) : static_cast<int>(img.cols * scale);
    const int h = img.rows <= img.cols ? static_cast<int>(o.resize_shorter) : static_cast<int>(img.rows * scale);
    cv::resize(img, resized, cv::Size(w, h), 0, 0, scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
    int top, left;
    if (o.random_crop) {
      Generator gen(o.seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(index));
      top = static_cast<int>(gen.below(static_cast<uint64_t>(h - size + 1)));
      left = static_cast<int>(gen.below(static_cast<uint64_t>(w - size + 1)));
    } else {  // torchvision's CenterCrop
      top = static_cast<int>(std::lround((h - size) / 2.0));
      left = static_cast<int>(std::lround((w - size) / 2.0));
    }
    resized = resized(cv::Rect(left, top, size, size));
  }
  const int64_t plane = o.size * o.size;
  for (int y = 0; y < size; ++y) {
    const uint8_t* row = resized.ptr<uint8_t>(y);
    for (int x = 0; x < size; ++x)
      for (int64_t c = 0; c < o.channels; ++c) dst[c * plane + y * size + x] = row[x * o.channels + c] * (1.0f / 255.0f);
  }
  return true;
}

// Decodes the images at order[begin, end) into one ImageSet, skipping undecodable files.
ImageSet decode_batch(const ImageFolderOptions& o, const std::vector<std::string>& files,
                      const std::vector<int64_t>& labels, const std::vector<std::string>& class_names,
                      const std::vector<int64_t>& order, size_t begin, size_t end, std::atomic<int64_t>& undecodable) {
  const int64_t n = static_cast<int64_t>(end - begin), plane = o.channels * o.size * o.size;
  Tensor all = Tensor::empty({n, o.channels, o.size, o.size});
  std::vector<char> ok(static_cast<size_t>(n));
  parallel_for(n, [&](int64_t s, int64_t e) {
    for (int64_t i = s; i < e; ++i) {
      const int64_t idx = order[begin + static_cast<size_t>(i)];
      // Nothing may leave a parallel region: a decoder that throws marks the file undecodable.
      try {
        ok[static_cast<size_t>(i)] = decode(files[static_cast<size_t>(idx)], o, idx, all.data() + i * plane);
      } catch (...) {
        ok[static_cast<size_t>(i)] = false;
      }
    }
  });
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < n; ++i) {
    if (ok[static_cast<size_t>(i)]) {
      keep.push_back(i);
      continue;
    }
    const std::string& path = files[static_cast<size_t>(order[begin + static_cast<size_t>(i)])];
    const int64_t count = ++undecodable;
    spdlog::warn("image folder: cannot decode {}, skipped", path);
    check(count <= o.max_undecodable, "image folder " + o.root + ": " + std::to_string(count) +
                                          " undecodable files, more than the allowed " +
                                          std::to_string(o.max_undecodable) + " (last: " + path + ")");
  }
  ImageSet batch{all, {}, class_names};
  for (int64_t i = 0; i < n; ++i) batch.labels.push_back(labels[static_cast<size_t>(order[begin + static_cast<size_t>(i)])]);
  if (static_cast<int64_t>(keep.size()) == n) return batch;
  return batch.subset(keep);
}

class PrefetchStream : public ImageFolder::Stream {
 public:
  PrefetchStream(std::function<ImageSet(size_t, size_t)> decode, size_t total, size_t batch, size_t depth)
      : decode_(std::move(decode)), total_(total), batch_(batch), depth_(depth) {
    worker_ = std::thread([this] { run(); });
  }
  ~PrefetchStream() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  std::optional<ImageSet> next() override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !ready_.empty() || finished_; });
    if (!ready_.empty()) {
      ImageSet b = std::move(ready_.front());
      ready_.pop_front();
      cv_.notify_all();
      return b;
    }
    if (error_) std::rethrow_exception(error_);
    return std::nullopt;
  }

 private:
  void run() {
    try {
      for (size_t begin = 0; begin < total_; begin += batch_) {
        {
          std::unique_lock lock(mu_);
          cv_.wait(lock, [this] { return ready_.size() < depth_ || stop_; });
          if (stop_) break;
        }
        ImageSet b = decode_(begin, std::min(total_, begin + batch_));
        std::lock_guard lock(mu_);
        ready_.push_back(std::move(b));
        cv_.notify_all();
      }
    } catch (...) {
      std::lock_guard lock(mu_);
      error_ = std::current_exception();
    }
    std::lock_guard lock(mu_);
    finished_ = true;
    cv_.notify_all();
  }

  std::function<ImageSet(size_t, size_t)> decode_;
  size_t total_, batch_, depth_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ImageSet> ready_;
  bool stop_ = false, finished_ = false;
  std::exception_ptr error_;
  std::thread worker_;
};

}  // namespace

ImageFolder::ImageFolder(ImageFolderOptions o) : undecodable_(std::make_shared<std::atomic<int64_t>>(0)) {
  auto index = std::make_shared<Index>();
  index->options = std::move(o);
  const ImageFolderOptions& opt = index->options;
  std::vector<std::string>& files = index->files;
  std::vector<std::string>& class_names = index->class_names;
  std::vector<int64_t>& labels = index->labels;
  check(opt.size >= 1, "image folder: size must be positive");
  check(opt.channels == 1 || opt.channels == 3, "image folder: channels must be 1 or 3");
  check(opt.resize_shorter == 0 || opt.resize_shorter >= opt.size,
        "image folder: resize_shorter (" + std::to_string(opt.resize_shorter) + ") must be 0 or at least size (" +
            std::to_string(opt.size) + ")");
  check(opt.prefetch >= 1 && opt.max_undecodable >= 0, "image folder: prefetch must be >= 1, max_undecodable >= 0");
  std::error_code ec;
  check(fs::is_directory(opt.root, ec), "image folder not found: " + shown(opt.root, 200));
  int64_t undecodable = 0;
  for (const Entry& c : entries_of(opt.root)) {
    if (c.type != fs::file_type::directory) continue;
    std::vector<std::string> images = sorted_images(c.path, undecodable);
    if (images.empty()) continue;
    class_names.push_back(c.path.filename().string());
    for (auto& f : images) {
      files.push_back(std::move(f));
      labels.push_back(static_cast<int64_t>(class_names.size()) - 1);
    }
  }
  if (files.empty()) {  // a flat folder: images without labels
    undecodable = 0;  // what the class folders held is not part of an unlabelled folder
    files = sorted_images(opt.root, undecodable);
    labels.assign(files.size(), -1);
  }
  check(!files.empty(), "image folder " + shown(opt.root, 200) + " holds no images (.jpg, .jpeg, .png, .bmp, .ppm, .webp)");
  check(undecodable <= opt.max_undecodable, "image folder " + shown(opt.root, 200) + ": " + std::to_string(undecodable) +
                                                " undecodable files, more than the allowed " +
                                                std::to_string(opt.max_undecodable));
  undecodable_->store(undecodable);
  index_ = std::move(index);
}

ImageFolder::~ImageFolder() = default;

std::unique_ptr<ImageFolder::Stream> ImageFolder::stream(std::vector<int64_t> order, int64_t batch_size) const {
  check(batch_size >= 1, "image folder: batch size must be positive");
  for (int64_t i : order) check(i >= 0 && i < size(), "image folder: index " + std::to_string(i) + " out of range");
  auto shared_order = std::make_shared<std::vector<int64_t>>(std::move(order));
  const size_t total = shared_order->size();
  // The stream shares the index and the counter, so it may outlive this object.
  auto decode = [index = index_, shared_order, counter = undecodable_](size_t begin, size_t end) {
    return decode_batch(index->options, index->files, index->labels, index->class_names, *shared_order, begin, end,
                        *counter);
  };
  return std::make_unique<PrefetchStream>(decode, total, static_cast<size_t>(batch_size),
                                          static_cast<size_t>(index_->options.prefetch));
}

ImageSet ImageFolder::load(const std::vector<int64_t>& order) const {
  return decode_batch(index_->options, index_->files, index_->labels, index_->class_names, order, 0, order.size(),
                      *undecodable_);
}

}  // namespace splitleak::datasets
