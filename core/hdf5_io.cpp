#include "core/hdf5_io.h"

#include <H5Cpp.h>

#include <algorithm>
#include <functional>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hdf5_detail.h"
#include "core/input_file.h"

namespace splitleak::h5 {
namespace detail {

namespace {

// The system's words ("No space left on device") that the last failing HDF5 call left on its error
// stack, recorded by the library's error hook when the call fails: by the time a handler runs,
// the destructors of the wrappers unwound before it have cleared the stack.
thread_local std::string last_system_error;

herr_t record_failure(hid_t stack, void*) {
  last_system_error.clear();
  H5Ewalk2(
      stack, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* err, void* out) -> herr_t {
        const std::string desc = err->desc ? err->desc : "";
        const size_t at = desc.find("error message = '");
        if (at != std::string::npos) {
          const size_t from = at + 17, to = desc.find('\'', from);
          *static_cast<std::string*>(out) = desc.substr(from, to == std::string::npos ? std::string::npos : to - from);
        }
        return 0;
      },
      &last_system_error);
  return 0;
}

}  // namespace

void quiet() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, record_failure, nullptr);  // prints nothing: errors surface as exceptions
    return true;
  }();
  (void)done;
}

std::string failure(const H5::Exception& e) {
  std::string system = std::move(last_system_error);
  last_system_error.clear();
  return system.empty() ? e.getDetailMsg() : system;
}

H5::H5File open_for_read(const std::string& path) {
  quiet();
  require_input_file(path);
  try {
    check(H5::H5File::isHdf5(path), path + ": not an HDF5 file");
    return H5::H5File(path, H5F_ACC_RDONLY);
  } catch (const H5::Exception& e) {
    throw Error(path + ": cannot open as HDF5 (truncated or corrupt?): " + e.getDetailMsg());
  }
}

H5::H5File create_file(const std::string& path) {
  quiet();
  H5::FileCreatPropList fcpl;
  H5Pset_attr_phase_change(fcpl.getId(), 0, 0);
  H5::FileAccPropList fapl;
  fapl.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_LATEST);
  // Closing the file closes whatever is still open in it: a write that failed (a full disk)
  // leaves no object behind for the library's exit-time cleanup to trip over.
  fapl.setFcloseDegree(H5F_CLOSE_STRONG);
  return H5::H5File(path, H5F_ACC_TRUNC, fcpl, fapl);
}

H5::DSetCreatPropList compressed_rows(const std::vector<hsize_t>& dims) {
  H5::DSetCreatPropList create;
  std::vector<hsize_t> chunk = dims;
  hsize_t row = 1;
  for (size_t i = 1; i < dims.size(); ++i) row *= dims[i];
  chunk[0] = std::clamp<hsize_t>((1u << 18) / std::max<hsize_t>(row, 1), 1, std::max<hsize_t>(dims[0], 1));
  create.setChunk(static_cast<int>(chunk.size()), chunk.data());
  create.setFletcher32();
  create.setDeflate(4);
  return create;
}

void write_attributes(H5::Group& group, const std::map<std::string, std::string>& attributes) {
  for (const auto& [key, value] : attributes) {
    H5::StrType type(H5::PredType::C_S1, value.empty() ? 1 : value.size());
    H5::Attribute a = group.createAttribute(key, type, H5::DataSpace(H5S_SCALAR));
    a.write(type, value.empty() ? std::string(" ") : value);
  }
}

std::map<std::string, std::string> read_attributes(const H5::Group& group) {
  std::map<std::string, std::string> out;
  for (int i = 0; i < group.getNumAttrs(); ++i) {
    H5::Attribute a = group.openAttribute(static_cast<unsigned>(i));
    std::string value;
    a.read(a.getStrType(), value);
    out[a.getName()] = value;
  }
  return out;
}

}  // namespace detail
namespace {

using detail::open_for_read;
using detail::quiet;

Tensor read_dataset(const H5::DataSet& ds, const std::string& path, const std::string& name) {
  try {
    H5::DataSpace space = ds.getSpace();
    const int rank = space.getSimpleExtentNdims();
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    if (rank > 0) space.getSimpleExtentDims(dims.data());
    Shape shape(dims.begin(), dims.end());
    Tensor t = Tensor::empty(shape);
    if (t.numel() > 0) ds.read(t.data(), H5::PredType::NATIVE_FLOAT);
    return t;
  } catch (const H5::Exception& e) {
    throw Error(path + ": cannot read dataset '" + name + "': " + e.getDetailMsg());
  }
}

void visit(const H5::Group& g, const std::string& prefix, const std::string& path, nn::NamedTensors& out) {
  std::vector<std::string> names;
  for (hsize_t i = 0; i < g.getNumObjs(); ++i) names.push_back(g.getObjnameByIdx(i));
  for (const std::string& n : names) {
    const H5O_type_t type = g.childObjType(n);
    if (type == H5O_TYPE_GROUP) visit(g.openGroup(n), prefix + n + "/", path, out);
    else if (type == H5O_TYPE_DATASET) {
      H5::DataSet ds = g.openDataSet(n);
      if (ds.getTypeClass() == H5T_FLOAT) out.emplace_back(prefix + n, read_dataset(ds, path, prefix + n));
    }
  }
}

}  // namespace

void write_tensors(const std::string& path, const nn::NamedTensors& tensors,
                   const std::map<std::string, std::string>& attributes, bool compress) {
  quiet();
  for (const auto& [name, t] : tensors) check(t.defined(), path + ": tensor '" + name + "' is undefined");
  AtomicOutput output(path);
  std::unique_ptr<H5::H5File> file;
  std::unique_ptr<H5::DataSet> ds;
  try {
    file = std::make_unique<H5::H5File>(detail::create_file(output.temporary()));
    H5::LinkCreatPropList lcpl;
    lcpl.setCreateIntermediateGroup(true);  // "a/b/c" creates groups a and a/b
    for (const auto& [name, t] : tensors) {
      std::vector<hsize_t> dims(t.shape().begin(), t.shape().end());
      H5::DataSpace space = dims.empty() ? H5::DataSpace(H5S_SCALAR)
                                         : H5::DataSpace(static_cast<int>(dims.size()), dims.data());
      const H5::DSetCreatPropList create = compress && !dims.empty() && t.numel() > 0
                                               ? detail::compressed_rows(dims)
                                               : H5::DSetCreatPropList();
      ds = std::make_unique<H5::DataSet>(
          file->createDataSet(name, H5::PredType::IEEE_F32LE, space, create, H5::DSetAccPropList::DEFAULT, lcpl));
      if (t.numel() > 0) ds->write(t.to(Device{}).data(), H5::PredType::NATIVE_FLOAT);  // device tensors: one download
      ds->close();
    }
    {
      H5::Group root = file->openGroup("/");
      detail::write_attributes(root, attributes);
    }
    file->close();
  } catch (const H5::Exception& e) {
    const std::string why = detail::failure(e);
    detail::abandon(ds);
    detail::abandon(file);
    throw Error(output.what() + ": cannot write HDF5: " + why, Error::Kind::Failure);
  } catch (...) {
    detail::abandon(ds);
    detail::abandon(file);
    throw;
  }
  output.commit();
}

nn::NamedTensors read_tensors(const std::string& path) {
  H5::H5File file = open_for_read(path);
  nn::NamedTensors out;
  try {
    visit(file.openGroup("/"), "", path, out);
  } catch (const H5::Exception& e) {
    throw Error(path + ": cannot read (truncated or corrupt?): " + e.getDetailMsg());
  }
  return out;
}

Tensor read_tensor(const std::string& path, const std::string& name) {
  H5::H5File file = open_for_read(path);
  H5::DataSet ds;
  try {
    check(file.nameExists(name), path + ": no dataset '" + name + "'");
    ds = file.openDataSet(name);
  } catch (const H5::Exception& e) {
    throw Error(path + ": no readable dataset '" + name + "': " + e.getDetailMsg());
  }
  return read_dataset(ds, path, name);
}

std::map<std::string, std::string> read_attributes(const std::string& path) {
  H5::H5File file = open_for_read(path);
  try {
    return detail::read_attributes(file.openGroup("/"));
  } catch (const H5::Exception& e) {
    throw Error(path + ": cannot read attributes: " + e.getDetailMsg());
  }
}

}  // namespace splitleak::h5
