#pragma once
// Resolves a MODEL argument (docs/design.md): a zoo spec ("vgg16:width=0.25,input=1x32x32"), an
// .onnx file or a splitleak .h5 model file.
#include <string>

#include "victim/graph.h"

namespace splitleak::victim {

// `input_chw` (may be empty) overrides the input shape. Throws Error saying what MODEL is not.
Graph load_model(const std::string& model, const Shape& input_chw = {});

}  // namespace splitleak::victim
