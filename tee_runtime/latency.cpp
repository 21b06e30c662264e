#include "tee_runtime/latency.h"

#include <algorithm>

#include "core/error.h"
#include "core/parallel.h"
#include "core/tensor_bytes.h"
#include "core/timing.h"

namespace splitleak::tee {
TeeCost measure_tee_latency(const victim::Graph& front, const Tensor& input, int iters, const EnclaveOptions& options,
                            const SgxParameters& sgx) {
  check(iters >= 1, "TEE latency: at least one timed run");
  auto enclave = make_enclave(options);
  const SessionKey key = SessionKey::generate();
  Sealer sealer(key, enclave->load(front));
  enclave->provision(key);
  const std::string plaintext = tensor_to_bytes(input);
  enclave->run(sealer.seal(plaintext));  // warm-up: first-touch allocations, thread start
  std::vector<double> decrypt, compute, out, transport;
  for (int i = 0; i < iters; ++i) {
    const EnclaveTiming t = enclave->run(sealer.seal(plaintext)).timing;
    decrypt.push_back(t.decrypt_ms), compute.push_back(t.compute_ms), out.push_back(t.export_ms);
    transport.push_back(t.transport_ms);
  }
  EnclaveTiming measured;
  measured.decrypt_ms = median(decrypt), measured.compute_ms = median(compute), measured.export_ms = median(out);
  measured.transport_ms = median(transport);
  const int64_t threads = options.threads > 0 ? options.threads : num_threads();  // as the enclave runs
  return sgx_cost(sgx, footprint(front, input.size(0), threads), measured);
}

}  // namespace splitleak::tee
