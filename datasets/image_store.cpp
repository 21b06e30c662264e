#include "datasets/image_store.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>

#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/hdf5_rows.h"
#include "datasets/hash.h"

namespace splitleak::datasets {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "splitleak.image_store/1";

std::string store_key(const ImageFolder& folder, const std::vector<int64_t>& order, int64_t limit) {
  const ImageFolderOptions& o = folder.options();
  std::vector<std::string> parts{kFormat,
                                 o.root,
                                 std::to_string(o.size),
                                 std::to_string(o.resize_shorter),
                                 std::to_string(o.channels),
                                 std::to_string(o.random_crop),
                                 std::to_string(o.seed),
                                 std::to_string(limit)};
  parts.reserve(parts.size() + order.size());
  for (int64_t i : order) {
    const std::string& file = folder.files()[static_cast<size_t>(i)];
    std::error_code ec;
    const auto bytes = fs::file_size(file, ec);
    const auto time = fs::last_write_time(file, ec).time_since_epoch().count();
    parts.push_back(file + "|" + std::to_string(bytes) + "|" + std::to_string(time));
  }
  return hash_strings(parts);
}

// The store at `path` when it is whole and holds `key`; a damaged or stale one is removed.
std::optional<ImageRows> open_store(const std::string& path, const std::string& key, const ImageFolder& folder,
                                    int64_t in_memory_bytes) {
  if (!fs::exists(path)) return std::nullopt;
  try {
    const auto attributes = h5::read_attributes(path);
    const auto stored = attributes.find("key");
    check(stored != attributes.end() && stored->second == key, path + ": stored key does not match its name");
    ImageRows rows;
    rows.images = h5::load_rows(path, "images", in_memory_bytes);
    const Tensor labels = h5::read_tensor(path, "labels");
    check(labels.numel() == rows.images->size(), path + ": one label per image expected");
    for (float l : labels.to_vector()) rows.labels.push_back(static_cast<int64_t>(l));
    rows.class_names = folder.class_names();
    return rows;
  } catch (const Error& e) {
    spdlog::warn("image store: discarding damaged entry ({}); it will be rebuilt", e.what());
    std::error_code ec;
    fs::remove(path, ec);
    return std::nullopt;
  }
}

void build_store(const ImageFolder& folder, const std::vector<int64_t>& order, int64_t wanted,
                 const ImageStoreOptions& options, const std::string& path, const std::string& key) {
  const ImageFolderOptions& o = folder.options();
  h5::RowWriter writer(path, "images", -1, {o.channels, o.size, o.size}, h5::RowType::Unorm8);
  std::vector<float> labels;
  auto stream = folder.stream(order, options.batch);
  while (static_cast<int64_t>(labels.size()) < wanted) {
    const std::optional<ImageSet> batch = stream->next();
    if (!batch) break;
    const int64_t take = std::min(batch->size(), wanted - static_cast<int64_t>(labels.size()));
    writer.append(batch->images.slice(0, take));
    for (int64_t i = 0; i < take; ++i) labels.push_back(static_cast<float>(batch->labels[static_cast<size_t>(i)]));
    if (options.progress) options.progress(static_cast<int64_t>(labels.size()), wanted);
  }
  stream.reset();  // stops decoding ahead
  writer.add_tensor("labels", Tensor::from_vector({static_cast<int64_t>(labels.size())}, labels));
  writer.commit({{"format", kFormat}, {"key", key}, {"root", o.root}});
}

}  // namespace

ImageRows stored_images(const ImageFolder& folder, const std::vector<int64_t>& order, int64_t limit,
                        const ImageStoreOptions& options) {
  const ImageFolderOptions& o = folder.options();
  const int64_t wanted = std::min<int64_t>(limit, static_cast<int64_t>(order.size()));
  if (wanted <= 0) {
    ImageRows none;
    none.images = in_memory(Tensor::empty({0, o.channels, o.size, o.size}));
    none.class_names = folder.class_names();
    return none;
  }
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  check(!ec && fs::is_directory(options.dir), "image store: cannot create folder " + options.dir +
                                                   (ec ? ": " + ec.message() : ""));
  const std::string key = store_key(folder, order, wanted);
  const std::string path = (fs::path(options.dir) / ("images-" + key + ".h5")).string();
  if (auto rows = open_store(path, key, folder, options.in_memory_bytes)) return *rows;
  build_store(folder, order, wanted, options, path, key);
  auto rows = open_store(path, key, folder, options.in_memory_bytes);
  check(rows.has_value(), path + ": the image store just written cannot be read back");
  return *rows;
}

}  // namespace splitleak::datasets
