// Files written whole or not at all, and only over regular files: a failed write leaves neither a
// torn file nor its temporary (and is a failure, exit 1, naming errno as it is); a target that
// exists and is not a regular file (a device, a FIFO, a directory, a link to one) is refused
// before anything is written (exit 2); reads are bounded and take regular files only.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <functional>
#include <filesystem>
#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/input_file.h"
#include "tests/support/temp_dir.h"

namespace splitleak {
namespace {

namespace fs = std::filesystem;

size_t entries(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

std::string refusal(const std::function<void()>& write, Error::Kind kind = Error::Kind::BadInput) {
  try {
    write();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "the write succeeded";
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Every writer (text, HDF5 tensors) refuses each kind of target that is not a regular file, and
// leaves it as it was.
TEST(AtomicFile, OnlyARegularFileIsReplaced) {
  const fs::path dir = testing::fresh_dir("atomic_file_targets");
  fs::create_directory(dir / "folder");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  fs::create_symlink("/dev/null", dir / "to_null");
  fs::create_symlink(dir / "fifo", dir / "to_fifo");
  const nn::NamedTensors tensors{{"x", Tensor::zeros({2})}};
  const std::vector<std::pair<std::string, std::string>> targets{
      {(dir / "folder").string(), "is a directory"},  {(dir / "fifo").string(), "is a FIFO"},
      {"/dev/null", "is a character device"},         {"/dev/full", "is a character device"},
      {(dir / "to_null").string(), "is a character device"}, {(dir / "to_fifo").string(), "is a FIFO"}};
  for (const auto& [target, kind] : targets) {
    EXPECT_TRUE(contains(refusal([&] { write_file_atomically(target, "content"); }), target + ": " + kind)) << target;
    EXPECT_TRUE(contains(refusal([&] { h5::write_tensors(target, tensors); }), kind)) << target;
    EXPECT_TRUE(contains(refusal([&] { AtomicOutput out(target, "--output"); }), "--output: " + kind)) << target;
  }
  EXPECT_TRUE(fs::is_fifo(dir / "fifo"));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  EXPECT_TRUE(fs::is_symlink(dir / "to_null"));
  EXPECT_EQ(entries(dir), 4u);  // no temporary left beside any of them
  write_file_atomically((dir / "x.txt").string(), "old");
  write_file_atomically((dir / "x.txt").string(), "new");
  EXPECT_EQ(read_file((dir / "x.txt").string()), "new");
  EXPECT_EQ(entries(dir), 5u);
}

TEST(AtomicFile, ErrorsReportErrnoAsItIs) {
  const fs::path dir = testing::fresh_dir("atomic_file_errno");
  EXPECT_TRUE(contains(refusal([&] { write_file_atomically((dir / "absent" / "x").string(), "x"); }),
                       "No such file or directory"));
  EXPECT_TRUE(contains(refusal([&] { write_file_atomically("/proc/x.h5", "x"); }), "/proc/x.h5: cannot create"));
  std::ofstream(dir / "plain") << "x";
  EXPECT_TRUE(contains(refusal([&] { write_file_atomically((dir / "plain" / "below").string(), "x"); }),
                       "Not a directory"));
  // A write that the system refuses halfway (here a file-size limit: EFBIG, as a full disk gives
  // ENOSPC) is a failure naming the system's reason, and leaves no temporary.
  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const std::string text = refusal([&] { write_file_atomically((dir / "big.txt").string(), std::string(10000, 'x')); },
                                   Error::Kind::Failure);
  const std::string hdf5 = refusal([&] { h5::write_tensors((dir / "big.h5").string(), {{"x", Tensor::zeros({5000})}}); },
                                   Error::Kind::Failure);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  std::signal(SIGXFSZ, previous);
  EXPECT_TRUE(contains(text, "big.txt: write failed: File too large")) << text;
  EXPECT_TRUE(contains(hdf5, "big.h5: cannot write HDF5: File too large")) << hdf5;
  EXPECT_EQ(entries(dir), 1u);  // only "plain"
}

TEST(AtomicFile, AnUncommittedOutputLeavesNothing) {
  const fs::path dir = testing::fresh_dir("atomic_file_uncommitted");
  std::ofstream(dir / "kept.txt") << "before";
  {
    AtomicOutput out((dir / "kept.txt").string());
    out.write("after");
    EXPECT_TRUE(fs::exists(out.temporary()));
  }
  EXPECT_EQ(read_file((dir / "kept.txt").string()), "before");
  EXPECT_EQ(entries(dir), 1u);
}

TEST(InputFile, ReadsAreBoundedAndTakeRegularFilesOnly) {
  const fs::path dir = testing::fresh_dir("atomic_file_bounds");
  const std::string path = (dir / "ten.txt").string();
  std::ofstream(path) << "0123456789";
  EXPECT_EQ(read_file(path, 10), "0123456789");
  EXPECT_TRUE(contains(refusal([&] { read_file(path, 9); }), "ten.txt: 10 bytes, more than the 9 bytes such a file may hold"));
  EXPECT_EQ(read_file_start(path, 4), "0123");
  EXPECT_EQ(read_file_start(path, 400), "0123456789");
  EXPECT_TRUE(contains(refusal([&] { read_file_start("/dev/zero", 3); }), "/dev/zero: is a character device"));
  EXPECT_TRUE(contains(refusal([&] { read_file("/dev/zero", 1 << 20); }), "/dev/zero: is a character device"));
  EXPECT_TRUE(contains(refusal([&] { read_file((dir / "absent").string()); }), "cannot open: No such file or directory"));
}

}  // namespace
}  // namespace splitleak
