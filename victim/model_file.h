#pragma once
// splitleak's HDF5 model file: the graph (as JSON in the root attribute "graph", format
// "splitleak.model/1"), every weight as dataset "weights/<i>" (names kept in the JSON, since
// ONNX names may hold '/'), and the metadata as root attributes. Written atomically.
#include <string>

#include "victim/graph.h"

namespace splitleak::victim {

void save_model(const std::string& path, const Graph& graph);
// Throws Error naming the file and what is wrong (not HDF5, not a splitleak model, truncated,
// a weight missing or mis-shaped).
Graph load_model_file(const std::string& path);

}  // namespace splitleak::victim
