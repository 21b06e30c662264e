// The SGX cost model's arithmetic on known inputs.
#include <gtest/gtest.h>

#include "core/error.h"
#include "tee_runtime/cost_model.h"
#include "victim/accounting.h"
#include "victim/partition.h"
#include "victim/zoo/zoo.h"

namespace splitleak::tee {
namespace {

TEST(CostModel, ArithmeticOnKnownInputs) {
  SgxParameters p;
  p.cpu_ghz = 2.0, p.ecall_cycles = 10000, p.ocall_cycles = 5000, p.ecalls_per_run = 1, p.ocalls_per_run = 2;
  p.page_swap_cycles = 20000, p.epc_usable_mib = 1, p.memory_encryption_factor = 1.5;
  Footprint f;
  f.weight_bytes = 1 << 20, f.activation_bytes = 4096 * 10 + 1;  // 10 pages and a byte over the EPC
  f.sweep_bytes = 4096 * 30 + 1, f.layers = 5, f.threads = 1;    // a sweep touches 31 pages anew
  EnclaveTiming t;
  t.decrypt_ms = 1, t.compute_ms = 8, t.export_ms = 0.5, t.transport_ms = 0.25;
  const TeeCost c = sgx_cost(p, f, t);
  EXPECT_DOUBLE_EQ(c.transition_ms, 20000.0 / 2e6);  // (10000 + 2 x 5000) cycles at 2 GHz
  EXPECT_EQ(c.sync_ocalls, 0);                        // one thread: no barrier exits
  EXPECT_EQ(c.pages_swapped, 31);                     // every page of the sweep, not the 11 over
  EXPECT_DOUBLE_EQ(c.paging_ms, 31 * 20000.0 / 2e6);
  EXPECT_DOUBLE_EQ(c.memory_encryption_ms, 4.0);
  EXPECT_DOUBLE_EQ(c.measured_ms(), 9.75);
  EXPECT_DOUBLE_EQ(c.total_ms(), 9.75 + 0.01 + 0.31 + 4.0);
  f.threads = 4;  // 3 waiting threads x 5 layers x 2 OCALLs
  EXPECT_EQ(sgx_cost(p, f, t).sync_ocalls, 30);
  EXPECT_DOUBLE_EQ(sgx_cost(p, f, t).transition_ms, (10000 + 32 * 5000.0) / 2e6);
  p.sync_ocalls_per_thread_per_layer = 0;
  EXPECT_EQ(sgx_cost(p, f, t).sync_ocalls, 0);
  f.activation_bytes = 0;  // fits: no paging, however large the sweep
  EXPECT_EQ(sgx_cost(p, f, t).pages_swapped, 0);
  p.memory_encryption_factor = 0.5;
  EXPECT_THROW(sgx_cost(p, f, t), Error);
}

TEST(CostModel, FootprintAndPresets) {
  const victim::Graph front = victim::partition(victim::zoo::build("lenet5"), "pool2").front;
  const auto costs = victim::node_costs(front);
  const Footprint one = footprint(front, 1), four = footprint(front, 4);
  EXPECT_EQ(one.weight_bytes, victim::total_cost(front, 0, static_cast<int>(front.nodes.size())).weight_bytes);
  EXPECT_EQ(four.weight_bytes, one.weight_bytes);
  EXPECT_EQ(four.activation_bytes, 4 * one.activation_bytes);
  // LeNet-5 to pool2: input 1x28x28, largest activations conv1/relu1 6x28x28 (float32).
  EXPECT_EQ(one.activation_bytes, 4 * (28 * 28 + 2 * 6 * 28 * 28));
  // The sweep: each layer's weights and its output, the outputs times the batch.
  int64_t weights = 0, outputs = 0;
  for (size_t i = 1; i < costs.size(); ++i) weights += costs[i].weight_bytes, outputs += costs[i].activation_bytes;
  EXPECT_EQ(one.sweep_bytes, weights + outputs);
  EXPECT_EQ(four.sweep_bytes, weights + 4 * outputs);
  EXPECT_EQ(one.layers, static_cast<int64_t>(front.nodes.size()) - 1);
  EXPECT_EQ(footprint(front, 1, 8).threads, 8);
  EXPECT_THROW(footprint(front, 1, 0), Error);
  EXPECT_EQ(sgx_preset("sgx1").epc_usable_mib, 93);
  EXPECT_GT(sgx_preset("sgx2").epc_usable_mib, 1000);
  EXPECT_THROW(sgx_preset("tdx"), Error);
}

}  // namespace
}  // namespace splitleak::tee
