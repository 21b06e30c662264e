#pragma once
// Little-endian binary layouts for messages that cross a process or trust boundary (tensors,
// models, sealed files): fixed-size values and u64-length-prefixed records, written by append_*
// and read back by ByteReader, which checks every length before reading, so a truncated or
// hostile string gives an Error, never an out-of-bounds read.
#include <cstdint>
#include <string>
#include <string_view>

namespace splitleak {

// Appends the object representation of `value` (little-endian on the hosts splitleak runs on).
template <typename T>
void append_value(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// Appends u64 length, then `bytes`.
void append_record(std::string& out, std::string_view bytes);

// Reads `bytes` front to back. A read past the end throws Error("<truncated> (<field>)").
class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::string truncated) : bytes_(bytes), truncated_(std::move(truncated)) {}
  // The next n bytes, assigned to dst.
  void read(void* dst, size_t n, const std::string& field);
  template <typename T>
  T read(const std::string& field) {
    T value{};
    read(&value, sizeof value, field);
    return value;
  }
  // The next n bytes, a view into the input.
  std::string_view take(size_t n, const std::string& field);
  // A u64 length, then that many bytes (both reported as `field`).
  std::string_view record(const std::string& field);
  size_t remaining() const { return bytes_.size() - at_; }

 private:
  std::string_view bytes_;
  std::string truncated_;
  size_t at_ = 0;
};

}  // namespace splitleak
