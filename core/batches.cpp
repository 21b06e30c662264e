#include "core/batches.h"

#include <algorithm>

#include "core/error.h"

namespace splitleak {

Tensor map_in_batches(const Tensor& x, int64_t batch, const std::function<Tensor(const Tensor&)>& f) {
  check(batch >= 1, "map_in_batches: the batch must be at least 1");
  Tensor out;
  for (int64_t b = 0; b < x.size(0); b += batch) {
    const Tensor part = f(x.slice(b, std::min(x.size(0), b + batch)));
    check(part.dim() >= 1 && part.size(0) == std::min(batch, x.size(0) - b),
          "map_in_batches: a slice of " + std::to_string(std::min(batch, x.size(0) - b)) + " rows gave " +
              shape_str(part.shape()));
    if (!out.defined()) {
      Shape shape = part.shape();
      shape[0] = x.size(0);
      out = Tensor::empty(shape);
    }
    out.slice(b, b + part.size(0)).copy_from(part);
  }
  return out;
}

}  // namespace splitleak
