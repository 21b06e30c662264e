#include "attack/feature_condition.h"

#include <algorithm>

#include "attack/inversion_generator.h"
#include "core/error.h"
#include "core/nn/layers.h"
#include "core/ops.h"

namespace splitleak::attack {
namespace {

std::shared_ptr<nn::Functional> resize_to(int64_t h, int64_t w) {
  return std::make_shared<nn::Functional>("Resize", [h, w](const Tensor& x) {
    return x.size(2) == h && x.size(3) == w ? x : ops::upsample_bilinear(x, h, w);
  });
}

}  // namespace

FeatureCondition make_feature_condition(const Shape& f, const Shape& image, Generator& gen) {
  check((f.size() == 3 || f.size() == 1) && image.size() == 3,
        "feature condition: features must be (C, h, w) or (D), images (C, H, W)");
  const int64_t H = image[1], W = image[2];
  if (f.size() == 3 && f[1] == H && f[2] == W) return {nullptr, f[0]};
  auto seq = std::make_shared<nn::Sequential>();
  int64_t channels = f[0];
  if (f.size() == 1) {
    const int64_t s = flat_projection_side(std::max(H, W)), c = kConditionChannels / 4;
    seq->add(std::make_shared<nn::Linear>(f[0], c * s * s, true, gen));
    seq->add(std::make_shared<nn::Functional>("Unflatten",
                                              [=](const Tensor& x) { return ops::reshape(x, {x.size(0), c, s, s}); }));
    channels = c;
  } else if (f[0] > kConditionChannels) {
    seq->add(std::make_shared<nn::Conv2d>(f[0], kConditionChannels, 1, ops::Conv2dOptions{}, true, gen));
    channels = kConditionChannels;
  }
  seq->add(resize_to(H, W));
  return {seq, channels};
}

}  // namespace splitleak::attack
