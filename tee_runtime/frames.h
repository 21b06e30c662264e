#pragma once
// The length-prefixed protocol between the host and splitleak-enclave over a socketpair.
//
// A frame: u32 magic "SLEF", u32 type, u64 payload length, then the payload (little-endian).
// Conversation, host -> child / child -> host:
//   Init(u64 memory budget, i32 threads, model bytes)  -> Measurement(32 bytes, sandbox report)
//   Key(32 bytes)                                       -> Ready
//   Run(sealed input)                                   -> Features(3 x f64 decrypt/compute/export ms,
//                                                          u8 1 when the input ended its stream, tensor bytes)
//   Shutdown                                            -> (the child exits 0)
// Any request may be answered with Error(message); the child keeps serving after rejecting an
// input, and exits after a malformed frame.
#include <cstdint>
#include <string>
#include <string_view>

namespace splitleak::tee {

enum class FrameType : uint32_t { Init = 1, Measurement, Key, Ready, Run, Features, Error, Shutdown };

struct Frame {
  FrameType type = FrameType::Error;
  std::string payload;
};

enum class IoStatus { Ok, Closed, TimedOut };

// timeout_s < 0: wait for ever. Closed: the peer has gone (EOF, EPIPE, ECONNRESET).
IoStatus write_frame(int fd, FrameType type, std::string_view payload, double timeout_s);
// Throws Error naming what is wrong for a frame with a bad magic, an unknown type or a payload
// over max_payload bytes (nothing more is read from it).
IoStatus read_frame(int fd, Frame& frame, int64_t max_payload, double timeout_s);

std::string frame_type_name(FrameType t);

}  // namespace splitleak::tee
