#pragma once
// Seeded random numbers with distributions written here (not <random>'s, whose output differs
// between standard libraries), so the same seed gives the same tensors everywhere.
#include <cstdint>
#include <random>

#include "core/tensor.h"

namespace splitleak {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : engine_(seed) {}
  uint64_t next_u64() { return engine_(); }
  float uniform();                 // [0, 1) with 24 random bits
  double normal();                 // standard normal, Box-Muller
  uint64_t below(uint64_t bound);  // uniform integer in [0, bound)

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// A seed for item `index` of a stream seeded with `seed`: splitmix64's finaliser of
// seed + (index + 1) * 0x9E3779B97F4A7C15, so neighbouring indices give unrelated generators.
uint64_t derive_seed(uint64_t seed, uint64_t index);

namespace init {

enum class FanMode { FanIn, FanOut };

// Fan-in and fan-out of a weight shaped (out, in, kh, kw) or (out, in), as torch computes them.
std::pair<int64_t, int64_t> fans(const Shape& weight_shape);

void uniform_(Tensor& t, float low, float high, Generator& gen);
void normal_(Tensor& t, float mean, float std, Generator& gen);
// torch.nn.init.xavier_uniform_ / xavier_normal_.
void xavier_uniform_(Tensor& t, Generator& gen, float gain = 1.0f);
void xavier_normal_(Tensor& t, Generator& gen, float gain = 1.0f);
// torch.nn.init.kaiming_uniform_ / kaiming_normal_ with the leaky_relu gain sqrt(2 / (1 + a^2)).
void kaiming_uniform_(Tensor& t, Generator& gen, float a = 0.0f, FanMode mode = FanMode::FanIn);
void kaiming_normal_(Tensor& t, Generator& gen, float a = 0.0f, FanMode mode = FanMode::FanIn);

}  // namespace init
}  // namespace splitleak
