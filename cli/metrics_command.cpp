// `splitleak metrics A.png B.png`: SSIM, PSNR and MSE of two images (any format OpenCV reads;
// 8- or 16-bit, grey or colour, alpha dropped) as key=value lines, scaled to [0, 1].
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>

#include "attack/metrics.h"
#include "cli/commands.h"
#include "core/error.h"

namespace splitleak::cli {
namespace {

// (C, H, W) float32 in [0, 1].
Tensor read_image(const std::string& path) {
  cv::Mat img = cv::imread(path, cv::IMREAD_UNCHANGED);
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
