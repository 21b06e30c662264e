// Samples: rows read on demand from a tensor, a subset, or an HDF5 row file; the row file
// written a batch at a time, atomically, and read back bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/error.h"
#include "core/hdf5_rows.h"
#include "core/samples.h"

namespace splitleak {
namespace {

namespace fs = std::filesystem;

Tensor counting(const Shape& shape, float scale = 1.0f) {
  Tensor t = Tensor::empty(shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.data()[i] = static_cast<float>(i % 256) * scale;
  return t;
}

void expect_same(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.shape(), b.shape());
  for (int64_t i = 0; i < a.numel(); ++i) ASSERT_EQ(a.data()[i], b.data()[i]) << "element " << i;
}

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("splitleak_samples_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

TEST(Samples, TensorRowsAreReadInTheOrderAsked) {
  const Tensor t = counting({5, 2, 3});
  const SamplesPtr s = in_memory(t);
  EXPECT_EQ(s->size(), 5);
  EXPECT_EQ(s->row_shape(), (Shape{2, 3}));
  const Tensor picked = s->read({4, 0, 4});
  expect_same(picked.slice(0, 1), t.slice(4, 5));
  expect_same(picked.slice(1, 2), t.slice(0, 1));
  expect_same(picked.slice(2, 3), t.slice(4, 5));
  EXPECT_THROW(s->read({5}), Error);
  EXPECT_THROW(s->read_range(3, 6), Error);
}

TEST(Samples, SubsetMapsRowsThroughItsIndex) {
  const Tensor t = counting({6, 4});
  const SamplesPtr s = subset(in_memory(t), {5, 1, 3});
  EXPECT_EQ(s->size(), 3);
  const Tensor two = s->read({2, 0});
  expect_same(two.slice(0, 1), t.slice(3, 4));
  expect_same(two.slice(1, 2), t.slice(5, 6));
  expect_same(s->read_range(0, 1), t.slice(5, 6));
  expect_same(s->read({2}), t.slice(3, 4));
  EXPECT_THROW(s->read({3}), Error);
  EXPECT_THROW(subset(in_memory(t), {6}), Error);
  expect_same(read_all(*first_rows(s, 2)), s->read({0, 1}));
}

TEST(Samples, MapRowsStacksBatchesLikeMapInBatches) {
  const Tensor t = counting({7, 3});
  const SamplesPtr sub = subset(in_memory(t), {0, 1, 2, 3, 4, 5, 6});  // not a tensor: read by batches
  std::vector<int64_t> sizes;
  const Tensor doubled = map_rows(*sub, 3, [&](const Tensor& rows) {
    sizes.push_back(rows.size(0));
    Tensor out = Tensor::empty(rows.shape());
    for (int64_t i = 0; i < rows.numel(); ++i) out.data()[i] = 2 * rows.data()[i];
    return out;
  });
  EXPECT_EQ(sizes, (std::vector<int64_t>{3, 3, 1}));
  for (int64_t i = 0; i < t.numel(); ++i) ASSERT_EQ(doubled.data()[i], 2 * t.data()[i]);
}

TEST(Samples, NoiseRowsAreUniformAndTheSameWhicheverRowsAreReadWithThem) {
  const SamplesPtr noise = uniform_noise_rows({3, 8, 8}, 50, 7);
  EXPECT_EQ(noise->size(), 50);
  EXPECT_EQ(noise->row_shape(), (Shape{3, 8, 8}));
  const Tensor all = noise->read_range(0, 50);
  double sum = 0.0;
  for (int64_t i = 0; i < all.numel(); ++i) {
    ASSERT_GE(all.data()[i], 0.0f);
    ASSERT_LT(all.data()[i], 1.0f);
    sum += all.data()[i];
  }
  EXPECT_NEAR(sum / static_cast<double>(all.numel()), 0.5, 0.01);  // 9,600 draws: sd of the mean 0.003
  const Tensor picked = noise->read({49, 3, 3});
  expect_same(picked.slice(0, 1), all.slice(49, 50));
  expect_same(picked.slice(1, 2), all.slice(3, 4));
  expect_same(picked.slice(2, 3), all.slice(3, 4));
  EXPECT_NE(all.slice(0, 1).data()[0], all.slice(1, 2).data()[0]);
  EXPECT_NE(uniform_noise_rows({3, 8, 8}, 50, 8)->read({0}).data()[0], all.data()[0]);
  EXPECT_THROW(noise->read({50}), Error);
  EXPECT_THROW(noise->read({-1}), Error);
}

TEST(RowFile, FloatRowsWrittenInBatchesReadBackBitForBit) {
  const fs::path path = scratch("float.h5");
  Tensor t = counting({9, 2, 5, 5}, 0.37f);
  t.data()[7] = -1e30f;
  {
    h5::RowWriter w(path.string(), "rows", 9, {2, 5, 5}, h5::RowType::Float32);
    w.append(t.slice(0, 4));
    w.append(t.slice(4, 9));
    w.add_tensor("labels", counting({9}));
    w.commit({{"key", "value"}});
  }
  const h5::RowFile f(path.string(), "rows");
  EXPECT_EQ(f.size(), 9);
  EXPECT_EQ(f.row_shape(), (Shape{2, 5, 5}));
  EXPECT_EQ(f.attributes().at("key"), "value");
  expect_same(f.read_range(0, 9), t);
  const Tensor picked = f.read({8, 2, 3, 4, 0});
  const std::vector<int64_t> rows{8, 2, 3, 4, 0};
  for (size_t i = 0; i < rows.size(); ++i)
    expect_same(picked.slice(static_cast<int64_t>(i), static_cast<int64_t>(i) + 1), t.slice(rows[i], rows[i] + 1));
  EXPECT_THROW(f.read({9}), Error);
}

TEST(RowFile, ByteRowsHoldImagesExactlyAndRefuseOtherValues) {
  const fs::path path = scratch("bytes.h5");
  Tensor t = Tensor::empty({3, 1, 4, 4});
  for (int64_t i = 0; i < t.numel(); ++i) t.data()[i] = static_cast<float>((i * 37) % 256) * (1.0f / 255.0f);
  {
    h5::RowWriter w(path.string(), "images", 3, {1, 4, 4}, h5::RowType::Unorm8);
    w.append(t);
    w.commit({});
  }
  expect_same(h5::RowFile(path.string(), "images").read_range(0, 3), t);
  h5::RowWriter bad(scratch("bad.h5").string(), "images", 1, {1}, h5::RowType::Unorm8);
  EXPECT_THROW(bad.append(Tensor::from_vector({1, 1}, {0.5f})), Error);
}

TEST(RowFile, AnUncommittedWriterLeavesNothingBehind) {
  const fs::path path = scratch("killed.h5");
  {
    h5::RowWriter w(path.string(), "rows", 4, {2}, h5::RowType::Float32);
    w.append(counting({2, 2}));
    EXPECT_THROW(w.commit({}), Error);  // two of four rows
    EXPECT_THROW(w.append(counting({3, 2})), Error);  // past the end
  }
  EXPECT_FALSE(fs::exists(path));
  for (const auto& e : fs::directory_iterator(path.parent_path()))
    EXPECT_EQ(e.path().filename().string().find("killed.h5.tmp"), std::string::npos) << e.path();
}

TEST(RowFile, ADamagedFileIsAnErrorNamingIt) {
  const fs::path path = scratch("damaged.h5");
  {
    h5::RowWriter w(path.string(), "rows", 64, {256}, h5::RowType::Float32);
    Tensor noisy = Tensor::empty({64, 256});  // incompressible: the file is mostly chunk data
    for (int64_t i = 0; i < noisy.numel(); ++i) noisy.data()[i] = std::sin(static_cast<float>(i) * 12.9898f) * 43758.5453f;
    w.append(noisy);
    w.commit({});
  }
  const auto size = fs::file_size(path);
  {
    std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(static_cast<std::streamoff>(size / 2));
    const std::string junk(64, '\x5a');
    io.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  try {
    const h5::RowFile f(path.string(), "rows");
    f.read_range(0, 64);
    FAIL() << "a damaged chunk was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(h5::RowFile(scratch("absent.h5").string(), "rows"), Error);
}

}  // namespace
}  // namespace splitleak
