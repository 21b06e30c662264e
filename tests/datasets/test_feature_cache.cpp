// The feature cache: hits, misses on any key change, atomic entries, damaged entries rebuilt.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/random.h"
#include "tests/support/temp_dir.h"
#include "datasets/feature_cache.h"
#include "datasets/hash.h"

namespace splitleak::datasets {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) { return testing::fresh_dir("cache/" + name); }

Tensor features(uint64_t seed) {
  Generator gen(seed);
  Tensor t = Tensor::empty({300, 16, 8, 8});
  init::uniform_(t, -1, 1, gen);
  return t;
}

const FeatureKey kKey{"model-abc", "conv1_2", "data-123", "aux"};

TEST(FeatureCache, StoreThenFindIsExact) {
  FeatureCache cache(temp_dir("hit").string());
  EXPECT_FALSE(cache.find(kKey).has_value());
  const Tensor f = features(1);
  cache.store(kKey, f);
  auto got = cache.find(kKey);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->shape(), f.shape());
  EXPECT_EQ(got->to_vector(), f.to_vector());
}

TEST(FeatureCache, AnyKeyChangeMisses) {
  FeatureCache cache(temp_dir("miss").string());
  cache.store(kKey, features(1));
  for (int field = 0; field < 4; ++field) {
    FeatureKey k = kKey;
    std::string* parts[] = {&k.model_hash, &k.cut, &k.data_hash, &k.split};
    *parts[field] += "x";
    EXPECT_FALSE(cache.find(k).has_value()) << "field " << field;
  }
  EXPECT_TRUE(cache.find(kKey).has_value());
}

TEST(FeatureCache, ComputesOnceThenReuses) {
  FeatureCache cache(temp_dir("reuse").string());
  int computed = 0;
  auto compute = [&] {
    ++computed;
    return features(2);
  };
  const Tensor a = cache.get_or_compute(kKey, compute);
  const Tensor b = cache.get_or_compute(kKey, compute);
  EXPECT_EQ(computed, 1);
  EXPECT_EQ(a.to_vector(), b.to_vector());
}

// A stand-in for a front partition: each feature row is its input row times 2, minus 1.
Tensor twice_minus_one(const Tensor& rows) {
  Tensor out = Tensor::empty(rows.shape());
  for (int64_t i = 0; i < rows.numel(); ++i) out.data()[i] = 2 * rows.data()[i] - 1;
  return out;
}

TEST(FeatureCache, RowsAreComputedInBatchesStoredAndReadBackOnDiskOrInMemory) {
  FeatureCache cache(temp_dir("rows").string());
  const Tensor inputs = features(4);
  std::vector<int64_t> batches, first_ids;
  auto compute = [&](const std::vector<int64_t>& ids, const Tensor& rows) {
    batches.push_back(rows.size(0));
    first_ids.push_back(ids.front());
    EXPECT_EQ(static_cast<int64_t>(ids.size()), rows.size(0));
    EXPECT_EQ(ids.back() - ids.front() + 1, rows.size(0));  // consecutive rows, by their index
    return twice_minus_one(rows);
  };
  const Tensor expected = twice_minus_one(inputs);
  const SamplesPtr on_disk = cache.rows(kKey, TensorSamples(inputs), 128, compute, /*in_memory_bytes=*/0);
  EXPECT_EQ(batches, (std::vector<int64_t>{128, 128, 44}));
  EXPECT_EQ(first_ids, (std::vector<int64_t>{0, 128, 256}));
  EXPECT_EQ(dynamic_cast<const TensorSamples*>(on_disk.get()), nullptr) << "read from the file";
  EXPECT_EQ(on_disk->read_range(0, 300).to_vector(), expected.to_vector());
  EXPECT_EQ(cache.find(kKey)->to_vector(), expected.to_vector()) << "the same entry format as store()";
  const SamplesPtr held = cache.rows(kKey, TensorSamples(inputs), 128, compute, int64_t{1} << 30);
  EXPECT_EQ(batches.size(), 3u) << "a hit computes nothing";
  ASSERT_NE(dynamic_cast<const TensorSamples*>(held.get()), nullptr) << "small enough for memory";
  EXPECT_EQ(read_all(*held).to_vector(), expected.to_vector());
  // An entry of another row count is stale: rebuilt.
  const SamplesPtr fewer = cache.rows(kKey, TensorSamples(inputs.slice(0, 10)), 128, compute, 0);
  EXPECT_EQ(fewer->size(), 10);
  EXPECT_EQ(batches.size(), 4u);
}

TEST(FeatureCache, CompressesWhatCompresses) {
  FeatureCache cache(temp_dir("small").string());
  Tensor zeros = Tensor::zeros({300, 16, 8, 8});
  cache.store(kKey, zeros);
  EXPECT_LT(fs::file_size(cache.path(kKey)), static_cast<uintmax_t>(zeros.numel()) * sizeof(float) / 10);
}

TEST(FeatureCache, DamagedEntriesAreRebuiltNeverTrusted) {
  FeatureCache cache(temp_dir("damaged").string());
  const Tensor f = features(3);
  // Bytes flipped inside the compressed data.
  cache.store(kKey, f);
  const std::string file = cache.path(kKey);
  {
    std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(static_cast<std::streamoff>(fs::file_size(file) / 2));
    const char junk[64] = "this is not what was written here, not at all, no it is not....";
    io.write(junk, sizeof junk);
  }
  EXPECT_FALSE(cache.find(kKey).has_value());
  EXPECT_FALSE(fs::exists(file));
  // Truncated.
  cache.store(kKey, f);
  fs::resize_file(file, fs::file_size(file) / 3);
  int computed = 0;
  const Tensor rebuilt = cache.get_or_compute(kKey, [&] {
    ++computed;
    return f;
  });
  EXPECT_EQ(computed, 1);
  EXPECT_EQ(cache.find(kKey)->to_vector(), f.to_vector());
  // An entry under the wrong name (its stored key disagrees).
  FeatureKey other = kKey;
  other.split = "heldout";
  fs::copy_file(cache.path(kKey), cache.path(other));
  EXPECT_FALSE(cache.find(other).has_value());
}

TEST(Hash, ContentAndShapeBothCount) {
  Tensor a = Tensor::from_vector({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(hash_tensor(a), hash_tensor(a.clone()));
  EXPECT_NE(hash_tensor(a), hash_tensor(a.view({3, 2})));
  Tensor b = a.clone();
  b.data()[5] = 6.0001f;
  EXPECT_NE(hash_tensor(a), hash_tensor(b));
  EXPECT_EQ(hash_tensor(a).size(), 32u);
  EXPECT_NE(hash_strings({"ab", "c"}), hash_strings({"a", "bc"}));
}

}  // namespace
}  // namespace splitleak::datasets
