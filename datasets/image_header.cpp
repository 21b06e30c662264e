#include "datasets/image_header.h"

#include <algorithm>
#include <fstream>
#include <vector>

#include "core/error.h"

namespace splitleak::datasets {
namespace {

uint32_t big_endian(const uint8_t* p, int bytes) {
  uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

uint32_t little_endian(const uint8_t* p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// JPEG: the first start-of-frame segment (SOF0..SOF15 but DHT C4, JPG C8, DAC CC) holds
// precision, height, width. Segments before it are skipped by their stated lengths.
std::optional<ImageSize> jpeg_size(std::ifstream& in) {
  in.seekg(2);
  uint8_t marker[4];
  while (in.read(reinterpret_cast<char*>(marker), 4)) {
    if (marker[0] != 0xFF) return std::nullopt;
    const uint8_t type = marker[1];
    const uint32_t length = big_endian(marker + 2, 2);
    if (type >= 0xC0 && type <= 0xCF && type != 0xC4 && type != 0xC8 && type != 0xCC) {
      uint8_t frame[5];
      if (!in.read(reinterpret_cast<char*>(frame), 5)) return std::nullopt;
      return ImageSize{big_endian(frame + 3, 2), big_endian(frame + 1, 2)};
    }
    if (length < 2) return std::nullopt;
    in.seekg(length - 2, std::ios::cur);
  }
  return std::nullopt;
}

}  // namespace

std::optional<ImageSize> image_header_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> head(26, 0);
  if (!in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()))) return std::nullopt;
  const uint8_t png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (std::equal(png, png + 8, head.begin()))
    return ImageSize{big_endian(&head[16], 4), big_endian(&head[20], 4)};
  if (head[0] == 0xFF && head[1] == 0xD8) return jpeg_size(in);
  if (head[0] == 'B' && head[1] == 'M') {
    const int64_t height = static_cast<int32_t>(little_endian(&head[22], 4));  // negative: top-down rows
    return ImageSize{static_cast<int32_t>(little_endian(&head[18], 4)), height < 0 ? -height : height};
  }
  return std::nullopt;
}

void check_image_size(const std::string& path, int64_t max_pixels) {
  const std::optional<ImageSize> size = image_header_size(path);
  if (!size || size->width <= 0 || size->height <= 0) return;  // the decoder judges such files
  // width <= max / height: the product of two 32-bit header fields can overflow int64.
  check(size->width <= max_pixels / size->height,
        path + ": the image is " + std::to_string(size->width) + " x " + std::to_string(size->height) +
            " pixels; at most " + std::to_string(max_pixels) + " pixels are decoded");
}

bool is_decoded_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  uint8_t head[132] = {};
  in.read(reinterpret_cast<char*>(head), sizeof head);
  if (in.gcount() < 3) return false;
  // A DICOM preamble's "DICM" at byte 128 sends any file to OpenCV's DICOM decoder (GDCM), whatever
  // its first bytes: refused whatever they are.
  if (in.gcount() == sizeof head && std::equal(head + 128, head + 132, "DICM")) return false;
  const uint8_t png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (std::equal(png, png + 8, head)) return true;
  if (head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return true;
  if (head[0] == 'B' && head[1] == 'M') return true;
  if (std::equal(head, head + 4, "RIFF") && std::equal(head + 8, head + 12, "WEBP")) return true;
  const bool whitespace = head[2] == ' ' || head[2] == '\t' || head[2] == '\n' || head[2] == '\r';
  return head[0] == 'P' && head[1] >= '1' && head[1] <= '6' && whitespace;
}

void check_image_file(const std::string& path, int64_t max_pixels) {
  check(std::ifstream(path, std::ios::binary).good(), path + ": cannot read the image (missing or unreadable)");
  check(is_decoded_format(path), path + ": not a PNG, JPEG, BMP, PNM or WebP image (the formats splitleak decodes)");
  check_image_size(path, max_pixels);
}

}  // namespace splitleak::datasets
