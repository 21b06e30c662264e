#include "tee_runtime/cost_model.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "victim/accounting.h"

namespace splitleak::tee {

SgxParameters sgx_preset(const std::string& name) {
  SgxParameters p;
  if (name == "sgx1") return p;
  if (name == "sgx2") {
    p.generation = "sgx2";
    p.epc_usable_mib = 64 * 1024;
    return p;
  }
  throw Error("unknown SGX preset '" + name + "' (known: sgx1, sgx2)");
}

Footprint footprint(const victim::Graph& front, int64_t batch, int64_t threads) {
  check(batch >= 1 && threads >= 1, "footprint: the batch and the thread count must be at least 1");
  const auto costs = victim::node_costs(front);
  Footprint f;
  f.threads = threads;
  f.weight_bytes = victim::total_cost(front, 0, static_cast<int>(front.nodes.size())).weight_bytes;
  for (size_t i = 1; i < costs.size(); ++i) f.sweep_bytes += costs[i].weight_bytes + batch * costs[i].activation_bytes;
  f.layers = static_cast<int64_t>(costs.size()) - 1;
  int64_t largest = 0, second = 0;
  for (size_t i = 1; i < costs.size(); ++i) {
    const int64_t a = costs[i].activation_bytes;
    if (a > largest) second = largest, largest = a;
    else if (a > second) second = a;
  }
  f.activation_bytes = batch * (costs.front().activation_bytes + largest + second);
  return f;
}

TeeCost sgx_cost(const SgxParameters& p, const Footprint& f, const EnclaveTiming& measured) {
  check(p.cpu_ghz > 0 && p.epc_usable_mib > 0 && p.memory_encryption_factor >= 1 && p.ecall_cycles >= 0 &&
            p.ocall_cycles >= 0 && p.page_swap_cycles >= 0 && p.ecalls_per_run >= 0 && p.ocalls_per_run >= 0 &&
            p.sync_ocalls_per_thread_per_layer >= 0,
        "SGX cost model: cpu_ghz and epc_usable_mib must be positive, memory_encryption_factor >= 1, the cycle "
        "counts and calls per run >= 0");
  TeeCost c;
  c.measured = measured;
  const double cycles_per_ms = p.cpu_ghz * 1e6;
  c.sync_ocalls = static_cast<int64_t>(
      std::llround(p.sync_ocalls_per_thread_per_layer * static_cast<double>((f.threads - 1) * f.layers)));
  c.transition_ms = (static_cast<double>(p.ecalls_per_run) * p.ecall_cycles +
                     static_cast<double>(p.ocalls_per_run + c.sync_ocalls) * p.ocall_cycles) / cycles_per_ms;
  c.working_set_bytes = f.working_set_bytes();
  c.epc_bytes = static_cast<int64_t>(p.epc_usable_mib * 1024 * 1024);
  c.pages_swapped = c.working_set_bytes > c.epc_bytes ? (f.sweep_bytes + 4095) / 4096 : 0;
  c.paging_ms = static_cast<double>(c.pages_swapped) * p.page_swap_cycles / cycles_per_ms;
  c.memory_encryption_ms = measured.compute_ms * (p.memory_encryption_factor - 1);
  return c;
}

}  // namespace splitleak::tee
