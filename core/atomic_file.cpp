#include "core/atomic_file.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace splitleak {

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    check(static_cast<bool>(out), path + ": cannot write (" + tmp + ")");
    out << content;
    out.flush();
    if (!out) {
      out.close();
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw Error(path + ": write failed (disk full?)", Error::Kind::Failure);
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw Error(path + ": cannot replace: " + ec.message(), Error::Kind::Failure);
  }
}

std::string read_file_start(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  check(static_cast<bool>(in), path + ": cannot read");
  std::string out;
  constexpr size_t kChunk = size_t{1} << 20;  // grown as it arrives, never max_bytes up front
  while (out.size() < max_bytes && in) {
    const size_t before = out.size();
    out.resize(before + std::min(kChunk, max_bytes - before));
    in.read(out.data() + before, static_cast<std::streamsize>(out.size() - before));
    out.resize(before + static_cast<size_t>(in.gcount()));
  }
  check(!in.bad(), path + ": read failed");
  return out;
}

std::string read_file(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  const auto too_big = [&](const std::string& size) {
    return path + ": " + size + "more than the " + std::to_string(max_bytes >> 20) + " MiB such a file may hold";
  };
  if (std::filesystem::is_regular_file(path, ec)) {
    const auto bytes = std::filesystem::file_size(path, ec);
    check(ec || bytes <= max_bytes, too_big(std::to_string(bytes >> 20) + " MiB, "));
  }
  std::string out = read_file_start(path, max_bytes + 1);
  check(out.size() <= max_bytes, too_big(""));
  return out;
}

}  // namespace splitleak
