#pragma once
// Where the reference fixture (ctest's torch_reference test) leaves its files.
#include <map>
#include <string>

#include "core/hdf5_io.h"

namespace splitleak::testing {
inline std::string reference_file(const std::string& name) { return std::string(SPLITLEAK_REFERENCE_DIR) + "/" + name; }

// Every tensor of the reference file `name`, by its HDF5 path.
inline std::map<std::string, Tensor> reference_tensors(const std::string& name) {
  std::map<std::string, Tensor> out;
  for (auto& [path, t] : h5::read_tensors(reference_file(name))) out[path] = t;
  return out;
}
}  // namespace splitleak::testing
