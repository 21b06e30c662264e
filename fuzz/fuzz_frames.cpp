// The host/enclave frame protocol: frames read from a socket holding any bytes, until the input
// ends or a frame is refused.
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "tee_runtime/frames.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splitleak;
  if (size > (1 << 16)) return 0;  // one socket buffer: the writer must not block
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) __builtin_trap();
  if (size > 0 && ::write(fds[0], data, size) != static_cast<ssize_t>(size)) __builtin_trap();
  ::close(fds[0]);
  try {
    tee::Frame frame;
    while (tee::read_frame(fds[1], frame, 1 << 20, 1.0) == tee::IoStatus::Ok) {
    }
  } catch (const Error&) {
  }
  ::close(fds[1]);
  return 0;
}
