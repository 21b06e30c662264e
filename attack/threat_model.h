#pragma once
// What the attacker's auxiliary data is (He et al. 2019's settings):
//   same      the very inputs whose feature maps are attacked (an upper bound)
//   disjoint  other inputs of the same distribution (the default)
//   noise     uniform random images (an attacker without data: query-free)
#include <string>

#include "core/samples.h"
#include "core/tensor.h"

namespace splitleak::attack {

enum class AuxData { Same, Disjoint, Noise };

// Parses "same", "disjoint" or "noise"; throws Error naming the text otherwise.
AuxData parse_aux_data(const std::string& text);
const char* aux_data_name(AuxData setting);

// The auxiliary images, `count` rows of (C, H, W): for Same the first `count` of `targets`
// (cycled; rows of the targets, nothing copied), for Disjoint the first `count` of `pool` (which
// must not overlap the targets and hold enough images; read from it on demand), for Noise seeded
// uniform [0, 1) images shaped like the targets (drawn row by row when read, none held).
SamplesPtr auxiliary_images(AuxData setting, const Tensor& targets, SamplesPtr pool, int64_t count, uint64_t seed);

}  // namespace splitleak::attack
