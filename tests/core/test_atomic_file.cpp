// Files written whole or not at all, read with a bound: a failed write leaves neither a torn file
// nor its temporary (and is a failure, exit 1); a file larger than its bound, or one that never
// ends, is refused without being read into memory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "tests/support/temp_dir.h"

namespace splitleak {
namespace {

namespace fs = std::filesystem;

size_t entries(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicFile, AFailedReplaceLeavesNoTemporaryAndIsAFailure) {
  const fs::path dir = testing::fresh_dir("atomic_file");
  fs::create_directory(dir / "taken");  // a directory where the file should go
  try {
    write_file_atomically((dir / "taken").string(), "content");
    FAIL() << "replacing a directory succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::Failure);
    EXPECT_NE(std::string(e.what()).find("cannot replace"), std::string::npos) << e.what();
  }
  EXPECT_EQ(entries(dir), 1u);  // only the directory: no .tmp left behind
  write_file_atomically((dir / "x.txt").string(), "new");
  EXPECT_EQ(read_file((dir / "x.txt").string()), "new");
  EXPECT_EQ(entries(dir), 2u);
}

TEST(AtomicFile, ReadsAreBounded) {
  const fs::path dir = testing::fresh_dir("atomic_file_bounds");
  const std::string path = (dir / "ten.txt").string();
  std::ofstream(path) << "0123456789";
  EXPECT_EQ(read_file(path, 10), "0123456789");
  EXPECT_THROW(read_file(path, 9), Error);
  EXPECT_EQ(read_file_start(path, 4), "0123");
  EXPECT_EQ(read_file_start("/dev/zero", 3), std::string(3, '\0'));
  try {
    read_file("/dev/zero", 1 << 20);
    FAIL() << "a file that never ends was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/dev/zero: more than the 1 MiB"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_file((dir / "absent").string()), Error);
}

}  // namespace
}  // namespace splitleak
