#pragma once
// ONNX import (libonnx's protobuf classes): the operator set torchvision's CNN classifiers export
// to at opsets 11-17 becomes a victim graph. Nodes are named after their ONNX output names.
//
// Folded at import, not kept as nodes: Constant, Identity, Dropout, and the integer shape chains
// (Shape, Gather, Unsqueeze, Concat, Cast) that feed a Reshape; the batch dimension stays
// symbolic through them, and a Reshape always keeps the batch dimension first. Sub and Div by a
// constant become Add and Mul. Asymmetric padding of Conv/MaxPool/AveragePool becomes a Pad node
// (-inf for max pooling) before a symmetric op.
//
// Everything else (an op outside the set, an unsupported attribute value, a missing external
// data file, a truncated or non-ONNX file) throws Error naming the file, the node and its op.
#include <string>

#include "victim/graph.h"

namespace splitleak::victim {

// `input_chw` overrides the input's C, H, W (required when the file leaves them symbolic).
Graph import_onnx(const std::string& path, const Shape& input_chw = {});

}  // namespace splitleak::victim
