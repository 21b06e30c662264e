#include "core/tensor_bytes.h"

#include <cstring>

#include "core/error.h"

namespace splitleak {
namespace {

constexpr char kMagic[4] = {'S', 'L', 'T', '1'};
constexpr int64_t kMaxRank = 8;

template <typename T>
void append(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

}  // namespace

std::string tensor_to_bytes(const Tensor& t) {
  const Tensor& c = t;  // tensors are contiguous
  std::string out(kMagic, sizeof kMagic);
  append(out, static_cast<uint32_t>(c.dim()));
  for (int64_t s : c.shape()) append(out, s);
  out.append(reinterpret_cast<const char*>(c.data()), static_cast<size_t>(c.numel()) * sizeof(float));
  return out;
}

Tensor tensor_from_bytes(std::string_view bytes, const std::string& what, int64_t max_elements) {
  size_t at = 0;
  auto take = [&](void* dst, size_t n, const char* field) {
    check(bytes.size() - at >= n, what + ": truncated tensor (" + field + ")");
    std::memcpy(dst, bytes.data() + at, n);
    at += n;
  };
  char magic[4];
  take(magic, sizeof magic, "header");
  check(std::memcmp(magic, kMagic, sizeof kMagic) == 0, what + ": not a serialised tensor");
  uint32_t rank = 0;
  take(&rank, sizeof rank, "rank");
  check(rank <= kMaxRank, what + ": tensor rank " + std::to_string(rank) + " is over " + std::to_string(kMaxRank));
  Shape shape(rank);
  int64_t count = 1;
  for (auto& s : shape) {
    take(&s, sizeof s, "sizes");
    check(s >= 0 && (s == 0 || count <= max_elements / s), what + ": tensor sizes are negative or too large");
    count *= s;
  }
  check(bytes.size() - at == static_cast<size_t>(count) * sizeof(float),
        what + ": tensor of " + shape_str(shape) + " needs " + std::to_string(count * 4) + " bytes of values, " +
            std::to_string(bytes.size() - at) + " given");
  Tensor t = Tensor::empty(shape);
  if (count > 0) std::memcpy(t.data(), bytes.data() + at, static_cast<size_t>(count) * sizeof(float));
  return t;
}

}  // namespace splitleak
