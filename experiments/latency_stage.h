#pragma once
// The latency stage of a run: each split's time (the front where the TEE runs it, the feature
// map over the link, the back where the GPU runs it) and the two references, the whole model in
// the TEE and the whole model on the GPU without a TEE. The GPU side is the CPU engine with the
// link modelled, an OpenCL device (profiled), or the roofline model (runtime.gpu.backend).
#include <string>

#include "experiments/experiment.h"
#include "experiments/results.h"
#include "tee_runtime/enclave.h"
#include "victim/partition.h"

namespace splitleak::experiments {

struct LatencySetup {
  Tensor input;                     // the batch timed (runtime.latency_batch held-out images)
  tee::EnclaveOptions tee_options;  // runtime.tee
  std::string gpu_description;      // where the GPU side's time comes from, as results name it
};

LatencySetup latency_setup(const ExperimentConfig& config, const Tensor& held_out_images);

// The split at partition `p`.
Latency split_latency(const ExperimentConfig& config, const victim::Partition& p, const LatencySetup& setup);

// Assigns results.full_tee, full_tee_ms, no_tee_ms and gpu_backend for the whole victim.
void whole_model_latency(const ExperimentConfig& config, const victim::Graph& victim, const LatencySetup& setup,
                         RunResults& results);

}  // namespace splitleak::experiments
