#pragma once
// The devices a run computes on, opened before any work (in `run` and in `--dry-run`), so that a
// device that is missing or fails to open is refused at once, naming the key that asked for it,
// not after hours of training.
#include <string>
#include <vector>

#include "experiments/experiment.h"

namespace splitleak::experiments {

// Opens runtime.gpu.device when the back partition is timed on OpenCL (gpu.backend: opencl) and
// runtime.attack.device when it is an OpenCL device (this rank's, under MPI). Returns one line per
// device opened ("runtime.gpu.device opencl:0:0: <name>"); Error (bad input) naming the key's file
// and line when one cannot be opened.
std::vector<std::string> open_run_devices(const ExperimentConfig& config);

}  // namespace splitleak::experiments
