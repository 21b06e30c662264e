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
  EnclaveTiming t;
  t.decrypt_ms = 1, t.compute_ms = 8, t.export_ms = 0.5, t.transport_ms = 0.25;
  const TeeCost c = sgx_cost(p, f, t);
  EXPECT_DOUBLE_EQ(c.transition_ms, 20000.0 / 2e6);  // (10000 + 2 x 5000) cycles at 2 GHz
  EXPECT_EQ(c.pages_swapped, 11);
  EXPECT_DOUBLE_EQ(c.paging_ms, 11 * 20000.0 / 2e6);
  EXPECT_DOUBLE_EQ(c.memory_encryption_ms, 4.0);
  EXPECT_DOUBLE_EQ(c.measured_ms(), 9.75);
  EXPECT_DOUBLE_EQ(c.total_ms(), 9.75 + 0.01 + 0.11 + 4.0);
  f.activation_bytes = 0;  // fits: no paging
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
  EXPECT_EQ(sgx_preset("sgx1").epc_usable_mib, 93);
  EXPECT_GT(sgx_preset("sgx2").epc_usable_mib, 1000);
  EXPECT_THROW(sgx_preset("tdx"), Error);
}

}  // namespace
}  // namespace splitleak::tee
