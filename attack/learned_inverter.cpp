#include "attack/learned_inverter.h"

#include <cmath>

#include "core/random.h"

namespace splitleak::attack {

std::vector<int64_t> batch_indices(int64_t n, int64_t batch, uint64_t seed, int64_t step) {
  Generator gen(seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(step) * 0xBF58476D1CE4E5B9ull + 1);
  std::vector<int64_t> idx(static_cast<size_t>(std::min(batch, n)));
  for (auto& i : idx) i = static_cast<int64_t>(gen.below(static_cast<uint64_t>(n)));
  return idx;
}

uint64_t step_seed(uint64_t seed, int64_t step) {
  return seed * 0xD1B54A32D192ED03ull + static_cast<uint64_t>(step) * 0x9E3779B97F4A7C15ull + 7;
}

optim::LrSchedule decaying_schedule(double lr, double decay_fraction, int64_t steps) {
  optim::LrSchedule s;
  s.base_lr = static_cast<float>(lr);
  s.kind = optim::LrSchedule::Kind::LinearDecay;
  s.decay_steps = static_cast<int64_t>(std::llround(decay_fraction * static_cast<double>(steps)));
  s.constant_steps = steps - s.decay_steps;
  return s;
}

}  // namespace splitleak::attack
