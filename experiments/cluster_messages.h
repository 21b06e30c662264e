#pragma once
// Point-to-point messages between ranks (built with MPI only; experiments/cluster.h says when MPI
// is on): fixed-size control words for the work queue (experiments/rank_executor.cpp), and text
// for the error of a failed work item. Every wait polls and sleeps (no busy loop).
#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace splitleak::experiments::cluster {

using Words = std::array<int64_t, 3>;

struct Message {
  int from = 0;
  Words words{};
};

void send(int to, const Words& words);
// A control message from any rank, or nothing when none has arrived.
std::optional<Message> poll();
// The next control message from rank `from`.
Words wait_message(int from);

void send_text(int to, const std::string& text);
std::string receive_text(int from);

}  // namespace splitleak::experiments::cluster
