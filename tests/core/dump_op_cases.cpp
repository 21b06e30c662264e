// Writes the op case table as JSON for tests/reference/torch_ops.py.
#include <fstream>
#include <iostream>

#include "tests/core/op_cases.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: dump_op_cases OUT.json\n";
    return 2;
  }
  std::ofstream(argv[1]) << splitleak::testing::cases_to_json().dump(1) << "\n";
  return 0;
}
