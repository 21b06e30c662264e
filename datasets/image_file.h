#pragma once
// One image file as `splitleak metrics` reads it: PNG, JPEG, BMP, PNM or WebP, 8- or 16-bit, grey or
// colour (alpha dropped).
#include <string>

#include "core/tensor.h"

namespace splitleak::datasets {

// (C, H, W) float32 in [0, 1], C = 1 or 3. The header's size is checked before the decoder
// allocates (image_header.h); the decoders' own complaints are kept off stderr; every refusal is
// an Error naming the file.
Tensor read_image_file(const std::string& path);

}  // namespace splitleak::datasets
