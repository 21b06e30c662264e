#include "core/finite.h"

#include <cmath>
#include <cstdio>

#include "core/error.h"

namespace splitleak {

NonFinitePolicy& non_finite_policy() {
  static NonFinitePolicy policy = NonFinitePolicy::Warn;
  return policy;
}

NonFiniteCount count_non_finite(const Tensor& t) {
  NonFiniteCount c;
  if (!t.defined()) return c;
  std::vector<float> downloaded;
  if (t.on_device()) downloaded = t.to_vector();
  const float* values = t.on_device() ? downloaded.data() : t.data();
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (std::isfinite(values[i])) continue;
    if (c.count++ == 0) c.first = i;
  }
  return c;
}

namespace {

// The warning or the refusal for `c` among `total` values; false.
bool report_non_finite(const NonFiniteCount& c, int64_t total, const std::string& what) {
  const std::string text = what + ": " + std::to_string(c.count) + " of " + std::to_string(total) +
                           " values are NaN or infinite (the first at index " + std::to_string(c.first) + ")";
  if (non_finite_policy() == NonFinitePolicy::Refuse) throw Error(text + "; refused under --strict-inputs");
  std::fprintf(stderr, "splitleak: warning: %s\n", text.c_str());
  return false;
}

}  // namespace

bool check_finite(const Tensor& t, const std::string& what) {
  const NonFiniteCount c = count_non_finite(t);
  return c.count == 0 || report_non_finite(c, t.numel(), what);
}

bool check_finite_rows(const Samples& rows, const std::string& what, int64_t batch) {
  NonFiniteCount all;
  int64_t seen = 0;
  for_each_batch(rows, batch, [&](int64_t, const Tensor& part) {
    const NonFiniteCount c = count_non_finite(part);
    if (c.count > 0 && all.count == 0) all.first = seen + c.first;
    all.count += c.count, seen += part.numel();
  });
  return all.count == 0 || report_non_finite(all, seen, what);
}

}  // namespace splitleak
