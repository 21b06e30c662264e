// A misbehaving stand-in for splitleak-enclave, to show the host survives it. The behaviour is
// chosen by $SPLITLEAK_FAKE_ENCLAVE (the host passes its environment on):
//   exit        exits with status 7 at once
//   garbage     answers the first frame with bytes that are not a frame
//   oversized   answers with a frame header announcing 1 TiB
//   silent      reads the first frame and never answers
//   wrong       answers Init with a measurement of zeros
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tee_runtime/frames.h"

int main(int argc, char** argv) {
  using namespace splitleak::tee;
  if (argc != 3) return 2;
  const int fd = std::atoi(argv[2]);
  const char* env = std::getenv("SPLITLEAK_FAKE_ENCLAVE");
  const std::string mode = env ? env : "";
  if (mode == "exit") return 7;
  Frame f;
  if (read_frame(fd, f, int64_t{1} << 32, -1) != IoStatus::Ok) return 1;
  if (mode == "garbage") {
    const char junk[] = "this is not a frame at all";
    (void)!::write(fd, junk, sizeof junk);
  } else if (mode == "oversized") {
    char head[16];
    const uint32_t magic = 0x46454c53, type = static_cast<uint32_t>(FrameType::Measurement);
    const uint64_t n = uint64_t{1} << 40;
    std::memcpy(head, &magic, 4), std::memcpy(head + 4, &type, 4), std::memcpy(head + 8, &n, 8);
    (void)!::write(fd, head, sizeof head);
  } else if (mode == "wrong") {
    write_frame(fd, FrameType::Measurement, std::string(32, '\0') + "fake", 5);
  }
  for (;;) pause();  // silent, and every other mode after its answer: the host must stop it
}
