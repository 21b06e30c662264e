// The image-folder loader on the colour set (scripts/make_colour_set.py, built by ctest's
// colour_set_data fixture) and on small folders written here.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "tests/support/temp_dir.h"
#include "datasets/image_folder.h"

namespace splitleak::datasets {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) { return testing::fresh_dir("folder/" + name); }

std::vector<int64_t> all(const ImageFolder& f) {
  std::vector<int64_t> v(static_cast<size_t>(f.size()));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(ImageFolder, ColourSetClassesAndStreaming) {
  ImageFolderOptions o;
  o.root = SPLITLEAK_COLOUR_SET_DIR;
  o.size = 64, o.resize_shorter = 72;
  ImageFolder folder(o);
  ASSERT_TRUE(folder.labelled());
  EXPECT_EQ(folder.class_names(), (std::vector<std::string>{"astronaut", "chelsea", "coffee", "hubble_deep_field",
                                                             "motorcycle_left", "retina", "rocket"}));
  // Every file sits in its class's folder.
  for (int64_t i = 0; i < folder.size(); ++i)
    ASSERT_EQ(fs::path(folder.files()[i]).parent_path().filename(), folder.class_names()[folder.labels()[i]]);
  auto stream = folder.stream(all(folder), 32);
  int64_t seen = 0, batches = 0;
  while (auto batch = stream->next()) {
    ASSERT_EQ(batch->images.size(1), 3);
    ASSERT_EQ(batch->images.size(2), 64);
    for (float v : batch->images.to_vector()) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
    seen += batch->size(), ++batches;
  }
  EXPECT_EQ(seen, folder.size());
  EXPECT_EQ(batches, (folder.size() + 31) / 32);
  EXPECT_EQ(folder.undecodable(), 0);
}

TEST(ImageFolder, CenterCropAndRgbOrder) {
  // A 40x60 (h x w) image whose column x has red = x, green = 100, blue = 200: with the shorter
  // side already 40, the center crop of 40 keeps columns 10..49.
  const fs::path dir = temp_dir("crop");
  cv::Mat img(40, 60, CV_8UC3);
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 60; ++x) img.at<cv::Vec3b>(y, x) = cv::Vec3b(200, 100, static_cast<uint8_t>(x));  // BGR
  cv::imwrite((dir / "a.png").string(), img);
  ImageFolderOptions o;
  o.root = dir.string(), o.size = 40, o.resize_shorter = 40;
  ImageFolder folder(o);
  EXPECT_FALSE(folder.labelled());  // a flat folder
  EXPECT_EQ(folder.labels(), (std::vector<int64_t>{-1}));
  const ImageSet s = folder.load({0});
  const float* p = s.images.data();
  EXPECT_FLOAT_EQ(p[0], 10.0f / 255.0f);             // red of the first kept column
  EXPECT_FLOAT_EQ(p[39], 49.0f / 255.0f);            // red of the last
  EXPECT_FLOAT_EQ(p[40 * 40], 100.0f / 255.0f);      // green plane
  EXPECT_FLOAT_EQ(p[2 * 40 * 40], 200.0f / 255.0f);  // blue plane
}

TEST(ImageFolder, RandomCropsAreSeeded) {
  ImageFolderOptions o;
  o.root = SPLITLEAK_COLOUR_SET_DIR;
  o.size = 32, o.resize_shorter = 64, o.random_crop = true, o.seed = 5;
  ImageFolder a(o), b(o);
  o.seed = 6;
  ImageFolder c(o);
  const std::vector<int64_t> first{0, 1, 2, 3};
  EXPECT_EQ(a.load(first).images.to_vector(), b.load(first).images.to_vector());
  EXPECT_NE(a.load(first).images.to_vector(), c.load(first).images.to_vector());
  // A function of (seed, index) only: the same image in another position gets the same crop.
  const ImageSet reordered = a.load({3, 0});
  const ImageSet straight = a.load({0, 3});
  const int64_t plane = 3 * 32 * 32;
  EXPECT_TRUE(std::equal(reordered.images.data(), reordered.images.data() + plane, straight.images.data() + plane));
}

TEST(ImageFolder, UndecodableFilesAreSkippedCountedAndBounded) {
  const fs::path dir = temp_dir("bad");
  fs::create_directories(dir / "cats");
  cv::imwrite((dir / "cats" / "good.png").string(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(1, 2, 3)));
  std::ofstream(dir / "cats" / "broken.jpg") << "not a jpeg";
  ImageFolderOptions o;
  o.root = dir.string(), o.size = 8, o.resize_shorter = 8, o.max_undecodable = 1;
  ImageFolder folder(o);
  ASSERT_EQ(folder.size(), 2);
  auto stream = folder.stream(all(folder), 2);
  auto batch = stream->next();
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->size(), 1);  // the broken file is skipped
  EXPECT_FALSE(stream->next().has_value());
  EXPECT_EQ(folder.undecodable(), 1);
  o.max_undecodable = 0;
  ImageFolder strict(o);
  auto failing = strict.stream(all(strict), 2);
  try {
    failing->next();
    FAIL() << "too many undecodable files were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("broken.jpg"), std::string::npos) << e.what();
  }
}

// Entries named like images that cannot be stat'ed (a link loop, a dangling link) or are no
// regular file (a FIFO, a link to a device) are undecodable at the scan: counted against the
// allowance, never listed as images, never opened; past the allowance the scan is refused.
TEST(ImageFolder, EntriesThatAreNoRegularFileAreUndecodableAtTheScan) {
  const fs::path dir = temp_dir("unstattable");
  fs::create_directories(dir / "cats");
  fs::create_directories(dir / "dogs");
  for (const char* c : {"cats", "dogs"})
    cv::imwrite((dir / c / "good.png").string(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(1, 2, 3)));
  fs::create_symlink("loop.png", dir / "cats" / "loop.png");
  fs::create_symlink(dir / "absent.png", dir / "cats" / "dangling.png");
  fs::create_symlink("/dev/zero", dir / "dogs" / "zero.jpg");
  ASSERT_EQ(::mkfifo((dir / "dogs" / "fifo.png").c_str(), 0600), 0);
  fs::create_symlink("cycle", dir / "cycle");  // a looping "class folder" is no class
  ImageFolderOptions o;
  o.root = dir.string(), o.size = 8, o.resize_shorter = 8, o.max_undecodable = 4;
  const ImageFolder folder(o);
  EXPECT_EQ(folder.size(), 2);
  EXPECT_EQ(folder.class_names(), (std::vector<std::string>{"cats", "dogs"}));
  EXPECT_EQ(folder.undecodable(), 4);
  const ImageSet all_images = folder.load(all(folder));
  EXPECT_EQ(all_images.size(), 2);
  o.max_undecodable = 3;
  try {
    ImageFolder strict(o);
    FAIL() << "four undecodable entries passed an allowance of three";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("4 undecodable files, more than the allowed 3"), std::string::npos) << e.what();
  }
}

TEST(ImageFolder, MissingOrEmptyFoldersAndBadOptions) {
  ImageFolderOptions o;
  o.root = (temp_dir("gone") / "nothing_here").string();
  EXPECT_THROW(ImageFolder{o}, Error);
  o.root = temp_dir("empty").string();
  EXPECT_THROW(ImageFolder{o}, Error);
  o.root = SPLITLEAK_COLOUR_SET_DIR;
  o.size = 64, o.resize_shorter = 32;  // would crop beyond the image
  EXPECT_THROW(ImageFolder{o}, Error);
}

TEST(ImageFolder, StreamStopsEarlyWithoutHanging) {
  ImageFolderOptions o;
  o.root = SPLITLEAK_COLOUR_SET_DIR;
  o.size = 32, o.resize_shorter = 32;
  ImageFolder folder(o);
  auto stream = folder.stream(all(folder), 8);
  ASSERT_TRUE(stream->next().has_value());
  stream.reset();  // the worker must stop and join
  SUCCEED();
}

}  // namespace
}  // namespace splitleak::datasets
