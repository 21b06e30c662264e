#include "core/hdf5_rows.h"

#include <cmath>
#include <mutex>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hdf5_detail.h"

namespace splitleak::h5 {
namespace {

// The C++ API's objects are not documented as thread-safe: one reader or writer call at a time.
std::mutex& library_mutex() {
  static std::mutex m;
  return m;
}

H5::DataSpace row_block(const H5::DataSet& ds, int64_t first, int64_t count) {
  H5::DataSpace space = ds.getSpace();
  std::vector<hsize_t> dims(static_cast<size_t>(space.getSimpleExtentNdims()));
  space.getSimpleExtentDims(dims.data());
  std::vector<hsize_t> start(dims.size(), 0), extent = dims;
  start[0] = static_cast<hsize_t>(first), extent[0] = static_cast<hsize_t>(count);
  space.selectHyperslab(H5S_SELECT_SET, extent.data(), start.data());
  return space;
}

std::vector<uint8_t> to_bytes(const Tensor& rows, const std::string& where) {
  std::vector<uint8_t> bytes(static_cast<size_t>(rows.numel()));
  const float* v = rows.data();
  for (size_t i = 0; i < bytes.size(); ++i) {
    const float k = v[i] * 255.0f;
    if (!(k >= -0.01f && k <= 255.01f && std::abs(k - std::round(k)) < 1e-3f))
      throw Error(where + ": value " + std::to_string(v[i]) + " is not k/255, so it cannot be stored as a byte");
    bytes[i] = static_cast<uint8_t>(std::lround(k));
  }
  return bytes;
}

}  // namespace

struct RowWriter::Impl {
  std::string path, name;
  std::unique_ptr<AtomicOutput> output;
  int64_t rows = 0, written = 0;
  Shape row_shape;
  RowType type;
  std::unique_ptr<H5::H5File> file;
  std::unique_ptr<H5::DataSet> ds;
  bool committed = false;

  // A write failed: the file's objects are abandoned, never closed (hdf5_detail.h).
  [[noreturn]] void fail(const std::string& what, const H5::Exception& e) {
    const std::string why = detail::failure(e);
    detail::abandon(ds);
    detail::abandon(file);
    output.reset();  // the temporary goes
    throw Error(path + ": " + what + ": " + why, Error::Kind::Failure);
  }
};

RowWriter::RowWriter(std::string path, std::string name, int64_t rows, Shape row_shape, RowType type)
    : impl_(std::make_unique<Impl>()) {
  Impl& w = *impl_;
  w.path = std::move(path), w.name = std::move(name), w.rows = rows, w.row_shape = std::move(row_shape), w.type = type;
  check(rows >= 1 || rows == -1, w.path + ": a row file needs at least one row");
  w.output = std::make_unique<AtomicOutput>(w.path);
  std::vector<hsize_t> chunk_dims{static_cast<hsize_t>(rows == -1 ? (int64_t{1} << 30) : rows)}, dims{0}, max_dims{H5S_UNLIMITED};
  for (int64_t d : w.row_shape) {
    chunk_dims.push_back(static_cast<hsize_t>(d)), dims.push_back(static_cast<hsize_t>(d));
    max_dims.push_back(static_cast<hsize_t>(d));
  }
  std::lock_guard lock(library_mutex());
  try {
    w.file = std::make_unique<H5::H5File>(detail::create_file(w.output->temporary()));
    const H5::DataSpace space(static_cast<int>(dims.size()), dims.data(), max_dims.data());
    w.ds = std::make_unique<H5::DataSet>(
        w.file->createDataSet(w.name, type == RowType::Unorm8 ? H5::PredType::STD_U8LE : H5::PredType::IEEE_F32LE,
                              space, detail::compressed_rows(chunk_dims)));
  } catch (const H5::Exception& e) {
    w.fail("cannot create HDF5", e);
  }
}

RowWriter::~RowWriter() {
  Impl& w = *impl_;
  if (w.committed) return;
  std::lock_guard lock(library_mutex());
  try {
    if (w.ds) w.ds->close();
    if (w.file) w.file->close();
  } catch (const H5::Exception&) {
    detail::abandon(w.ds);
    detail::abandon(w.file);
  }
}

int64_t RowWriter::rows_written() const { return impl_->written; }

void RowWriter::append(const Tensor& rows) {
  Impl& w = *impl_;
  check(rows.dim() >= 1 && Shape(rows.shape().begin() + 1, rows.shape().end()) == w.row_shape &&
            (w.rows == -1 || w.written + rows.size(0) <= w.rows),
        w.path + ": rows " + shape_str(rows.shape()) + " do not fit after " + std::to_string(w.written) + " of " +
            std::to_string(w.rows) + " rows of " + shape_str(w.row_shape));
  check(w.ds != nullptr, w.path + ": an earlier write to it failed");
  if (rows.size(0) == 0) return;
  const Tensor host = rows.to(Device{});
  std::vector<uint8_t> bytes;
  if (w.type == RowType::Unorm8) bytes = to_bytes(host, w.path);
  std::vector<hsize_t> mem_dims(host.shape().begin(), host.shape().end());
  std::lock_guard lock(library_mutex());
  try {
    const H5::DataSpace memory(static_cast<int>(mem_dims.size()), mem_dims.data());
    std::vector<hsize_t> extent = mem_dims;
    extent[0] = static_cast<hsize_t>(w.written + rows.size(0));
    w.ds->extend(extent.data());
    const H5::DataSpace target = row_block(*w.ds, w.written, rows.size(0));
    if (w.type == RowType::Unorm8) w.ds->write(bytes.data(), H5::PredType::NATIVE_UINT8, memory, target);
    else w.ds->write(host.data(), H5::PredType::NATIVE_FLOAT, memory, target);
  } catch (const H5::Exception& e) {
    w.fail("cannot write rows", e);
  }
  w.written += rows.size(0);
}

void RowWriter::add_tensor(const std::string& name, const Tensor& t) {
  Impl& w = *impl_;
  check(w.ds != nullptr, w.path + ": an earlier write to it failed");
  const Tensor host = t.to(Device{});
  std::vector<hsize_t> dims(host.shape().begin(), host.shape().end());
  std::lock_guard lock(library_mutex());
  try {
    const H5::DataSpace space = dims.empty() ? H5::DataSpace(H5S_SCALAR)
                                             : H5::DataSpace(static_cast<int>(dims.size()), dims.data());
    H5::DataSet ds = w.file->createDataSet(name, H5::PredType::IEEE_F32LE, space);
    if (host.numel() > 0) ds.write(host.data(), H5::PredType::NATIVE_FLOAT);
  } catch (const H5::Exception& e) {
    w.fail("cannot write '" + name + "'", e);
  }
}

void RowWriter::commit(const std::map<std::string, std::string>& attributes) {
  Impl& w = *impl_;
  check(w.ds != nullptr, w.path + ": an earlier write to it failed");
  check(w.rows == -1 || w.written == w.rows, w.path + ": " + std::to_string(w.written) + " of " + std::to_string(w.rows) +
                                 " rows written before commit");
  {
    std::lock_guard lock(library_mutex());
    try {
      {
        H5::Group root = w.file->openGroup("/");
        detail::write_attributes(root, attributes);
      }
      w.ds->close();
      w.file->close();
    } catch (const H5::Exception& e) {
      w.fail("cannot finish HDF5", e);
    }
  }
  w.output->commit();
  w.committed = true;
}

struct RowFile::Impl {
  std::string path, name;
  std::unique_ptr<H5::H5File> file;
  H5::DataSet ds;
  int64_t rows = 0;
  Shape row_shape;
  bool bytes = false;  // stored as Unorm8
};

RowFile::RowFile(std::string path, std::string name) : impl_(std::make_unique<Impl>()) {
  Impl& f = *impl_;
  f.path = std::move(path), f.name = std::move(name);
  std::lock_guard lock(library_mutex());
  f.file = std::make_unique<H5::H5File>(detail::open_for_read(f.path));
  try {
    check(f.file->nameExists(f.name), f.path + ": no data set '" + f.name + "'");
    f.ds = f.file->openDataSet(f.name);
    const H5::DataSpace space = f.ds.getSpace();
    std::vector<hsize_t> dims(static_cast<size_t>(space.getSimpleExtentNdims()));
    check(!dims.empty(), f.path + ": '" + f.name + "' has no rows");
    space.getSimpleExtentDims(dims.data());
    f.rows = static_cast<int64_t>(dims[0]);
    for (size_t i = 1; i < dims.size(); ++i) f.row_shape.push_back(static_cast<int64_t>(dims[i]));
    f.bytes = f.ds.getTypeClass() == H5T_INTEGER;
    check(f.bytes ? f.ds.getIntType().getSize() == 1 : f.ds.getTypeClass() == H5T_FLOAT,
          f.path + ": '" + f.name + "' holds neither floats nor bytes");
  } catch (const H5::Exception& e) {
    throw Error(f.path + ": cannot open data set '" + f.name + "': " + e.getDetailMsg());
  }
}

RowFile::~RowFile() {
  std::lock_guard lock(library_mutex());
  try {
    impl_->ds.close();
    impl_->file->close();
  } catch (...) {
  }
}

int64_t RowFile::size() const { return impl_->rows; }
Shape RowFile::row_shape() const { return impl_->row_shape; }
const std::string& RowFile::path() const { return impl_->path; }

std::map<std::string, std::string> RowFile::attributes() const {
  std::lock_guard lock(library_mutex());
  try {
    return detail::read_attributes(impl_->file->openGroup("/"));
  } catch (const H5::Exception& e) {
    throw Error(impl_->path + ": cannot read attributes: " + e.getDetailMsg());
  }
}

Tensor RowFile::read_range(int64_t begin, int64_t end) const {
  const Impl& f = *impl_;
  check_row_range(begin, end, f.rows, f.path);
  Shape shape = f.row_shape;
  shape.insert(shape.begin(), end - begin);
  Tensor out = Tensor::empty(shape);
  if (out.numel() == 0) return out;
  std::vector<hsize_t> mem_dims(shape.begin(), shape.end());
  std::vector<uint8_t> bytes(f.bytes ? static_cast<size_t>(out.numel()) : 0);
  {
    std::lock_guard lock(library_mutex());
    try {
      const H5::DataSpace memory(static_cast<int>(mem_dims.size()), mem_dims.data());
      const H5::DataSpace source = row_block(f.ds, begin, end - begin);
      if (f.bytes) f.ds.read(bytes.data(), H5::PredType::NATIVE_UINT8, memory, source);
      else f.ds.read(out.data(), H5::PredType::NATIVE_FLOAT, memory, source);
    } catch (const H5::Exception& e) {
      throw Error(f.path + ": cannot read rows [" + std::to_string(begin) + ", " + std::to_string(end) +
                  ") of '" + f.name + "' (truncated or corrupt?): " + e.getDetailMsg());
    }
  }
  float* v = out.data();
  for (size_t i = 0; i < bytes.size(); ++i) v[i] = bytes[i] * (1.0f / 255.0f);
  return out;
}

Tensor RowFile::read(const std::vector<int64_t>& rows) const {
  Shape shape = impl_->row_shape;
  shape.insert(shape.begin(), static_cast<int64_t>(rows.size()));
  Tensor out = Tensor::empty(shape);
  // Runs of consecutive rows are read as one block.
  for (size_t i = 0; i < rows.size();) {
    size_t j = i + 1;
    while (j < rows.size() && rows[j] == rows[j - 1] + 1) ++j;
    out.slice(static_cast<int64_t>(i), static_cast<int64_t>(j)).copy_from(read_range(rows[i], rows[j - 1] + 1));
    i = j;
  }
  return out;
}

SamplesPtr load_rows(const std::string& path, const std::string& name, int64_t in_memory_bytes) {
  auto file = std::make_shared<const RowFile>(path, name);
  if (file->float_bytes() <= in_memory_bytes) return in_memory(read_all(*file));
  return file;
}

}  // namespace splitleak::h5
