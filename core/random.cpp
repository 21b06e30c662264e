#include "core/random.h"

#include <cmath>

#include "core/error.h"

namespace splitleak {

float Generator::uniform() { return static_cast<float>(engine_() >> 40) * (1.0f / 16777216.0f); }

double Generator::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // u1 in (0, 1] so the log is finite.
  const double u1 = (static_cast<double>(engine_() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
  const double u2 = static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0);
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * 3.14159265358979323846 * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

uint64_t Generator::below(uint64_t bound) {
  check(bound > 0, "Generator::below needs a positive bound");
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t x;
  do x = engine_();
  while (x >= limit);
  return x % bound;
}

uint64_t derive_seed(uint64_t seed, uint64_t index) {
  uint64_t z = seed + (index + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

namespace init {

std::pair<int64_t, int64_t> fans(const Shape& s) {
  check(s.size() >= 2, "fan computation needs a weight with at least 2 dims, got " + shape_str(s));
  int64_t receptive = 1;
  for (size_t i = 2; i < s.size(); ++i) receptive *= s[i];
  return {s[1] * receptive, s[0] * receptive};
}

void uniform_(Tensor& t, float low, float high, Generator& gen) {
  float* p = t.data();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = low + (high - low) * gen.uniform();
}

void normal_(Tensor& t, float mean, float std, Generator& gen) {
  float* p = t.data();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<float>(mean + std * gen.normal());
}

void xavier_uniform_(Tensor& t, Generator& gen, float gain) {
  auto [fan_in, fan_out] = fans(t.shape());
  const float bound = gain * std::sqrt(6.0f / static_cast<float>(fan_in + fan_out));
  uniform_(t, -bound, bound, gen);
}

void xavier_normal_(Tensor& t, Generator& gen, float gain) {
  auto [fan_in, fan_out] = fans(t.shape());
  normal_(t, 0.0f, gain * std::sqrt(2.0f / static_cast<float>(fan_in + fan_out)), gen);
}

namespace {
float kaiming_std(const Tensor& t, float a, FanMode mode) {
  auto [fan_in, fan_out] = fans(t.shape());
  const float fan = static_cast<float>(mode == FanMode::FanIn ? fan_in : fan_out);
  const float gain = std::sqrt(2.0f / (1.0f + a * a));
  return gain / std::sqrt(fan);
}
}  // namespace

void kaiming_uniform_(Tensor& t, Generator& gen, float a, FanMode mode) {
  const float bound = std::sqrt(3.0f) * kaiming_std(t, a, mode);
  uniform_(t, -bound, bound, gen);
}

void kaiming_normal_(Tensor& t, Generator& gen, float a, FanMode mode) { normal_(t, 0.0f, kaiming_std(t, a, mode), gen); }

}  // namespace init
}  // namespace splitleak
