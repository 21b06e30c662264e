// core/input_file.h: a regular file is read at any range; anything else is refused at once,
// naming it and what it is, without blocking (a FIFO with no writer) and without reading.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"
#include "core/input_file.h"

namespace splitleak {
namespace {
namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("splitleak_input_file_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

std::string refusal(const std::string& path, const std::string& what = "") {
  try {
    InputFile f(path, what);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::BadInput);
    return e.what();
  }
  ADD_FAILURE() << path << " opened";
  return "";
}

TEST(InputFile, ARegularFileIsReadAtAnyRange) {
  const fs::path p = scratch("bytes.bin");
  std::ofstream(p, std::ios::binary) << "0123456789";
  const InputFile f(p.string());
  EXPECT_EQ(f.size(), 10u);
  EXPECT_EQ(f.read(0, 10), "0123456789");
  EXPECT_EQ(f.read(3, 4), "3456");
  EXPECT_EQ(f.read(10, 0), "");
  fs::resize_file(p, 5);  // shrunk after the open: the read says where it ended
  try {
    (void)f.read(3, 4);
    ADD_FAILURE() << "read past the end";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ended at byte 5"), std::string::npos) << e.what();
  }
}

TEST(InputFile, WhatIsNotARegularFileIsRefusedAtOnce) {
  const fs::path fifo = scratch("fifo");
  fs::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_NE(refusal(fifo.string()).find(fifo.string() + ": is a FIFO, not a regular file"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_NE(refusal(fifo.parent_path().string()).find("is a directory, not a regular file"), std::string::npos);
  EXPECT_NE(refusal("/dev/null").find("/dev/null: is a character device, not a regular file"), std::string::npos);
  EXPECT_NE(refusal("/dev/zero", "--input").find("--input: is a character device"), std::string::npos);
  fs::remove(fifo);
}

TEST(InputFile, OpenErrorsReportErrnoAsItIs) {
  EXPECT_NE(refusal(scratch("missing").string()).find(": cannot open: No such file or directory"), std::string::npos);
  EXPECT_NE(refusal(scratch("missing").string() + "/below").find("cannot open: No such file or directory"),
            std::string::npos);
  const fs::path file = scratch("plain");
  std::ofstream(file) << "x";
  EXPECT_NE(refusal(file.string() + "/below").find("cannot open: Not a directory"), std::string::npos);
}

TEST(Shown, CutsLongValuesAndKeepsMessagesOnOneLine) {
  EXPECT_EQ(shown("short"), "short");
  EXPECT_EQ(shown(std::string(100000, 'x')).size(), 80u);
  EXPECT_EQ(shown(std::string("a\nb\0c\rd\x7f", 8)), "a?b?c?d?");
  EXPECT_EQ(shown("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 stays as it is
}

}  // namespace
}  // namespace splitleak
