#pragma once
// The one table of op test cases. The numeric gradient check (test_gradcheck.cpp) and the
// PyTorch cross-check (test_torch_reference.cpp, with tests/reference/torch_ops.py reading
// the table dumped as JSON) both run every case, and so does the OpenCL check against the CPU
// engine (test_opencl_ops.cpp): an op in the table has all three checks.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "core/random.h"
#include "core/tensor.h"

namespace splitleak::testing {

struct InputSpec {
  enum class Kind { Uniform, Spaced, Labels, Mask };
  Shape shape;
  Kind kind = Kind::Uniform;
  float lo = -1.0f, hi = 1.0f;  // Uniform/Spaced range
  bool grad = true;             // differentiated by the checks
  int64_t classes = 0;          // Labels: values in [0, classes)
  std::vector<float> kinks;     // Uniform: values kept at least kink_margin away from these
};

struct OpCase {
  std::string name;  // unique; the HDF5 group of its reference data
  std::string op;    // dispatch key, mirrored in tests/reference/torch_ops.py
  nlohmann::json attrs;
  std::vector<InputSpec> inputs;
};

inline constexpr float kGradStep = 1e-2f;
inline constexpr float kKinkMargin = 4 * kGradStep;

const std::vector<OpCase>& op_cases();
// GoogleTest prints a case by its name.
inline void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }
// Runs the case's op on the engine.
Tensor run_op(const OpCase& c, const std::vector<Tensor>& inputs);
// Seeded inputs following the specs (Spaced: distinct values (hi - lo) / numel apart,
// so max-pool windows have a unique maximum even after a +-kGradStep perturbation).
std::vector<Tensor> make_inputs(const OpCase& c, Generator& gen);
nlohmann::json cases_to_json();

}  // namespace splitleak::testing
