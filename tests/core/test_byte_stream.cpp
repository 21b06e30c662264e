// The bounds-checked reader behind tensors, models and sealed files on the wire.
#include <gtest/gtest.h>

#include <string>

#include "core/byte_stream.h"
#include "core/error.h"
#include "tests/support/error_of.h"

namespace splitleak {
namespace {

using testing::error_of;

TEST(ByteStream, ValuesAndRecordsReadBackInOrder) {
  std::string out;
  append_value(out, uint32_t{7});
  append_record(out, "abc");
  append_record(out, "");
  append_value(out, int64_t{-5});
  EXPECT_EQ(out.size(), 4u + 8u + 3u + 8u + 8u);
  ByteReader in(out, "w: truncated");
  EXPECT_EQ(in.read<uint32_t>("a"), 7u);
  EXPECT_EQ(in.record("b"), "abc");
  EXPECT_EQ(in.record("c"), "");
  EXPECT_EQ(in.remaining(), 8u);
  EXPECT_EQ(in.read<int64_t>("d"), -5);
  EXPECT_EQ(in.remaining(), 0u);
}

TEST(ByteStream, ReadsPastTheEndNameTheField) {
  std::string out;
  append_record(out, "abcdef");
  for (size_t n = 0; n < out.size(); ++n) {
    ByteReader in(std::string_view(out).substr(0, n), "w: truncated");
    EXPECT_EQ(error_of([&] { in.record("payload"); }), "w: truncated (payload)") << n;
  }
  ByteReader in(std::string_view(out).substr(0, 3), "x");
  EXPECT_EQ(error_of([&] { in.read<uint32_t>("rank"); }), "x (rank)");
  EXPECT_EQ(in.remaining(), 3u);  // a failed read consumes nothing
  EXPECT_EQ(in.take(3, "rest").size(), 3u);
}

TEST(ByteStream, AHostileLengthIsRefusedNotAllocated) {
  std::string out;
  append_value(out, ~uint64_t{0});
  out += "xy";
  ByteReader in(out, "w: truncated");
  EXPECT_EQ(error_of([&] { in.record("weights"); }), "w: truncated (weights)");
}

}  // namespace
}  // namespace splitleak
