#pragma once
// What the c-GAN's discriminator sees of a feature map: the map brought to the image's size by
// the discriminator's own layers (trained with its loss, never the generator's).
//   (C, H, W), image-sized: the map as it is — pix2pix, whose discriminator sees its input A.
//   (C, h, w), smaller:     C <= kConditionChannels: the map resized bilinearly; more channels:
//                           a 1x1 conv to kConditionChannels first.
//   (D):                    a linear layer to kConditionChannels/4 x s x s (s =
//                           flat_projection_side, as the generator's stem), resized bilinearly.
#include <memory>

#include "core/nn/module.h"
#include "core/random.h"

namespace splitleak::attack {

inline constexpr int64_t kConditionChannels = 64;

struct FeatureCondition {
  std::shared_ptr<nn::Module> module;  // null: the map as it is
  int64_t channels = 0;                // of its output (N, channels, H, W)
};

// feature_shape (C, h, w) or (D); image_shape (C, H, W).
FeatureCondition make_feature_condition(const Shape& feature_shape, const Shape& image_shape, Generator& gen);

}  // namespace splitleak::attack
