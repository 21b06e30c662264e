#include "datasets/feature_cache.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <numeric>

#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/hdf5_rows.h"
#include "datasets/hash.h"

namespace splitleak::datasets {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> key_attributes(const FeatureKey& k) {
  return {{"format", "splitleak.features/1"}, {"model_hash", k.model_hash}, {"cut", k.cut},
          {"data_hash", k.data_hash},         {"split", k.split}};
}

// An entry that cannot be trusted is removed (and rebuilt by the caller), never read.
void discard_damaged(const std::string& file, const Error& e) {
  spdlog::warn("feature cache: discarding damaged entry ({}); it will be rebuilt", e.what());
  std::error_code ec;
  fs::remove(file, ec);
}

}  // namespace

FeatureCache::FeatureCache(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  check(!ec && fs::is_directory(dir_), "feature cache: cannot create folder " + dir_ + (ec ? ": " + ec.message() : ""));
}

std::string FeatureCache::path(const FeatureKey& k) const {
  return (fs::path(dir_) / (hash_strings({k.model_hash, k.cut, k.data_hash, k.split}) + ".h5")).string();
}

std::optional<Tensor> FeatureCache::find(const FeatureKey& key) const {
  const std::string file = path(key);
  if (!fs::exists(file)) return std::nullopt;
  try {
    check(h5::read_attributes(file) == key_attributes(key), file + ": stored key does not match its name");
    return h5::read_tensor(file, "features");
  } catch (const Error& e) {
    discard_damaged(file, e);
    return std::nullopt;
  }
}

void FeatureCache::store(const FeatureKey& key, const Tensor& features) const {
  h5::write_tensors(path(key), {{"features", features}}, key_attributes(key), /*compress=*/true);
}

Tensor FeatureCache::get_or_compute(const FeatureKey& key, const std::function<Tensor()>& compute) const {
  if (auto cached = find(key)) return *cached;
  Tensor features = compute();
  store(key, features);
  return features;
}

SamplesPtr FeatureCache::rows(const FeatureKey& key, const Samples& inputs, int64_t batch, const RowMap& compute,
                              int64_t in_memory_bytes,
                              const RowProgress& progress) const {
  const std::string file = path(key);
  if (fs::exists(file)) {
    try {
      check(h5::read_attributes(file) == key_attributes(key), file + ": stored key does not match its name");
      SamplesPtr cached = h5::load_rows(file, "features", in_memory_bytes);
      check(cached->size() == inputs.size(), file + ": holds " + std::to_string(cached->size()) + " rows, not " +
                                                 std::to_string(inputs.size()));
      return cached;
    } catch (const Error& e) {
      discard_damaged(file, e);
    }
  }
  check(inputs.size() > 0, "feature cache: no rows to compute features of");
  std::unique_ptr<h5::RowWriter> writer;
  for_each_batch(inputs, batch, [&](int64_t first, const Tensor& batch_rows) {
    std::vector<int64_t> ids(static_cast<size_t>(batch_rows.size(0)));
    std::iota(ids.begin(), ids.end(), first);
    const Tensor features = compute(ids, batch_rows);
    if (!writer)
      writer = std::make_unique<h5::RowWriter>(file, "features", inputs.size(),
                                               Shape(features.shape().begin() + 1, features.shape().end()),
                                               h5::RowType::Float32);
    writer->append(features);
  }, progress);
  writer->commit(key_attributes(key));
  return h5::load_rows(file, "features", in_memory_bytes);
}

}  // namespace splitleak::datasets
