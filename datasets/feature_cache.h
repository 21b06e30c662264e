#pragma once
// Feature maps cached on disk between runs: one HDF5 file per key (chunked, deflated,
// Fletcher-32 checksummed), written atomically. A key is the model hash, the cut, the data hash
// and the split; any change of any of them misses the cache. An entry that cannot be read back
// whole, or whose stored key disagrees with its name, is removed with a warning and rebuilt:
// never trusted.
#include <functional>
#include <optional>
#include <string>

#include "core/samples.h"
#include "core/tensor.h"

namespace splitleak::datasets {

struct FeatureKey {
  std::string model_hash, cut, data_hash, split;
};

class FeatureCache {
 public:
  explicit FeatureCache(std::string dir);

  // The path an entry for `key` has.
  std::string path(const FeatureKey& key) const;
  // The cached features, or nothing when absent, damaged or stale (damaged entries are removed).
  std::optional<Tensor> find(const FeatureKey& key) const;
  void store(const FeatureKey& key, const Tensor& features) const;
  // find(), or compute() and store its result.
  Tensor get_or_compute(const FeatureKey& key, const std::function<Tensor()>& compute) const;
  // The features of every row of `inputs`: from the cache, or computed `batch` input rows at a
  // time (compute maps the batch's row indices and rows to as many feature rows) and written to
  // the entry as they come,
  // so neither the inputs nor the features are ever whole in memory. The entry is read into
  // memory when it takes at most `in_memory_bytes`, else read from its file on demand (a damaged
  // chunk then surfaces as an Error naming the file when it is read).
  SamplesPtr rows(const FeatureKey& key, const Samples& inputs, int64_t batch, const RowMap& compute,
                  int64_t in_memory_bytes,
                  const RowProgress& progress = {}) const;

 private:
  std::string dir_;
};

}  // namespace splitleak::datasets
