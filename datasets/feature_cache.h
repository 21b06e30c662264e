#pragma once
// Feature maps cached on disk between runs: one HDF5 file per key (chunked, deflated,
// Fletcher-32 checksummed), written atomically. A key is the model hash, the cut, the data hash
// and the split; any change of any of them misses the cache. An entry that cannot be read back
// whole, or whose stored key disagrees with its name, is removed with a warning and rebuilt:
// never trusted.
#include <functional>
#include <optional>
#include <string>

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

 private:
  std::string dir_;
};

}  // namespace splitleak::datasets
