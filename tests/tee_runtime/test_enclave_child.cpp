// splitleak-enclave against a hostile host: garbage, oversized frames, requests out of order and
// bad Init payloads get an Error frame naming the problem; the child never crashes, and exits
// after a frame it cannot trust.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "tee_runtime/frames.h"

extern char** environ;

namespace splitleak::tee {
namespace {

struct Child {
  pid_t pid = 0;
  int fd = -1;
  Child() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 3);
    std::string a0 = "splitleak-enclave", a1 = "--fd", a2 = "3";
    char* argv[] = {a0.data(), a1.data(), a2.data(), nullptr};
    EXPECT_EQ(posix_spawn(&pid, SPLITLEAK_ENCLAVE_EXE, &actions, nullptr, argv, environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    fd = fds[0];
  }
  Frame answer() {
    Frame f;
    EXPECT_EQ(read_frame(fd, f, 1 << 20, 10), IoStatus::Ok);
    return f;
  }
  int exit_status() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(fd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
  }
};

void expect_error_frame(const Frame& f, const std::string& fragment) {
  EXPECT_EQ(f.type, FrameType::Error);
  EXPECT_NE(f.payload.find(fragment), std::string::npos) << f.payload;
}

TEST(EnclaveChild, GarbageIsAMalformedFrame) {
  Child c;
  const char junk[] = "GET / HTTP/1.1\r\n\r\n";
  ASSERT_EQ(::write(c.fd, junk, sizeof junk), static_cast<ssize_t>(sizeof junk));
  expect_error_frame(c.answer(), "malformed frame: bad magic");
  EXPECT_EQ(c.exit_status(), 3);
}

TEST(EnclaveChild, OversizedFrameIsRefusedUnread) {
  Child c;
  char head[16];
  const uint32_t magic = 0x46454c53, type = static_cast<uint32_t>(FrameType::Init);
  const uint64_t n = uint64_t{1} << 40;
  std::memcpy(head, &magic, 4), std::memcpy(head + 4, &type, 4), std::memcpy(head + 8, &n, 8);
  ASSERT_EQ(::write(c.fd, head, sizeof head), 16);
  expect_error_frame(c.answer(), "oversized frame: Init of 1099511627776 bytes");
  EXPECT_EQ(c.exit_status(), 3);
}

TEST(EnclaveChild, RequestsOutOfOrderAndBadInitAreRefused) {
  Child c;
  ASSERT_EQ(write_frame(c.fd, FrameType::Run, "sealed?", 5), IoStatus::Ok);
  expect_error_frame(c.answer(), "no session key yet");
  ASSERT_EQ(write_frame(c.fd, FrameType::Key, std::string(32, 'k'), 5), IoStatus::Ok);
  expect_error_frame(c.answer(), "holds no partition yet");
  ASSERT_EQ(write_frame(c.fd, FrameType::Measurement, "", 5), IoStatus::Ok);
  expect_error_frame(c.answer(), "unexpected Measurement frame");
  EXPECT_EQ(c.exit_status(), 3);

  Child d;
  std::string init(12, '\0');
  const uint64_t budget = 1 << 30;
  const int32_t threads = 1;
  std::memcpy(init.data(), &budget, 8), std::memcpy(init.data() + 8, &threads, 4);
  ASSERT_EQ(write_frame(d.fd, FrameType::Init, init + "SLMODEL1 not really", 5), IoStatus::Ok);
  expect_error_frame(d.answer(), "truncated model");
  EXPECT_EQ(d.exit_status(), 3);

  Child e;
  ASSERT_EQ(write_frame(e.fd, FrameType::Shutdown, "", 5), IoStatus::Ok);
  EXPECT_EQ(e.exit_status(), 0);
}

}  // namespace
}  // namespace splitleak::tee
