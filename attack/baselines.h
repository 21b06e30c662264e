#pragma once
// Reconstructions that need no feature map, scored beside the attackers as reference lines (never
// counted as attackers): `mean`, what knowing the data set gives, and `prior`, what the label
// alone gives (the GPU side sees the model's output, so it knows the predicted class).
#include <cstdint>
#include <vector>

#include "core/samples.h"

namespace splitleak::attack {

// Both read the auxiliary images (rows of (C, H, W)) once, a batch at a time, and sum them in
// double in row order.

// The mean auxiliary image repeated `count` times: (count, C, H, W).
Tensor mean_image_baseline(const Samples& aux_images, int64_t count);

// Per target, the mean of the auxiliary images the victim assigns the class it assigns the target
// (target_classes[i]); the mean auxiliary image where no auxiliary image has that class.
// aux_classes has one entry per auxiliary image.
Tensor class_prior_baseline(const Samples& aux_images, const std::vector<int64_t>& aux_classes,
                            const std::vector<int64_t>& target_classes);

}  // namespace splitleak::attack
