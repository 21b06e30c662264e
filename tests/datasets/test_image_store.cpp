// Image stores: a folder decoded once into a byte row file and read back by rows, equal bit for
// bit to loading the folder into memory; reused while the folder is unchanged, rebuilt when it
// changes or the store is damaged.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <opencv2/imgcodecs.hpp>
#include <thread>

#include "core/error.h"
#include "datasets/image_store.h"
#include "tests/support/temp_dir.h"

namespace splitleak::datasets {
namespace {

namespace fs = std::filesystem;

// Two classes of `per_class` 24x20 images each, every pixel a function of (class, image, x, y).
fs::path write_folder(const std::string& name, int per_class) {
  const fs::path dir = testing::fresh_dir("store/" + name);
  for (int k = 0; k < 2; ++k) {
    fs::create_directories(dir / ("class" + std::to_string(k)));
    for (int i = 0; i < per_class; ++i) {
      cv::Mat img(24, 20, CV_8UC3);
      for (int y = 0; y < 24; ++y)
        for (int x = 0; x < 20; ++x)
          img.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uint8_t>(x * 11 + i), static_cast<uint8_t>(y * 9 + k * 50),
                                              static_cast<uint8_t>((x * y + i * 7) % 256));
      cv::imwrite((dir / ("class" + std::to_string(k)) / ("img" + std::to_string(i) + ".png")).string(), img);
    }
  }
  return dir;
}

ImageFolderOptions options(const fs::path& root) {
  ImageFolderOptions o;
  o.root = root.string(), o.size = 16, o.resize_shorter = 18;
  return o;
}

std::vector<int64_t> reversed(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.rbegin(), v.rend(), 0);
  return v;
}

void expect_equal(const ImageRows& rows, const ImageSet& set) {
  ASSERT_EQ(rows.size(), set.size());
  EXPECT_EQ(rows.labels, set.labels);
  EXPECT_EQ(rows.class_names, set.class_names);
  EXPECT_EQ(rows.read_range(0, rows.size()).images.to_vector(), set.images.to_vector());
}

TEST(ImageStore, RowsEqualTheFolderLoadedInMemoryOnDiskOrHeld) {
  const ImageFolder folder(options(write_folder("equal", 9)));
  const std::vector<int64_t> order = reversed(folder.size());
  const ImageSet loaded = folder.load(order);
  ImageStoreOptions s;
  s.dir = testing::fresh_dir("store/equal_cache").string(), s.batch = 4;
  std::vector<int64_t> progress;
  s.progress = [&](int64_t done, int64_t) { progress.push_back(done); };
  const ImageRows on_disk = stored_images(folder, order, 1000, s);
  EXPECT_EQ(progress, (std::vector<int64_t>{4, 8, 12, 16, 18}));
  expect_equal(on_disk, loaded);
  const std::vector<int64_t> picked{5, 0, 17};
  EXPECT_EQ(on_disk.read(picked).images.to_vector(), loaded.subset(picked).images.to_vector());
  s.in_memory_bytes = int64_t{1} << 30;
  const ImageRows held = stored_images(folder, order, 1000, s);
  EXPECT_EQ(progress.size(), 5u) << "the store is reused, not decoded again";
  expect_equal(held, loaded);
  // A limit stores the first rows only.
  const ImageRows first = stored_images(folder, order, 7, s);
  expect_equal(first, loaded.slice(0, 7));
  EXPECT_EQ(stored_images(folder, order, 0, s).size(), 0);
}

TEST(ImageStore, AChangedFolderIsStoredAgain) {
  const fs::path root = write_folder("changed", 3);
  ImageStoreOptions s;
  s.dir = testing::fresh_dir("store/changed_cache").string();
  const ImageFolder before(options(root));
  const ImageRows old_rows = stored_images(before, reversed(before.size()), 100, s);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a later modification time
  cv::Mat black(24, 20, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::imwrite((root / "class0" / "img1.png").string(), black);
  const ImageFolder after(options(root));
  const ImageRows new_rows = stored_images(after, reversed(after.size()), 100, s);
  expect_equal(new_rows, after.load(reversed(after.size())));
  EXPECT_NE(new_rows.read_range(0, 6).images.to_vector(), old_rows.read_range(0, 6).images.to_vector());
}

TEST(ImageStore, UndecodableFilesAreSkippedAsLoadSkipsThem) {
  const fs::path root = write_folder("undecodable", 4);
  std::ofstream(root / "class1" / "img2.png") << "not a png";
  ImageFolderOptions o = options(root);
  const ImageFolder folder(o);
  ImageStoreOptions s;
  s.dir = testing::fresh_dir("store/undecodable_cache").string(), s.batch = 3;
  const ImageRows rows = stored_images(folder, reversed(folder.size()), 100, s);
  EXPECT_EQ(rows.size(), 7);
  expect_equal(rows, ImageFolder(o).load(reversed(folder.size())));
}

TEST(ImageStore, ADamagedStoreIsRebuilt) {
  const ImageFolder folder(options(write_folder("damaged", 5)));
  ImageStoreOptions s;
  s.dir = testing::fresh_dir("store/damaged_cache").string();
  const std::vector<int64_t> order = reversed(folder.size());
  stored_images(folder, order, 100, s);
  fs::path file;
  for (const auto& e : fs::directory_iterator(s.dir)) file = e.path();
  fs::resize_file(file, fs::file_size(file) / 2);
  expect_equal(stored_images(folder, order, 100, s), folder.load(order));
}

}  // namespace
}  // namespace splitleak::datasets
