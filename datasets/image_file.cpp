#include "datasets/image_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "datasets/image_header.h"

namespace splitleak::datasets {
namespace {

// While alive, what this process writes to stderr is dropped: the image decoders (libpng) print
// their own complaints there, which the one-line error then says better.
class QuietStderr {
 public:
  QuietStderr() : saved_(::dup(STDERR_FILENO)) {
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) ::dup2(null, STDERR_FILENO), ::close(null);
  }
  ~QuietStderr() {
    if (saved_ >= 0) ::dup2(saved_, STDERR_FILENO), ::close(saved_);
  }
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;

 private:
  int saved_;
};

}  // namespace

Tensor read_image_file(const std::string& path) {
  const std::string bytes = read_image_bytes(path);  // a format decoded here, a size allowed
  cv::Mat img;
  try {
    const QuietStderr quiet;
    img = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data())),
                       cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    throw Error(path + ": cannot decode the image (damaged, or a format OpenCV cannot read)");
  }
  check(!img.empty(), path + ": cannot decode the image (damaged or empty)");
  check(img.depth() == CV_8U || img.depth() == CV_16U, path + ": only 8- and 16-bit images are supported");
  if (img.channels() == 4) cv::cvtColor(img, img, cv::COLOR_BGRA2BGR);
  check(img.channels() == 1 || img.channels() == 3, path + ": expected a grey or colour image");
  const double scale = img.depth() == CV_8U ? 1.0 / 255.0 : 1.0 / 65535.0;
  cv::Mat f;
  img.convertTo(f, CV_32F, scale);
  const int64_t c = f.channels(), h = f.rows, w = f.cols;
  Tensor t = Tensor::empty({c, h, w});
  for (int64_t y = 0; y < h; ++y) {
    const float* row = f.ptr<float>(static_cast<int>(y));
    for (int64_t x = 0; x < w; ++x)
      for (int64_t ch = 0; ch < c; ++ch) t.data()[(ch * h + y) * w + x] = row[x * c + ch];
  }
  return t;
}

}  // namespace splitleak::datasets
