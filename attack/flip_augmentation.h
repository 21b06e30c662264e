#pragma once
// Mirrored training pairs for the learned inverters (setting `augment: flip`): in each training
// batch every image is mirrored left-right with probability 1/2, drawn from the step's seed, and
// the batch's features are computed again through the victim's front partition. The provider
// serves the model, so it can compute the features of any image it holds; the auxiliary set's
// size doubles in effect. Meant for data whose mirror images are as likely as the images
// (natural images, Fashion-MNIST), not for TON_IoT records rendered as images.
#include <utility>

#include "core/tensor.h"
#include "victim/graph.h"

namespace splitleak::attack {

class FlipAugmentation {
 public:
  // front: the victim's front partition (copied onto `device`).
  FlipAugmentation(const victim::Graph& front, const Device& device);
  // images (N, C, H, W) on the host. Returns (features, images) on the device: the images with
  // the drawn ones mirrored, and the front's features of them (a random defence at the front's
  // output drawing from `seed` too: the attacker knows the defence, not the enclave's draws).
  std::pair<Tensor, Tensor> apply(const Tensor& images, uint64_t seed) const;

 private:
  victim::Graph front_;
  Device device_;
};

// images (N, C, H, W) on the host with image n mirrored left-right where flip[n].
Tensor mirror_rows(const Tensor& images, const std::vector<bool>& flip);

}  // namespace splitleak::attack
