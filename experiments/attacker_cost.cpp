#include "experiments/attacker_cost.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include "attack/attacker.h"
#include "core/memory.h"

namespace splitleak::experiments {
namespace {

// Seconds and peak bytes (above `base`) of one call of `work`.
struct Measured {
  double seconds = 0;
  int64_t bytes = 0;
};
template <typename Work>
Measured measured(const Work& work, int64_t base) {
  reset_tensor_peak();
  const auto t0 = std::chrono::steady_clock::now();
  work();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), peak_tensor_bytes() - base};
}

// `run` measured at batches 1 and 2 after a warm-up at 1 (whose bytes count too: state made on
// the first call stays), extrapolated to `batch`.
template <typename Run>
Measured extrapolated(const Run& run, int64_t batch) {
  const Measured warm = run(1), one = run(1), two = run(2);
  const double at1_bytes = static_cast<double>(std::max(warm.bytes, one.bytes));
  return {extrapolate(one.seconds, two.seconds, batch),
          static_cast<int64_t>(extrapolate(at1_bytes, static_cast<double>(two.bytes), batch))};
}

}  // namespace

std::optional<Iterations> reconstruction_iterations(const AttackerConfig& a) {
  const attack::AttackerTraits& t = attack::attacker_traits(a.kind);
  if (t.iterations_key.empty()) return std::nullopt;
  const auto setting = [&](const std::string& key, int64_t fallback) {
    return a.settings.count(key) ? std::stoll(a.settings.at(key)) : fallback;
  };
  return Iterations{setting(t.iterations_key, t.default_iterations), setting(t.batch_key, t.default_batch)};
}

std::optional<Iterations> reconstruction_iterations(const AttackerConfig& a, int64_t held_out) {
  std::optional<Iterations> iterations = reconstruction_iterations(a);
  if (iterations) iterations->batch = std::min(iterations->batch, held_out);
  return iterations;
}

std::string configuration_key(const AttackerConfig& a) {
  std::string key = a.kind + "|" + std::to_string(a.batch_size);
  for (const auto& [k, v] : a.settings) key += "|" + k + "=" + v;
  return key;
}

double extrapolate(double at1, double at2, int64_t n) {
  const double per_unit = std::max(0.0, at2 - at1), fixed = std::max(0.0, at1 - per_unit);
  return fixed + per_unit * static_cast<double>(n);
}

StepCost measure_attacker(const AttackerConfig& a, const ExperimentConfig& c, const victim::Partition& p,
                          const Shape& feature, const Shape& image, const std::optional<Iterations>& iterations,
                          Generator& gen) {
  Shape fs = feature, is = image;
  fs.insert(fs.begin(), 2), is.insert(is.begin(), 2);
  Tensor f = Tensor::empty(fs), x = Tensor::empty(is);
  init::uniform_(f, 0, 1, gen), init::uniform_(x, 0, 1, gen);
  const int64_t base = live_tensor_bytes();
  reset_tensor_peak();
  std::map<std::string, std::string> settings = a.settings;
  const attack::AttackerTraits& traits = attack::attacker_traits(a.kind);
  if (iterations) settings.insert_or_assign(traits.iterations_key, std::to_string(1));
  auto attacker = attack::make_attacker(a.kind, attack::Config(a.origin.str(), settings, a.origin_texts()),
                                        {feature, image, &p.front, parse_device(c.runtime.attack_device)});
  StepCost cost;
  cost.peak_bytes = peak_tensor_bytes() - base;
  int64_t steps_done = 0;
  if (traits.learns) {
    const Measured step = extrapolated([&](int64_t b) {  // a fit continues from the steps it has done
      attack::FitOptions fit;
      fit.steps = ++steps_done, fit.batch_size = b;
      return measured([&] { attacker->fit(TensorSamples(f), TensorSamples(x), fit); }, base);
    }, a.batch_size);
    cost.fit_step_seconds = step.seconds, cost.peak_bytes = std::max(cost.peak_bytes, step.bytes);
    cost.state_bytes = attacker->state_bytes();
  }
  if (iterations) {
    const Measured iteration = extrapolated(
        [&](int64_t b) { return measured([&] { attacker->reconstruct(f.slice(0, b)); }, base); }, iterations->batch);
    cost.iteration_seconds = iteration.seconds, cost.peak_bytes = std::max(cost.peak_bytes, iteration.bytes);
  }
  return cost;
}

}  // namespace splitleak::experiments
