#pragma once
// An image file's width and height from its header alone (PNG, JPEG, BMP), so a file that would
// decode to more pixels than a caller allows is refused before the decoder allocates them.
#include <cstdint>
#include <optional>
#include <string>

namespace splitleak::datasets {

struct ImageSize {
  int64_t width = 0, height = 0;
};

// The size the header states, or nothing for another format or a header too short to say.
std::optional<ImageSize> image_header_size(const std::string& path);

// The most pixels splitleak decodes from one image file (16384 x 16384).
inline constexpr int64_t kMaxImagePixels = int64_t{1} << 28;

// Error naming the file and its size when its header states more than `max_pixels` pixels
// (nothing for a file whose header states no size).
void check_image_size(const std::string& path, int64_t max_pixels = kMaxImagePixels);

// True when the file starts with the signature of a format splitleak decodes: PNG, JPEG, BMP,
// PNM (P1-P6) or WebP. OpenCV picks a decoder by content, not by name, and some of its decoders (GDCM for
// DICOM, found by fuzz_image) abort the process on damaged input: only these reach it, and no
// file with a DICOM preamble ("DICM" at byte 128), which OpenCV sends to GDCM whatever its first
// bytes (a WebP signature, found by fuzz_image: GDCM then ran out of memory).
bool is_decoded_format(const std::string& path);

// Error naming the file when it cannot be opened or is not is_decoded_format, then check_image_size: what every image file
// passes before OpenCV sees it.
void check_image_file(const std::string& path, int64_t max_pixels = kMaxImagePixels);

}  // namespace splitleak::datasets
