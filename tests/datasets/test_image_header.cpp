// Image sizes read from headers alone: PNG, JPEG and BMP files written by OpenCV report the size
// they decode to; other bytes report nothing; too many pixels is an Error naming the file.
#include <gtest/gtest.h>

#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "core/input_file.h"
#include "datasets/image_header.h"
#include "tests/support/temp_dir.h"

namespace splitleak::datasets {
namespace {

TEST(ImageHeader, SizesOfPngJpegAndBmpFiles) {
  const auto dir = testing::fresh_dir("header");
  const cv::Mat img(37, 53, CV_8UC3, cv::Scalar(10, 20, 30));  // 37 rows, 53 columns
  for (const std::string ext : {".png", ".jpg", ".bmp"}) {
    const std::string path = (dir / ("a" + ext)).string();
    ASSERT_TRUE(cv::imwrite(path, img));
    const std::string bytes = read_file(path);
    const auto size = image_header_size(bytes);
    ASSERT_TRUE(size.has_value()) << ext;
    EXPECT_EQ(size->width, 53) << ext;
    EXPECT_EQ(size->height, 37) << ext;
    EXPECT_NO_THROW(check_image_size(bytes, path));
    EXPECT_THROW(check_image_size(bytes, path, 53 * 37 - 1), Error) << ext;
    EXPECT_THROW(read_image_bytes(path, 53 * 37 - 1), Error) << ext;
    EXPECT_FALSE(image_header_size(bytes.substr(0, 25)).has_value()) << ext;
  }
  EXPECT_FALSE(image_header_size("not an image at all, though long enough to hold a header").has_value());
}

// Found by fuzz_image: a PNG header stating 2^32 − 1 x 2^32 − 1 pixels, whose product overflows
// int64, is refused as too large (not undefined behaviour that lets it through).
TEST(ImageHeader, SizesWhoseProductOverflowsAreRefused) {
  const auto dir = testing::fresh_dir("header_overflow");
  const std::string path = (dir / "huge.png").string();
  std::string bytes = "\x89PNG\r\n\x1a\n";
  bytes += std::string("\x00\x00\x00\x0dIHDR", 8);
  bytes += std::string("\xff\xff\xff\xff\xff\xff\xff\xff", 8);  // width, height
  bytes += std::string(16, '\0');
  std::ofstream(path, std::ios::binary) << bytes;
  const auto size = image_header_size(bytes);
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->width, 4294967295);
  EXPECT_EQ(size->height, 4294967295);
  try {
    read_image_bytes(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("4294967295 x 4294967295 pixels"), std::string::npos) << e.what();
  }
}

// Found by fuzz_image: a file whose first bytes are no format splitleak decodes but which holds
// "DICM" at byte 128 went to OpenCV's DICOM decoder (GDCM), whose assertion aborted the process.
// Only PNG, JPEG, BMP, PNM and WebP files reach OpenCV now; the rest are refused by name.
TEST(ImageHeader, OnlyTheDecodedFormatsReachTheDecoder) {
  const auto dir = testing::fresh_dir("header_formats");
  const cv::Mat img(5, 7, CV_8UC3, cv::Scalar(10, 20, 30));
  for (const std::string ext : {".png", ".jpg", ".bmp", ".ppm", ".pgm", ".webp"}) {
    const std::string path = (dir / ("a" + ext)).string();
    ASSERT_TRUE(cv::imwrite(path, ext == ".pgm" ? cv::Mat(5, 7, CV_8UC1, cv::Scalar(9)) : img));
    EXPECT_TRUE(is_decoded_format(read_file(path))) << ext;
    EXPECT_NO_THROW(read_image_bytes(path)) << ext;
  }
  std::string dicom(128, '\0');
  dicom[0] = '\x89', dicom[1] = 'P', dicom[2] = 'N', dicom[3] = '\n';  // a damaged PNG signature
  dicom += "DICM" + std::string(64, '\x01');
  const std::string path = (dir / "a.dcm").string();
  std::ofstream(path, std::ios::binary) << dicom;
  EXPECT_FALSE(is_decoded_format(dicom));
  try {
    read_image_bytes(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a.dcm: not a PNG, JPEG, BMP, PNM or WebP image"), std::string::npos) << e.what();
  }
  // Found by fuzz_image too: a WebP signature with "DICM" at byte 128 still went to GDCM, which
  // ran out of memory.
  std::string webp_dicom("RIFF:\0\0\0WEBPVP8 ", 16);
  webp_dicom += std::string(128 - 16, '\xff') + "DICM" + std::string(64, '\x01');
  EXPECT_FALSE(is_decoded_format(webp_dicom));
  EXPECT_FALSE(is_decoded_format(""));
  EXPECT_FALSE(is_decoded_format("P7\nWIDTH 1\n"));
  EXPECT_THROW(read_image_bytes((dir / "absent.png").string()), Error);
}

}  // namespace
}  // namespace splitleak::datasets
