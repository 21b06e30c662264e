#pragma once
// Resolves a MODEL argument (docs/design.md): a zoo spec ("vgg16:width=0.25,input=1x32x32"), an
// .onnx file or a splitleak .h5 model file.
#include <string>

#include "victim/graph.h"

namespace splitleak::victim {

// `input_chw` (may be empty) overrides the input shape. Throws Error saying what MODEL is not.
// A file's weights holding NaN or infinity are warned about, or refused (core/finite.h).
Graph load_model(const std::string& model, const Shape& input_chw = {});
// Warns about (or refuses, under --strict-inputs) every weight of `g` holding NaN or infinity,
// naming `source` (the file) and the weight.
void check_finite_weights(const Graph& g, const std::string& source);

}  // namespace splitleak::victim
