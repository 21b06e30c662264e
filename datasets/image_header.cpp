#include "datasets/image_header.h"

#include <algorithm>

#include "core/error.h"
#include "core/input_file.h"

namespace splitleak::datasets {
namespace {

// The `count` bytes at `at` as an unsigned number; 0 past the end of `bytes`.
uint32_t big_endian(std::string_view bytes, size_t at, int count) {
  uint32_t v = 0;
  for (int i = 0; i < count; ++i)
    v = (v << 8) | (at + i < bytes.size() ? static_cast<uint8_t>(bytes[at + i]) : 0u);
  return v;
}

uint32_t little_endian(std::string_view bytes, size_t at, int count) {
  uint32_t v = 0;
  for (int i = count - 1; i >= 0; --i)
    v = (v << 8) | (at + i < bytes.size() ? static_cast<uint8_t>(bytes[at + i]) : 0u);
  return v;
}

bool starts_with(std::string_view bytes, size_t at, std::string_view text) {
  return bytes.size() >= at + text.size() && bytes.substr(at, text.size()) == text;
}

// JPEG: the first start-of-frame segment (SOF0..SOF15 but DHT C4, JPG C8, DAC CC) holds
// precision, height, width. Segments before it are skipped by their stated lengths.
std::optional<ImageSize> jpeg_size(std::string_view bytes) {
  size_t at = 2;
  while (at + 4 <= bytes.size()) {
    if (static_cast<uint8_t>(bytes[at]) != 0xFF) return std::nullopt;
    const uint8_t type = static_cast<uint8_t>(bytes[at + 1]);
    const uint32_t length = big_endian(bytes, at + 2, 2);
    if (type >= 0xC0 && type <= 0xCF && type != 0xC4 && type != 0xC8 && type != 0xCC) {
      if (at + 9 > bytes.size()) return std::nullopt;
      return ImageSize{big_endian(bytes, at + 7, 2), big_endian(bytes, at + 5, 2)};
    }
    if (length < 2) return std::nullopt;
    at += 2 + length;
  }
  return std::nullopt;
}

const std::string_view kPng("\x89PNG\r\n\x1a\n", 8);

}  // namespace

std::optional<ImageSize> image_header_size(std::string_view bytes) {
  if (bytes.size() < 26) return std::nullopt;
  if (starts_with(bytes, 0, kPng)) return ImageSize{big_endian(bytes, 16, 4), big_endian(bytes, 20, 4)};
  if (starts_with(bytes, 0, "\xff\xd8")) return jpeg_size(bytes);
  if (starts_with(bytes, 0, "BM")) {
    const int64_t height = static_cast<int32_t>(little_endian(bytes, 22, 4));  // negative: top-down rows
    return ImageSize{static_cast<int32_t>(little_endian(bytes, 18, 4)), height < 0 ? -height : height};
  }
  return std::nullopt;
}

void check_image_size(std::string_view bytes, const std::string& where, int64_t max_pixels) {
  const std::optional<ImageSize> size = image_header_size(bytes);
  if (!size || size->width <= 0 || size->height <= 0) return;  // the decoder judges such files
  // width <= max / height: the product of two 32-bit header fields can overflow int64.
  check(size->width <= max_pixels / size->height,
        where + ": the image is " + std::to_string(size->width) + " x " + std::to_string(size->height) +
            " pixels; at most " + std::to_string(max_pixels) + " pixels are decoded");
}

bool is_decoded_format(std::string_view bytes) {
  if (bytes.size() < 3) return false;
  // A DICOM preamble's "DICM" at byte 128 sends any file to OpenCV's DICOM decoder (GDCM), whatever
  // its first bytes: refused whatever they are.
  if (starts_with(bytes, 128, "DICM")) return false;
  if (starts_with(bytes, 0, kPng) || starts_with(bytes, 0, "\xff\xd8\xff") || starts_with(bytes, 0, "BM")) return true;
  if (starts_with(bytes, 0, "RIFF") && starts_with(bytes, 8, "WEBP")) return true;
  const char third = bytes[2];
  const bool whitespace = third == ' ' || third == '\t' || third == '\n' || third == '\r';
  return bytes[0] == 'P' && bytes[1] >= '1' && bytes[1] <= '6' && whitespace;
}

std::string read_image_bytes(const std::string& path, int64_t max_pixels) {
  std::string bytes = read_file(path, kMaxImageFileBytes);
  check(is_decoded_format(bytes), shown(path, 200) + ": not a PNG, JPEG, BMP, PNM or WebP image (the formats splitleak decodes)");
  check_image_size(bytes, shown(path, 200), max_pixels);
  return bytes;
}

}  // namespace splitleak::datasets
