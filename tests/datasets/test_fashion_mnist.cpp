// The Fashion-MNIST loader on the real files (installed by scripts/install-deps.sh) and on
// damaged copies of them.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "tests/support/temp_dir.h"
#include "datasets/fashion_mnist.h"
#include "datasets/idx.h"

namespace splitleak::datasets {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) { return testing::fresh_dir("fmnist/" + name); }

// Writes `bytes` gzipped to path.
void write_gz(const fs::path& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

std::vector<uint8_t> idx_header(std::vector<uint32_t> dims) {
  std::vector<uint8_t> h{0, 0, 0x08, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) h.push_back(static_cast<uint8_t>(d >> s));
  return h;
}

TEST(FashionMnist, TestPartShapesRangesAndLabels) {
  const ImageSet test = load_fashion_mnist(Part::Test);
  ASSERT_EQ(test.images.shape(), (Shape{10000, 1, 28, 28}));
  ASSERT_EQ(test.size(), 10000);
  float lo = 1, hi = 0;
  for (float v : test.images.to_vector()) lo = std::min(lo, v), hi = std::max(hi, v);
  EXPECT_EQ(lo, 0.0f);
  EXPECT_EQ(hi, 1.0f);
  EXPECT_EQ(test.class_counts(), std::vector<int64_t>(10, 1000));
  EXPECT_EQ(test.class_names[9], "Ankle boot");
}

TEST(FashionMnist, TrainPartHas6000PerClass) {
  const ImageSet train = load_fashion_mnist(Part::Train);
  ASSERT_EQ(train.images.shape(), (Shape{60000, 1, 28, 28}));
  EXPECT_EQ(train.class_counts(), std::vector<int64_t>(10, 6000));
}

TEST(FashionMnist, ResizeAndReplicateChannels) {
  FashionMnistOptions o;
  o.size = 32, o.channels = 3;
  const ImageSet a = load_fashion_mnist(Part::Test, o);
  ASSERT_EQ(a.images.shape(), (Shape{10000, 3, 32, 32}));
  const float* p = a.images.data();
  for (int64_t i = 0; i < 32 * 32; ++i) ASSERT_EQ(p[i], p[2 * 32 * 32 + i]);
  const ImageSet native = load_fashion_mnist(Part::Test);
  double mean_a = 0, mean_n = 0;  // a bilinear resize keeps the mean intensity close
  for (int64_t i = 0; i < 32 * 32; ++i) mean_a += p[i];
  for (int64_t i = 0; i < 28 * 28; ++i) mean_n += native.images.data()[i];
  EXPECT_NEAR(mean_a / (32 * 32), mean_n / (28 * 28), 0.02);
}

TEST(FashionMnist, MissingFilesNameThePath) {
  FashionMnistOptions o;
  o.root = temp_dir("empty").string();
  try {
    load_fashion_mnist(Part::Test, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("t10k-images-idx3-ubyte.gz"), std::string::npos) << e.what();
    EXPECT_EQ(e.kind(), Error::Kind::BadInput);
  }
}

TEST(FashionMnist, TruncatedFileNamesFileAndRecord) {
  const fs::path dir = temp_dir("truncated");
  std::vector<uint8_t> images = idx_header({3, 28, 28});
  images.resize(images.size() + 28 * 28 + 100, 7);  // one whole image, then part of the second
  write_gz(dir / "t10k-images-idx3-ubyte.gz", images);
  std::vector<uint8_t> labels = idx_header({3});
  labels.insert(labels.end(), {1, 2, 3});
  write_gz(dir / "t10k-labels-idx1-ubyte.gz", labels);
  FashionMnistOptions o;
  o.root = dir.string();
  try {
    load_fashion_mnist(Part::Test, o);
    FAIL();
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("t10k-images-idx3-ubyte.gz: truncated: image 1 of 3"), std::string::npos) << msg;
    EXPECT_EQ(e.kind(), Error::Kind::BadInput);
  }
}

// A header announcing more than kMaxIdxBytes (here 2^23 x 2^23 x 2^2 bytes, which overflows no
// int64 but no machine holds) is refused before anything is allocated; one announcing a million
// images over a file of one is refused as truncated, having allocated only what was read.
TEST(FashionMnist, ImplausibleHeadersAreRefusedBeforeAllocating) {
  const fs::path dir = temp_dir("huge");
  write_gz(dir / "huge.gz", idx_header({1u << 23, 1u << 23, 4}));
  try {
    read_idx((dir / "huge.gz").string(), 3, "image");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("huge.gz: the IDX header announces more than 4294967296 bytes"),
              std::string::npos) << e.what();
  }
  std::vector<uint8_t> one = idx_header({1000000, 28, 28});
  one.resize(one.size() + 28 * 28, 3);
  write_gz(dir / "one.gz", one);
  try {
    read_idx((dir / "one.gz").string(), 3, "image");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("one.gz: truncated: image 1 of 1000000 is incomplete"), std::string::npos)
        << e.what();
  }
}

TEST(FashionMnist, WrongFormatAndCountMismatchAreErrors) {
  const fs::path dir = temp_dir("foreign");
  std::ofstream(dir / "t10k-images-idx3-ubyte.gz") << "this is not an IDX file";
  write_gz(dir / "t10k-labels-idx1-ubyte.gz", idx_header({1}));
  FashionMnistOptions o;
  o.root = dir.string();
  EXPECT_THROW(load_fashion_mnist(Part::Test, o), Error);
  // Valid files that disagree on the count.
  std::vector<uint8_t> images = idx_header({2, 28, 28});
  images.resize(images.size() + 2 * 28 * 28, 0);
  write_gz(dir / "t10k-images-idx3-ubyte.gz", images);
  std::vector<uint8_t> labels = idx_header({3});
  labels.insert(labels.end(), {0, 1, 2});
  write_gz(dir / "t10k-labels-idx1-ubyte.gz", labels);
  try {
    load_fashion_mnist(Part::Test, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("2 images but 3 labels"), std::string::npos) << e.what();
  }
  // A label outside the ten classes.
  labels = idx_header({2});
  labels.insert(labels.end(), {0, 12});
  write_gz(dir / "t10k-labels-idx1-ubyte.gz", labels);
  try {
    load_fashion_mnist(Part::Test, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("label 12 of record 1"), std::string::npos) << e.what();
  }
}

TEST(FashionMnist, BadOptionsAreErrors) {
  FashionMnistOptions o;
  o.channels = 2;
  EXPECT_THROW(load_fashion_mnist(Part::Test, o), Error);
  o.channels = 1, o.size = 0;
  EXPECT_THROW(load_fashion_mnist(Part::Test, o), Error);
}

}  // namespace
}  // namespace splitleak::datasets
