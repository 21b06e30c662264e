#pragma once
// NaN and infinity in what a command reads (a model's weights, an input tensor): a warning by
// default, a refusal under --strict-inputs. Either way the user hears of it before the values
// turn every output into NaN.
#include <string>

#include "core/samples.h"
#include "core/tensor.h"

namespace splitleak {

enum class NonFinitePolicy { Warn, Refuse };

// The process-wide policy (the command line's --strict-inputs sets Refuse).
NonFinitePolicy& non_finite_policy();

// The number of NaN or infinite values of `t` (any device), and the flat index of the first.
struct NonFiniteCount {
  int64_t count = 0, first = -1;
};
NonFiniteCount count_non_finite(const Tensor& t);

// When `t` holds NaN or infinity: under Warn, prints one line on stderr, "splitleak: warning:
// WHAT: N of M values are NaN or infinite (the first at index I)", and returns false; under
// Refuse, throws Error (bad input) with that text and the hint to drop --strict-inputs.
// Returns true when every value is finite.
bool check_finite(const Tensor& t, const std::string& what);
// check_finite over every row of `rows`, read `batch` rows at a time: the count, the total and
// the first index are over all the rows, as for one tensor holding them.
bool check_finite_rows(const Samples& rows, const std::string& what, int64_t batch = 256);

}  // namespace splitleak
