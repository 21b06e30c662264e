#include "core/tensor_bytes.h"

#include "core/byte_stream.h"
#include "core/error.h"

namespace splitleak {
namespace {

constexpr char kMagic[4] = {'S', 'L', 'T', '1'};
constexpr int64_t kMaxRank = 8;

}  // namespace

std::string tensor_to_bytes(const Tensor& t) {
  const Tensor c = t.to(Device{});  // contiguous; a device tensor is downloaded
  std::string out(kMagic, sizeof kMagic);
  append_value(out, static_cast<uint32_t>(c.dim()));
  for (int64_t s : c.shape()) append_value(out, s);
  out.append(reinterpret_cast<const char*>(c.data()), static_cast<size_t>(c.numel()) * sizeof(float));
  return out;
}

Tensor tensor_from_bytes(std::string_view bytes, const std::string& what, int64_t max_elements) {
  ByteReader in(bytes, what + ": truncated tensor");
  check(in.take(sizeof kMagic, "header") == std::string_view(kMagic, sizeof kMagic), what + ": not a serialised tensor");
  const auto rank = in.read<uint32_t>("rank");
  check(rank <= kMaxRank, what + ": tensor rank " + std::to_string(rank) + " is over " + std::to_string(kMaxRank));
  Shape shape(rank);
  int64_t count = 1;
  for (auto& s : shape) {
    s = in.read<int64_t>("sizes");
    check(s >= 0 && (s == 0 || count <= max_elements / s), what + ": tensor sizes are negative or too large");
    count *= s;
  }
  check(in.remaining() == static_cast<size_t>(count) * sizeof(float),
        what + ": tensor of " + shape_str(shape) + " needs " + std::to_string(count * 4) + " bytes of values, " +
            std::to_string(in.remaining()) + " given");
  Tensor t = Tensor::empty(shape);
  in.read(t.data(), static_cast<size_t>(count) * sizeof(float), "values");
  return t;
}

}  // namespace splitleak
