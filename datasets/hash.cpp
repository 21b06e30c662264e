#include "datasets/hash.h"

#include <sodium.h>

#include <cstdint>

#include "core/error.h"

namespace splitleak::datasets {
namespace {

class Hasher {
 public:
  Hasher() {
    check(sodium_init() >= 0, "libsodium failed to initialise");
    crypto_generichash_init(&state_, nullptr, 0, kBytes);
  }
  void add(const void* data, size_t bytes) {
    crypto_generichash_update(&state_, static_cast<const unsigned char*>(data), bytes);
  }
  void add_u64(uint64_t v) { add(&v, sizeof v); }
  std::string hex() {
    unsigned char out[kBytes];
    crypto_generichash_final(&state_, out, kBytes);
    char text[2 * kBytes + 1];
    sodium_bin2hex(text, sizeof text, out, kBytes);
    return text;
  }

 private:
  static constexpr size_t kBytes = 16;
  crypto_generichash_state state_;
};

}  // namespace

std::string hash_tensor(const Tensor& t) {
  Hasher h;
  h.add_u64(static_cast<uint64_t>(t.dim()));
  for (int64_t d : t.shape()) h.add_u64(static_cast<uint64_t>(d));
  h.add(t.data(), static_cast<size_t>(t.numel()) * sizeof(float));
  return h.hex();
}

std::string hash_samples(const Samples& samples) {
  Hasher h;
  const Shape row = samples.row_shape();
  h.add_u64(static_cast<uint64_t>(row.size() + 1));
  h.add_u64(static_cast<uint64_t>(samples.size()));
  for (int64_t d : row) h.add_u64(static_cast<uint64_t>(d));
  for_each_batch(samples, 256, [&](int64_t, const Tensor& rows) {
    h.add(rows.data(), static_cast<size_t>(rows.numel()) * sizeof(float));
  });
  return h.hex();
}

std::string hash_strings(const std::vector<std::string>& parts) {
  Hasher h;
  for (const std::string& p : parts) {
    h.add_u64(p.size());
    h.add(p.data(), p.size());
  }
  return h.hex();
}

}  // namespace splitleak::datasets
