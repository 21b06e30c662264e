#pragma once
// Rows of a data set read on demand, so a consumer need not hold the whole set: rows held in a
// tensor, a subset of another source's rows, or rows stored on disk (core/hdf5_rows.h). Every
// source is immutable once made, and read() is safe to call from several threads.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/batches.h"
#include "core/tensor.h"

namespace splitleak {

class Samples {
 public:
  virtual ~Samples() = default;
  virtual int64_t size() const = 0;
  // The shape of one row (no batch dimension).
  virtual Shape row_shape() const = 0;
  // (rows.size(), row_shape()...): a new host tensor of the rows at `rows`, in that order
  // (repeats allowed); Error when a row is outside [0, size()).
  virtual Tensor read(const std::vector<int64_t>& rows) const = 0;

  // Rows [begin, end) as one tensor (a view where the source allows).
  virtual Tensor read_range(int64_t begin, int64_t end) const;
  // Bytes a float copy of every row would take.
  int64_t float_bytes() const;
};

using SamplesPtr = std::shared_ptr<const Samples>;

// The rows of a (N, ...) host tensor; read_range gives views (no copy).
class TensorSamples final : public Samples {
 public:
  explicit TensorSamples(Tensor rows);
  int64_t size() const override { return rows_.size(0); }
  Shape row_shape() const override;
  Tensor read(const std::vector<int64_t>& rows) const override;
  Tensor read_range(int64_t begin, int64_t end) const override;
  const Tensor& tensor() const { return rows_; }

 private:
  Tensor rows_;
};

// Error "<what>: rows [begin, end) of <size>" unless 0 <= begin <= end <= size; the message is
// built only on failure (this guards every batch read).
void check_row_range(int64_t begin, int64_t end, int64_t size, const std::string& what);

SamplesPtr in_memory(Tensor rows);
// Row i is `source`'s row rows[i] (repeats allowed; each in [0, source->size())).
SamplesPtr subset(SamplesPtr source, std::vector<int64_t> rows);
// Rows [begin, end) of `source`.
SamplesPtr first_rows(SamplesPtr source, int64_t count);
// `count` rows of `row_shape`, each uniform in [0, 1): row i is drawn when read, from
// Generator(derive_seed(seed, i)), so a row is the same whichever rows are read with it and
// nothing is held.
SamplesPtr uniform_noise_rows(Shape row_shape, int64_t count, uint64_t seed);
// Row i is map({i}, source's row i) computed when read, for any rows read together: `map` takes
// the rows' indices and their source rows and returns (rows, row_shape...); it must give each row
// a value that depends on that row and its index alone. Nothing is held.
using RowMap = std::function<Tensor(const std::vector<int64_t>& rows, const Tensor& source_rows)>;
SamplesPtr mapped_rows(SamplesPtr source, Shape row_shape, RowMap map);
// Every row at once: the tensor itself for in-memory rows, else a new one.
Tensor read_all(const Samples& samples);

// Calls visit(begin, rows) for consecutive row ranges of `batch` rows (the last may be shorter),
// in order; then progress(rows done, rows in all) after each.
void for_each_batch(const Samples& samples, int64_t batch, const std::function<void(int64_t, const Tensor&)>& visit,
                    const RowProgress& progress = {});
// f applied to consecutive batches of rows, its outputs stacked along dim 0 into a new tensor
// (map_in_batches over rows read on demand).
Tensor map_rows(const Samples& samples, int64_t batch, const std::function<Tensor(const Tensor&)>& f,
                const RowProgress& progress = {});

}  // namespace splitleak
