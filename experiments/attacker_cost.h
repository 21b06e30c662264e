#pragma once
// What one attacker configuration costs per step, measured on random features and images of the
// first cut's shapes: the seconds of a fit step and of a reconstruction iteration (the dry run's
// time estimate) and the host tensor bytes its networks, optimiser state and step hold at once
// (the run's memory estimate, experiments/memory_estimate.h).
#include <cstdint>
#include <optional>
#include <string>

#include "core/random.h"
#include "core/tensor.h"
#include "experiments/experiment.h"
#include "victim/partition.h"

namespace splitleak::experiments {

// An attacker's iteration count and batch when its reconstruction optimises each batch (rmle,
// hybrid, gan_prior: AttackerTraits), from its settings or their defaults; nullopt otherwise.
struct Iterations {
  int64_t count = 0, batch = 0;
};
std::optional<Iterations> reconstruction_iterations(const AttackerConfig& a);
// reconstruction_iterations with the batch capped at `held_out`, the images there are to attack.
std::optional<Iterations> reconstruction_iterations(const AttackerConfig& a, int64_t held_out);

// What identifies an attacker configuration for measuring (kind, batch and every setting):
// entries with the same key cost the same and are measured once.
std::string configuration_key(const AttackerConfig& a);

// fixed + per_unit * n for a cost measured at 1 and 2 units (per_unit = at2 - at1 and fixed =
// at1 - per_unit, neither below 0).
double extrapolate(double at1, double at2, int64_t n);

struct StepCost {
  double fit_step_seconds = 0;  // one fit step at the entry's batch_size (learned attackers)
  double iteration_seconds = 0;  // one iteration over a batch of iterations->batch (iterative ones)
  // The most host tensor bytes alive at once from building the attacker through its step or
  // iteration, above what was alive before: weights, optimiser state and one step's tensors.
  int64_t peak_bytes = 0;
  int64_t state_bytes = 0;  // what one checkpoint of it holds (attack::Attacker::state_bytes)
};

// Builds attacker `a` for partition `p` (feature and image: one row's shapes) and runs its fit
// step and its reconstruction iteration at batches 1 and 2 after an untimed warm-up; seconds and
// bytes are extrapolated linearly to the configured batches (a fixed part plus a part per image).
// `iterations` as reconstruction_iterations gives, its batch possibly capped.
StepCost measure_attacker(const AttackerConfig& a, const ExperimentConfig& c, const victim::Partition& p,
                          const Shape& feature, const Shape& image, const std::optional<Iterations>& iterations,
                          Generator& gen);

}  // namespace splitleak::experiments
