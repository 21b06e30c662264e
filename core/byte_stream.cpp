#include "core/byte_stream.h"

#include <cstring>

#include "core/error.h"

namespace splitleak {

void append_record(std::string& out, std::string_view bytes) {
  append_value(out, static_cast<uint64_t>(bytes.size()));
  out.append(bytes);
}

std::string_view ByteReader::take(size_t n, const std::string& field) {
  check(n <= remaining(), truncated_ + " (" + field + ")");
  const std::string_view part = bytes_.substr(at_, n);
  at_ += n;
  return part;
}

void ByteReader::read(void* dst, size_t n, const std::string& field) {
  const std::string_view part = take(n, field);
  if (n > 0) std::memcpy(dst, part.data(), n);
}

std::string_view ByteReader::record(const std::string& field) {
  return take(static_cast<size_t>(read<uint64_t>(field)), field);
}

}  // namespace splitleak
