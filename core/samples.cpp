#include "core/samples.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "core/random.h"

namespace splitleak {
namespace {

// Rows of another source, by index.
class SubsetSamples final : public Samples {
 public:
  SubsetSamples(SamplesPtr source, std::vector<int64_t> rows) : source_(std::move(source)), rows_(std::move(rows)) {
    check(source_ != nullptr, "subset: no source");
    for (int64_t r : rows_)
      if (r < 0 || r >= source_->size())
        throw Error("subset: row " + std::to_string(r) + " of " + std::to_string(source_->size()));
  }
  int64_t size() const override { return static_cast<int64_t>(rows_.size()); }
  Shape row_shape() const override { return source_->row_shape(); }
  Tensor read(const std::vector<int64_t>& rows) const override {
    std::vector<int64_t> mapped(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      if (rows[i] < 0 || rows[i] >= size())
        throw Error("samples: row " + std::to_string(rows[i]) + " of " + std::to_string(size()));
      mapped[i] = rows_[static_cast<size_t>(rows[i])];
    }
    return source_->read(mapped);
  }

 private:
  SamplesPtr source_;
  std::vector<int64_t> rows_;
};

// Seeded uniform rows, drawn when read.
class NoiseSamples final : public Samples {
 public:
  NoiseSamples(Shape row_shape, int64_t count, uint64_t seed)
      : row_shape_(std::move(row_shape)), count_(count), seed_(seed) {
    check(count_ >= 0 && shape_numel(row_shape_) > 0, "noise rows: need a positive row shape and a count >= 0");
  }
  int64_t size() const override { return count_; }
  Shape row_shape() const override { return row_shape_; }
  Tensor read(const std::vector<int64_t>& rows) const override {
    Shape shape = row_shape_;
    shape.insert(shape.begin(), static_cast<int64_t>(rows.size()));
    Tensor out = Tensor::empty(shape);
    const int64_t row_numel = shape_numel(row_shape_);
    for (size_t i = 0; i < rows.size(); ++i) {
      check_row_range(rows[i], rows[i] + 1, count_, "noise rows");
      Generator gen(derive_seed(seed_, static_cast<uint64_t>(rows[i])));
      float* row = out.data() + static_cast<int64_t>(i) * row_numel;
      for (int64_t j = 0; j < row_numel; ++j) row[j] = gen.uniform();
    }
    return out;
  }

 private:
  Shape row_shape_;
  int64_t count_;
  uint64_t seed_;
};

std::vector<int64_t> range(int64_t begin, int64_t end) {
  std::vector<int64_t> rows(static_cast<size_t>(std::max<int64_t>(end - begin, 0)));
  std::iota(rows.begin(), rows.end(), begin);
  return rows;
}

}  // namespace

void check_row_range(int64_t begin, int64_t end, int64_t size, const std::string& what) {
  if (0 <= begin && begin <= end && end <= size) return;
  throw Error(what + ": rows [" + std::to_string(begin) + ", " + std::to_string(end) + ") of " + std::to_string(size));
}

Tensor Samples::read_range(int64_t begin, int64_t end) const {
  check_row_range(begin, end, size(), "samples");
  return read(range(begin, end));
}

int64_t Samples::float_bytes() const { return size() * shape_numel(row_shape()) * 4; }

TensorSamples::TensorSamples(Tensor rows) : rows_(std::move(rows)) {
  check(rows_.defined() && rows_.dim() >= 1 && !rows_.on_device(), "samples: rows must be a host tensor with a batch dimension");
}

Shape TensorSamples::row_shape() const { return Shape(rows_.shape().begin() + 1, rows_.shape().end()); }

Tensor TensorSamples::read(const std::vector<int64_t>& rows) const { return gather_rows(rows_, rows); }

Tensor TensorSamples::read_range(int64_t begin, int64_t end) const {
  check_row_range(begin, end, size(), "samples");
  return rows_.slice(begin, end);
}

SamplesPtr in_memory(Tensor rows) { return std::make_shared<TensorSamples>(std::move(rows)); }

SamplesPtr subset(SamplesPtr source, std::vector<int64_t> rows) {
  return std::make_shared<SubsetSamples>(std::move(source), std::move(rows));
}

namespace {

class MappedSamples final : public Samples {
 public:
  MappedSamples(SamplesPtr source, Shape row_shape, RowMap map)
      : source_(std::move(source)), row_shape_(std::move(row_shape)), map_(std::move(map)) {
    check(source_ && map_, "mapped rows: need a source and a map");
  }
  int64_t size() const override { return source_->size(); }
  Shape row_shape() const override { return row_shape_; }
  Tensor read(const std::vector<int64_t>& rows) const override { return map_(rows, source_->read(rows)); }

 private:
  SamplesPtr source_;
  Shape row_shape_;
  RowMap map_;
};

}  // namespace

SamplesPtr mapped_rows(SamplesPtr source, Shape row_shape, RowMap map) {
  return std::make_shared<MappedSamples>(std::move(source), std::move(row_shape), std::move(map));
}

SamplesPtr uniform_noise_rows(Shape row_shape, int64_t count, uint64_t seed) {
  return std::make_shared<NoiseSamples>(std::move(row_shape), count, seed);
}

SamplesPtr first_rows(SamplesPtr source, int64_t count) {
  check(count >= 0 && source && count <= source->size(), "samples: the first " + std::to_string(count) + " rows of " +
                                                             std::to_string(source ? source->size() : 0));
  if (count == source->size()) return source;
  if (const auto* held = dynamic_cast<const TensorSamples*>(source.get())) return in_memory(held->tensor().slice(0, count));
  return subset(std::move(source), range(0, count));
}

Tensor read_all(const Samples& samples) {
  if (const auto* held = dynamic_cast<const TensorSamples*>(&samples)) return held->tensor();
  return samples.read_range(0, samples.size());
}

void for_each_batch(const Samples& samples, int64_t batch, const std::function<void(int64_t, const Tensor&)>& visit,
                    const RowProgress& progress) {
  check(batch >= 1, "for_each_batch: the batch must be at least 1");
  for (int64_t b = 0; b < samples.size(); b += batch) {
    const int64_t e = std::min(samples.size(), b + batch);
    visit(b, samples.read_range(b, e));
    if (progress) progress(e, samples.size());
  }
}

Tensor map_rows(const Samples& samples, int64_t batch, const std::function<Tensor(const Tensor&)>& f,
                const RowProgress& progress) {
  if (const auto* held = dynamic_cast<const TensorSamples*>(&samples)) return map_in_batches(held->tensor(), batch, f, progress);
  Tensor out;
  for_each_batch(samples, batch, [&](int64_t begin, const Tensor& rows) {
    const Tensor part = f(rows);
    check(part.dim() >= 1 && part.size(0) == rows.size(0),
          "map_rows: " + std::to_string(rows.size(0)) + " rows gave " + shape_str(part.shape()));
    if (!out.defined()) {
      Shape shape = part.shape();
      shape[0] = samples.size();
      out = Tensor::empty(shape);
    }
    out.slice(begin, begin + part.size(0)).copy_from(part);
  }, progress);
  return out;
}

}  // namespace splitleak
