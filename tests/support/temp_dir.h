#pragma once
// Scratch folders for tests: <tmp>/splitleak_test_<pid>/<name>, emptied on each call.
#include <unistd.h>

#include <filesystem>
#include <string>

namespace splitleak::testing {

inline std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("splitleak_test_" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace splitleak::testing
