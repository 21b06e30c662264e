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
  double ecall_cycles = 8600;          // one enclave entry and exit
  double ocall_cycles = 8200;          // one call out of the enclave and back
  double page_swap_cycles = 40000;     // one 4 KiB EPC page evicted (EWB) and another loaded (ELDU), with the exits
  double memory_encryption_factor = 1.15;  // compute slowdown from the memory encryption engine
  int64_t ecalls_per_run = 1;          // the run call
  int64_t ocalls_per_run = 2;          // receive the sealed input, send the feature map
};

// Presets: "sgx1" (the defaults) and "sgx2" (EPC 64 GiB, as on 3rd-generation Xeon Scalable
// parts with 512 GiB per socket configured to 64 GiB); Error for others.
SgxParameters sgx_preset(const std::string& name);

// The enclave's memory at a batch size: the partition's weights, plus (an approximation stated
// in docs/tee.md) the input and the two largest activations held at once, times the batch.
struct Footprint {
  int64_t weight_bytes = 0, activation_bytes = 0;
  int64_t working_set_bytes() const { return weight_bytes + activation_bytes; }
};
Footprint footprint(const victim::Graph& front, int64_t batch);

struct TeeCost {
  EnclaveTiming measured;
  double transition_ms = 0;         // modelled: ECALLs and OCALLs
  double paging_ms = 0;             // modelled: EPC pages swapped per run
  double memory_encryption_ms = 0;  // modelled: compute_ms x (factor - 1)
  int64_t working_set_bytes = 0, epc_bytes = 0, pages_swapped = 0;
  double measured_ms() const { return measured.total_ms(); }
  double modelled_ms() const { return transition_ms + paging_ms + memory_encryption_ms; }
  double total_ms() const { return measured_ms() + modelled_ms(); }
};

// Per run: pages_swapped = the 4 KiB pages of the working set beyond the usable EPC (a lower
// bound: each run pages in what does not fit once).
TeeCost sgx_cost(const SgxParameters& p, const Footprint& f, const EnclaveTiming& measured);

}  // namespace splitleak::tee
