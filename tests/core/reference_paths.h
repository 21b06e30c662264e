#pragma once
// Where the reference fixture (ctest's torch_reference test) leaves its files.
#include <string>

namespace splitleak::testing {
inline std::string reference_file(const std::string& name) { return std::string(SPLITLEAK_REFERENCE_DIR) + "/" + name; }
}  // namespace splitleak::testing
