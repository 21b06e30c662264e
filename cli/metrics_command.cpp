// `splitleak metrics A.png B.png`: SSIM, PSNR and MSE of two images (any format OpenCV reads;
// 8- or 16-bit, grey or colour, alpha dropped) as key=value lines, scaled to [0, 1].
#include <cmath>
#include <cstdio>

#include "attack/metrics.h"
#include "cli/commands.h"
#include "core/error.h"
#include "datasets/image_file.h"

namespace splitleak::cli {
namespace {

int run_metrics(const std::string& a_path, const std::string& b_path) {
  const Tensor a = datasets::read_image_file(a_path), b = datasets::read_image_file(b_path);
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
