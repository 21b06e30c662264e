#include "tee_runtime/frames.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/error.h"

namespace splitleak::tee {
namespace {

constexpr uint32_t kMagic = 0x46454c53;  // "SLEF"

using Clock = std::chrono::steady_clock;

// Waits until fd is ready for `events` or the deadline passes; false on timeout.
bool wait_ready(int fd, short events, double timeout_s, Clock::time_point start) {
  if (timeout_s < 0) return true;
  for (;;) {
    const double left = timeout_s - std::chrono::duration<double>(Clock::now() - start).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(left * 1000) + 1);
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return true;  // the read or write reports the error
  }
}

IoStatus write_all(int fd, const char* data, size_t n, double timeout_s, Clock::time_point start) {
  while (n > 0) {
    if (!wait_ready(fd, POLLOUT, timeout_s, start)) return IoStatus::TimedOut;
    const ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      if (errno == EPIPE || errno == ECONNRESET) return IoStatus::Closed;
      throw Error(std::string("enclave channel: send failed: ") + std::strerror(errno), Error::Kind::Failure);
    }
    data += w, n -= static_cast<size_t>(w);
  }
  return IoStatus::Ok;
}

IoStatus read_all(int fd, char* data, size_t n, double timeout_s, Clock::time_point start) {
  while (n > 0) {
    if (!wait_ready(fd, POLLIN, timeout_s, start)) return IoStatus::TimedOut;
    const ssize_t r = ::recv(fd, data, n, 0);
    if (r == 0) return IoStatus::Closed;
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      if (errno == ECONNRESET) return IoStatus::Closed;
      throw Error(std::string("enclave channel: receive failed: ") + std::strerror(errno), Error::Kind::Failure);
    }
    data += r, n -= static_cast<size_t>(r);
  }
  return IoStatus::Ok;
}

}  // namespace

std::string frame_type_name(FrameType t) {
  switch (t) {
    case FrameType::Init: return "Init";
    case FrameType::Measurement: return "Measurement";
    case FrameType::Key: return "Key";
    case FrameType::Ready: return "Ready";
    case FrameType::Run: return "Run";
    case FrameType::Features: return "Features";
    case FrameType::Error: return "Error";
    case FrameType::Shutdown: return "Shutdown";
  }
  return "frame type " + std::to_string(static_cast<uint32_t>(t));
}

IoStatus write_frame(int fd, FrameType type, std::string_view payload, double timeout_s) {
  const auto start = Clock::now();
  char head[16];
  const uint32_t t = static_cast<uint32_t>(type);
  const uint64_t n = payload.size();
  std::memcpy(head, &kMagic, 4), std::memcpy(head + 4, &t, 4), std::memcpy(head + 8, &n, 8);
  const IoStatus s = write_all(fd, head, sizeof head, timeout_s, start);
  if (s != IoStatus::Ok) return s;
  return write_all(fd, payload.data(), payload.size(), timeout_s, start);
}

IoStatus read_frame(int fd, Frame& frame, int64_t max_payload, double timeout_s) {
  const auto start = Clock::now();
  char head[16];
  const IoStatus s = read_all(fd, head, sizeof head, timeout_s, start);
  if (s != IoStatus::Ok) return s;
  uint32_t magic = 0, type = 0;
  uint64_t n = 0;
  std::memcpy(&magic, head, 4), std::memcpy(&type, head + 4, 4), std::memcpy(&n, head + 8, 8);
  check(magic == kMagic, "malformed frame: bad magic 0x" + [&] {
    char b[16];
    std::snprintf(b, sizeof b, "%08x", magic);
    return std::string(b);
  }());
  check(type >= static_cast<uint32_t>(FrameType::Init) && type <= static_cast<uint32_t>(FrameType::Shutdown),
        "malformed frame: unknown type " + std::to_string(type));
  check(n <= static_cast<uint64_t>(max_payload), "oversized frame: " + frame_type_name(static_cast<FrameType>(type)) +
                                                    " of " + std::to_string(n) + " bytes, the limit is " +
                                                    std::to_string(max_payload));
  frame.type = static_cast<FrameType>(type);
  frame.payload.assign(static_cast<size_t>(n), '\0');
  return read_all(fd, frame.payload.data(), frame.payload.size(), timeout_s, start);
}

}  // namespace splitleak::tee
