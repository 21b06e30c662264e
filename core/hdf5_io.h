#pragma once
// Named float32 tensors in HDF5 files. A name with '/' lives in groups ("params/conv1.weight").
// Writes are atomic: a temporary file beside the target, then rename. Every failure (missing
// file, not HDF5, truncated, missing dataset) throws Error naming the file and the dataset.
#include <map>
#include <string>

#include "core/nn/module.h"

namespace splitleak::h5 {

// Writes (replacing the file) every tensor; string attributes (any length) go on the root group. With
// `compress`, datasets are chunked along dim 0 (about 1 MiB a chunk), deflated and
// Fletcher-32 checksummed, so a damaged chunk fails to read instead of reading wrong.
void write_tensors(const std::string& path, const nn::NamedTensors& tensors,
                   const std::map<std::string, std::string>& attributes = {}, bool compress = false);
// Every float dataset in the file, depth-first in name order.
nn::NamedTensors read_tensors(const std::string& path);
// One dataset.
Tensor read_tensor(const std::string& path, const std::string& name);
// Root-group string attributes.
std::map<std::string, std::string> read_attributes(const std::string& path);

}  // namespace splitleak::h5
