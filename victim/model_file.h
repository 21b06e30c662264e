#pragma once
// splitleak's model serialisations. The HDF5 model file: the graph (as JSON in the root attribute
// "graph", format "splitleak.model/2"; files of format 1 still load, docs/victim-ops.md), every
// weight as dataset "weights/<i>" (names kept in the JSON, since ONNX names may hold '/'), and the
// metadata as root attributes. Written atomically.
#include <string>
#include <string_view>

#include "victim/graph.h"

namespace splitleak::victim {

void save_model(const std::string& path, const Graph& graph);
// Throws Error naming the file and what is wrong (not HDF5, not a splitleak model, truncated,
// a weight missing or mis-shaped).
Graph load_model_file(const std::string& path);

// The graph and its weights as one byte string, canonical: the same graph and weights give the
// same bytes (metadata is left out). "SLMODEL1", u64 length + the graph JSON, then per weight in
// name order u64 length + core/tensor_bytes. What a TEE measures and what crosses into it.
std::string model_to_bytes(const Graph& graph);
// Throws Error prefixed by `what` when the bytes are truncated, malformed or inconsistent.
Graph model_from_bytes(std::string_view bytes, const std::string& what);

}  // namespace splitleak::victim
