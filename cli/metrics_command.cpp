// `splitleak metrics A.png B.png`: SSIM, PSNR and MSE of two images (any format OpenCV reads;
// 8- or 16-bit, grey or colour, alpha dropped) as key=value lines, scaled to [0, 1].
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "attack/metrics.h"
#include "cli/commands.h"
#include "core/error.h"
#include "datasets/image_header.h"

namespace splitleak::cli {
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

// (C, H, W) float32 in [0, 1].
Tensor read_image(const std::string& path) {
  datasets::check_image_size(path);  // before the decoder allocates
  cv::Mat img;
  try {
    const QuietStderr quiet;
    img = cv::imread(path, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    throw Error(path + ": cannot decode the image (damaged, or a format OpenCV cannot read)");
  }
  check(!img.empty(), path + ": cannot read the image (missing or not an image)");
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

int run_metrics(const std::string& a_path, const std::string& b_path) {
  const Tensor a = read_image(a_path), b = read_image(b_path);
  check(a.shape() == b.shape(), "metrics: " + a_path + " is " + shape_str(a.shape()) + " (C, H, W), " + b_path +
                                    " is " + shape_str(b.shape()));
  const double s = attack::ssim(a, b), p = attack::psnr(a, b), m = attack::mse(a, b);
  std::printf("ssim=%.6f\npsnr=%s\nmse=%.8f\n", s, std::isinf(p) ? "inf" : std::to_string(p).c_str(), m);
  return 0;
}

const bool registered = add_command(
    {"metrics", "SSIM (scikit-image's Gaussian 11x11, sigma 1.5), PSNR and MSE of two images",
     [](CLI::App& sub) -> std::function<int()> {
       auto paths = std::make_shared<std::pair<std::string, std::string>>();
       sub.add_option("a", paths->first, "First image")->required();
       sub.add_option("b", paths->second, "Second image")->required();
       return [paths] { return run_metrics(paths->first, paths->second); };
     }});

}  // namespace
}  // namespace splitleak::cli
