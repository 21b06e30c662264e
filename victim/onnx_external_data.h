#pragma once
// ONNX external data (onnx/docs/ExternalData.md): an initializer whose bytes live in another file,
// named by the records `location`, `offset` and `length` (and `checksum`, not checked). A model
// file is outside input, so its records are too:
//   - `location` must be relative, and resolve, links followed, to a regular file inside the
//     model's folder (an absolute path, `..` or a link that leaves the folder is refused: a
//     crafted model must not read /etc/shadow into its weights);
//   - `offset` and `length` are unsigned decimal integers, each given at most once, and the range
//     they name must lie inside the file, checked without overflow;
//   - the range must hold exactly the bytes the initializer's shape needs, checked before
//     anything is allocated.
// Every refusal is an Error (bad input) naming the model and the initializer.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace splitleak::victim {

struct ExternalData {
  std::string location;
  uint64_t offset = 0;
  bool has_length = false;
  uint64_t length = 0;
};

// `records` are the (key, value) pairs of TensorProto.external_data; `where` names the model and
// the initializer in messages ("model.onnx: initializer 'w'").
ExternalData parse_external_data(const std::vector<std::pair<std::string, std::string>>& records,
                                 const std::string& where);

// The `expected_bytes` the initializer's shape and type need, from the file named by `data`
// relative to `model_dir`.
std::string read_external_data(const std::filesystem::path& model_dir, const ExternalData& data,
                               uint64_t expected_bytes, const std::string& where);

}  // namespace splitleak::victim
