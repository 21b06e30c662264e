#include "core/batches.h"

#include <algorithm>

#include "core/error.h"

namespace splitleak {

Tensor map_in_batches(const Tensor& x, int64_t batch, const std::function<Tensor(const Tensor&)>& f,
                      const RowProgress& progress) {
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
    if (progress) progress(b + part.size(0), x.size(0));
  }
  return out;
}

Tensor gather_rows(const Tensor& t, const std::vector<int64_t>& rows) {
  check(t.defined() && t.dim() >= 1, "gather_rows: needs a tensor with a batch dimension");
  Shape shape = t.shape();
  shape[0] = static_cast<int64_t>(rows.size());
  Tensor out = Tensor::empty(shape);
  const int64_t row = t.size(0) > 0 ? t.numel() / t.size(0) : 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] < 0 || rows[i] >= t.size(0))
      throw Error("gather_rows: row " + std::to_string(rows[i]) + " of " + std::to_string(t.size(0)));
    std::copy(t.data() + rows[i] * row, t.data() + (rows[i] + 1) * row, out.data() + static_cast<int64_t>(i) * row);
  }
  return out;
}

}  // namespace splitleak
