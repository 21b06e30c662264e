#pragma once
// Row data sets in HDF5 files, written and read a batch at a time, so a set far larger than
// memory passes through in bounded memory. A file holds one row data set (N, row...) chunked by
// rows (about 1 MiB a chunk, at least one row), deflated and Fletcher-32 checksummed, small float
// tensors beside it, and string attributes on the root group. Writes are atomic: a temporary
// file beside the target, renamed by commit(). Errors name the file and the data set.
#include <map>
#include <memory>
#include <string>

#include "core/samples.h"

namespace splitleak::h5 {

enum class RowType {
  Float32,
  Unorm8,  // values k/255 (k in 0..255) stored as the byte k; read back as k * (1.0f / 255.0f)
};

class RowWriter {
 public:
  // A file whose data set `name` will hold rows of `row_shape`: `expected_rows` of them when
  // known (chunks are sized for it), or any number (-1: the data set grows with each append).
  RowWriter(std::string path, std::string name, int64_t expected_rows, Shape row_shape, RowType type);
  ~RowWriter();  // removes the temporary file unless committed
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;

  // The next rows: (k, row_shape...), in order after those appended before.
  void append(const Tensor& rows);
  int64_t rows_written() const;
  // A small float tensor beside the rows (labels, say).
  void add_tensor(const std::string& name, const Tensor& t);
  // Every row written (all `expected_rows`, when given): the attributes are set and the file
  // renamed into place.
  void commit(const std::map<std::string, std::string>& attributes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The rows of data set `name` of an HDF5 file, read on demand (the file stays open).
class RowFile final : public Samples {
 public:
  RowFile(std::string path, std::string name);
  ~RowFile() override;
  int64_t size() const override;
  Shape row_shape() const override;
  Tensor read(const std::vector<int64_t>& rows) const override;
  Tensor read_range(int64_t begin, int64_t end) const override;
  std::map<std::string, std::string> attributes() const;
  const std::string& path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The rows of data set `name` of the file: read into memory when they take at most
// `in_memory_bytes` as floats, else read from the file on demand.
SamplesPtr load_rows(const std::string& path, const std::string& name, int64_t in_memory_bytes);

}  // namespace splitleak::h5
