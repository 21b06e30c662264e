#include "datasets/idx.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <memory>

#include "core/error.h"
#include "core/input_file.h"

namespace splitleak::datasets {

Idx read_idx(const std::string& path, int rank, const char* what) {
  std::error_code ec;
  check(std::filesystem::exists(path, ec), "Fashion-MNIST file not found: " + shown(path, 200) +
                                               " (install the Debian package dataset-fashion-mnist or set the dataset path)");
  require_input_file(path);  // a FIFO would block gzopen
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  check(file != nullptr, path + ": cannot open");
  auto read_exact = [&](void* dst, size_t bytes) {
    size_t done = 0;
    while (done < bytes) {
      const unsigned chunk = static_cast<unsigned>(std::min<size_t>(bytes - done, 1u << 30));
      const int got = gzread(file.get(), static_cast<char*>(dst) + done, chunk);
      if (got <= 0) break;
      done += static_cast<size_t>(got);
    }
    return done;
  };
  std::array<uint8_t, 4> magic{};
  check(read_exact(magic.data(), 4) == 4, path + ": empty or not an IDX file");
  check(magic[0] == 0 && magic[1] == 0 && magic[2] == 0x08 && magic[3] == rank,
        path + ": not an IDX file of unsigned bytes with " + std::to_string(rank) + " dimensions");
  Idx idx;
  int64_t total = 1;
  for (int d = 0; d < rank; ++d) {
    std::array<uint8_t, 4> b{};
    check(read_exact(b.data(), 4) == 4, path + ": truncated IDX header");
    const int64_t dim = (int64_t{b[0]} << 24) | (int64_t{b[1]} << 16) | (int64_t{b[2]} << 8) | b[3];
    check(dim > 0 && dim < (int64_t{1} << 24), path + ": implausible IDX dimension " + std::to_string(dim));
    check(total <= kMaxIdxBytes / dim, path + ": the IDX header announces more than " +
                                           std::to_string(kMaxIdxBytes) + " bytes");
    idx.dims.push_back(dim);
    total *= dim;
  }
  constexpr size_t kChunk = size_t{1} << 20;
  size_t got = 0;
  while (got < static_cast<size_t>(total)) {
    idx.data.resize(std::min(static_cast<size_t>(total), got + kChunk));
    const size_t want = idx.data.size() - got, read = read_exact(idx.data.data() + got, want);
    got += read;
    if (read < want) break;
  }
  const int64_t per_record = total / idx.dims[0];
  check(got == static_cast<size_t>(total), path + ": truncated: " + std::string(what) + " " +
                                               std::to_string(static_cast<int64_t>(got) / per_record) + " of " +
                                               std::to_string(idx.dims[0]) + " is incomplete");
  return idx;
}

}  // namespace splitleak::datasets
