#pragma once
// The victim op table: one case per op of victim::Op, each a graph of the input node and the op
// (with non-default attributes and its weights), in the style of tests/core/op_cases. Suites
// check every case's shape, FLOPs and serialised attributes (test_ops.cpp) and its run on
// OpenCL against the CPU engine (test_ops_device.cpp).
#include <string>
#include <vector>

#include "victim/graph.h"

namespace splitleak::victim::testing {

struct VictimOpCase {
  std::string op;                       // the op's name
  Graph graph;                          // nodes: input, then the op (the output); shapes inferred
  Shape output;                         // the op node's expected shape at batch 1
  int64_t flops = 0;                    // its expected FLOPs at batch 1
  std::vector<std::string> attributes;  // the keys it serialises, sorted
};

std::vector<VictimOpCase> victim_op_cases();

}  // namespace splitleak::victim::testing
