#include "attack/feature_consistency.h"

#include <algorithm>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"
#include "victim/defence.h"
#include "victim/execute.h"

namespace splitleak::attack {

FeatureConsistency::FeatureConsistency(const victim::Graph& front, const Device& device, float weight)
    : front_(victim::expected_front(front)), weight_(weight) {
  check(weight > 0, "feature_weight must be positive");
  for (auto& [name, t] : front_.tensors) t = t.detach().to(device);  // constants: no gradient
}

Tensor FeatureConsistency::loss(const Tensor& fake, const Tensor& features) const {
  const Tensor seen = victim::run(front_, fake);
  check(seen.shape() == features.shape(), "feature_weight: the front partition gives " + shape_str(seen.shape()) +
                                              " for features of " + shape_str(features.shape()));
  double energy = 0;
  {
    autograd::NoGradGuard no_grad;
    energy = static_cast<double>(ops::mse_loss(features, Tensor::zeros(features.shape(), features.device())).item());
  }
  const float scale = weight_ / static_cast<float>(std::max(energy, 1e-12));
  return ops::mul_scalar(ops::mse_loss(seen, features.detach()), scale);
}

}  // namespace splitleak::attack
