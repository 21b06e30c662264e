// The example of docs/attackers.md: an attacker that needs no training. It averages the feature
// map over its channels, stretches each map to [0, 1] and resizes it to the image size
// (bilinear), replicated over the image channels. A weak baseline, and the smallest complete
// attacker: settings read through Config, a factory registered under a name.
#include <algorithm>

#include "attack/attacker.h"
#include "attack/attacker_checkpoint.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"

namespace example {

using namespace splitleak;

class MeanUpsampleAttacker : public attack::Attacker {
 public:
  MeanUpsampleAttacker(const attack::Config& config, const attack::AttackContext& context)
      : image_shape_(context.image_shape), bilinear_(config.get_bool("bilinear", true)) {
    check(context.feature_shape.size() == 3, "mean_upsample: needs (C, h, w) feature maps");
  }

  std::string kind() const override { return "mean_upsample"; }

  // Nothing to learn.
  void fit(const Samples&, const Samples&, const attack::FitOptions&) override {}
  // Nothing learned either: the file only records the kind, which load checks.
  void save(const std::string& path) const override { attack::write_attacker_checkpoint(path, kind(), 0, {}); }
  void load(const std::string& path) override { attack::read_attacker_checkpoint(path, kind(), {}); }

  Tensor reconstruct(const Tensor& features) override {
    autograd::NoGradGuard no_grad;
    const int64_t n = features.size(0), c = features.size(1), plane = features.size(2) * features.size(3);
    Tensor mean = Tensor::zeros({n, 1, features.size(2), features.size(3)});
    for (int64_t i = 0; i < n; ++i) {
      float* m = mean.data() + i * plane;
      for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t p = 0; p < plane; ++p) m[p] += features.data()[(i * c + ch) * plane + p] / static_cast<float>(c);
      const auto [lo, hi] = std::minmax_element(m, m + plane);
      const float low = *lo, span = std::max(*hi - *lo, 1e-12f);
      for (int64_t p = 0; p < plane; ++p) m[p] = (m[p] - low) / span;
    }
    const Tensor resized = bilinear_ ? ops::upsample_bilinear(mean, image_shape_[1], image_shape_[2])
                                     : ops::upsample_nearest(mean, image_shape_[1], image_shape_[2]);
    Tensor out = Tensor::empty({n, image_shape_[0], image_shape_[1], image_shape_[2]});
    const int64_t image_plane = image_shape_[1] * image_shape_[2];
    for (int64_t i = 0; i < n; ++i)
      for (int64_t ch = 0; ch < image_shape_[0]; ++ch)
        std::copy(resized.data() + i * image_plane, resized.data() + (i + 1) * image_plane,
                  out.data() + (i * image_shape_[0] + ch) * image_plane);
    return out;
  }

 private:
  Shape image_shape_;
  bool bilinear_;
};

// Registration: call once before make_attacker("mean_upsample", ...) (an experiment runner calls
// its plug-ins' registration functions at start-up). It learns nothing: no restarts, no
// validation curve.
bool register_mean_upsample() {
  attack::AttackerTraits traits;
  traits.learns = false;
  return attack::register_attacker(
      "mean_upsample",
      [](const attack::Config& c, const attack::AttackContext& ctx) { return std::make_unique<MeanUpsampleAttacker>(c, ctx); },
      traits);
}

}  // namespace example
