#pragma once
// The TEE's time for a front partition: a session on the chosen backend, `iters` timed runs of
// sealed copies of `input` after one warm-up, the median of each measured part, and the SGX cost
// model's parts on top.
#include "tee_runtime/cost_model.h"
#include "tee_runtime/enclave.h"

namespace splitleak::tee {

TeeCost measure_tee_latency(const victim::Graph& front, const Tensor& input, int iters, const EnclaveOptions& options,
                            const SgxParameters& sgx);

}  // namespace splitleak::tee
