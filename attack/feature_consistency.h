#pragma once
// The white-box feature-consistency term of the learned inverters (setting `feature_weight`):
// the reconstruction, run through the victim's front partition, should give back the features
// it was made from. The provider serves the model, so the front's weights are in its hands.
#include "core/tensor.h"
#include "victim/graph.h"

namespace splitleak::attack {

class FeatureConsistency {
 public:
  // front: the victim's front partition (copied onto `device`, eval mode); weight > 0.
  FeatureConsistency(const victim::Graph& front, const Device& device, float weight);
  // weight * ‖front(fake) − features‖² / ‖features‖², both sums over the batch: a scalar that
  // differentiates into fake (and not into the front's weights). fake (N, C, H, W) and features
  // (N, feature shape...) on the device.
  Tensor loss(const Tensor& fake, const Tensor& features) const;

 private:
  victim::Graph front_;
  float weight_;
};

}  // namespace splitleak::attack
