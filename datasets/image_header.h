#pragma once
// What an image file must pass before OpenCV sees its bytes: a regular file (core/input_file.h),
// the signature of a format splitleak decodes, and a header whose width and height (PNG, JPEG,
// BMP) are within what a caller allows, so a file that would decode to more pixels is refused
// before the decoder allocates them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace splitleak::datasets {

struct ImageSize {
  int64_t width = 0, height = 0;
};

// The size the header in `bytes` states, or nothing for another format or a header too short to say.
std::optional<ImageSize> image_header_size(std::string_view bytes);

// The most pixels splitleak decodes from one image file (16384 x 16384).
inline constexpr int64_t kMaxImagePixels = int64_t{1} << 28;
// The largest image file read (an uncompressed 16384 x 16384 colour BMP is 768 MiB).
inline constexpr uint64_t kMaxImageFileBytes = uint64_t{1} << 30;

// Error naming `where` and the size when the header in `bytes` states more than `max_pixels`
// pixels (nothing for a header that states no size).
void check_image_size(std::string_view bytes, const std::string& where, int64_t max_pixels = kMaxImagePixels);

// True when `bytes` start with the signature of a format splitleak decodes: PNG, JPEG, BMP,
// PNM (P1-P6) or WebP. OpenCV picks a decoder by content, not by name, and some of its decoders (GDCM for
// DICOM, found by fuzz_image) abort the process on damaged input: only these reach it, and no
// file with a DICOM preamble ("DICM" at byte 128), which OpenCV sends to GDCM whatever its first
// bytes (a WebP signature, found by fuzz_image: GDCM then ran out of memory).
bool is_decoded_format(std::string_view bytes);

// The bytes of the image file at `path`, for cv::imdecode: Error naming the file when it cannot be
// opened, is not a regular file, holds more than kMaxImageFileBytes, is not is_decoded_format, or
// fails check_image_size.
std::string read_image_bytes(const std::string& path, int64_t max_pixels = kMaxImagePixels);

}  // namespace splitleak::datasets
