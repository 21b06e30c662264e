#pragma once
// The SGX cost model: what running a front partition inside an SGX enclave adds to the time
// measured here, which has no SGX. Measured parts (decrypt, compute, export, transport) come
// from the enclave backend; modelled parts are computed from the partition's memory footprint
// and SgxParameters, whose defaults and sources are in docs/tee.md.
#include <cstdint>
#include <string>

#include "tee_runtime/enclave.h"
#include "victim/graph.h"

namespace splitleak::tee {

struct SgxParameters {
  std::string generation = "sgx1";     // sgx1 | sgx2 (documentation only: the numbers below decide)
  double epc_usable_mib = 93;          // SGX1: 128 MiB reserved, ~93 MiB usable for enclave pages
  double cpu_ghz = 3.0;                // converts the cycle counts below to time
  double ecall_cycles = 20000;         // one enclave entry and exit (EENTER + EEXIT)
  double ocall_cycles = 20000;         // one call out of the enclave and back (EEXIT + EENTER)
  double page_swap_cycles = 40000;     // one 4 KiB EPC page evicted (EWB) and another loaded (ELDU), with the exits
  double memory_encryption_factor = 1.15;  // compute slowdown from the memory encryption engine
  int64_t ecalls_per_run = 1;          // the run call
  int64_t ocalls_per_run = 2;          // receive the sealed input, send the feature map
  // With T > 1 engine threads, each layer ends in a barrier where T - 1 threads wait; an SGX
  // runtime parks a waiting thread outside the enclave and wakes it from outside: 2 OCALLs per
  // waiting thread per layer.
  double sync_ocalls_per_thread_per_layer = 2;
};

// Presets: "sgx1" (the defaults) and "sgx2" (EPC 64 GiB, as on 3rd-generation Xeon Scalable
// parts with 512 GiB per socket configured to 64 GiB); Error for others.
SgxParameters sgx_preset(const std::string& name);

// The enclave's memory at a batch size and thread count: the partition's weights, plus (an
// approximation stated in docs/tee.md) the input and the two largest activations held at once,
// times the batch; and what one run's sweep over the layers touches anew, layer by layer (each
// layer's weights and its output, times the batch: its input was just written).
struct Footprint {
  int64_t weight_bytes = 0, activation_bytes = 0;
  int64_t sweep_bytes = 0;  // summed over the layers
  int64_t layers = 0;       // the nodes that compute (all but the input)
  int64_t threads = 1;      // engine threads inside the enclave
  int64_t working_set_bytes() const { return weight_bytes + activation_bytes; }
};
Footprint footprint(const victim::Graph& front, int64_t batch, int64_t threads = 1);

struct TeeCost {
  EnclaveTiming measured;
  double transition_ms = 0;         // modelled: ECALLs and OCALLs, the threads' sync OCALLs included
  double paging_ms = 0;             // modelled: EPC pages swapped per run
  double memory_encryption_ms = 0;  // modelled: compute_ms x (factor - 1)
  int64_t working_set_bytes = 0, epc_bytes = 0, pages_swapped = 0;
  int64_t sync_ocalls = 0;  // of the transitions: the threads' barrier OCALLs per run
  double measured_ms() const { return measured.total_ms(); }
  double modelled_ms() const { return transition_ms + paging_ms + memory_encryption_ms; }
  double total_ms() const { return measured_ms() + modelled_ms(); }
};

// Per run: when the working set exceeds the usable EPC, a sweep over the layers cycles through
// more pages than the EPC holds, so under the driver's LRU-like eviction every page a layer
// touches anew misses: pages_swapped = ceil(sweep_bytes / 4 KiB). When it fits: none.
TeeCost sgx_cost(const SgxParameters& p, const Footprint& f, const EnclaveTiming& measured);

}  // namespace splitleak::tee
