#pragma once
// Sealed inputs: what the client sends the enclave, encrypted and authenticated (libsodium
// AEAD) with a session key only the client and the enclave hold.
//
// Messages form a stream, as libsodium's crypto_secretstream does: each is bound to its stream
// and place in it, and the last one is marked, so an opener detects a message dropped, replayed,
// reordered, spliced in from another stream sealed with the same key, or a stream cut short.
//
// One sealed message, little-endian:
//   "SLSEAL2\0"      8 bytes
//   algorithm        1 byte: 1 AES-256-GCM, 2 XChaCha20-Poly1305-IETF
//   measurement     32 bytes: the partition the message is for
//   stream          16 bytes: random, chosen by the sealer once for all its messages
//   sequence         u64: 0, 1, 2, ... within the stream
//   flags            1 byte: bit 0 set on the stream's final message
//   nonce           24 bytes, fresh and random (AES-256-GCM uses the first 12)
//   ciphertext      the plaintext's length + a 16-byte tag
// The associated data is everything before the ciphertext (header and the whole nonce field), so
// no byte of the message can change without it failing to authenticate.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tee_runtime/measurement.h"

namespace splitleak::tee {

enum class Aead : uint8_t { Aes256Gcm = 1, XChaCha20Poly1305 = 2 };

// AES-256-GCM where the CPU has AES-NI and CLMUL (libsodium's requirement), otherwise
// XChaCha20-Poly1305.
Aead preferred_aead();
bool aead_available(Aead a);
std::string aead_name(Aead a);

struct SessionKey {
  std::array<uint8_t, 32> bytes{};
  static SessionKey generate();
};

// A key file holds the key as 64 hex digits and a newline. write_key_file creates it with mode
// 0600 and refuses to overwrite one; read_key_file throws Error naming the file.
void write_key_file(const std::string& path, const SessionKey& key);
SessionKey read_key_file(const std::string& path);

inline constexpr size_t kSealStreamBytes = 16;
inline constexpr size_t kSealHeaderBytes = 8 + 1 + 32 + kSealStreamBytes + 8 + 1;
inline constexpr size_t kSealNonceBytes = 24;
inline constexpr size_t kSealTagBytes = 16;
inline constexpr size_t kSealOverheadBytes = kSealHeaderBytes + kSealNonceBytes + kSealTagBytes;

// The client's side of a session: seals plaintexts in sequence, as one stream, for one enclave's
// measurement.
class Sealer {
 public:
  Sealer(const SessionKey& key, const Measurement& measurement, Aead aead = preferred_aead());
  // Takes the next sequence number; `final` marks the stream's last message, after which the
  // sealer refuses to seal more (Error).
  std::string seal(std::string_view plaintext, bool final = false);
  uint64_t next_sequence() const { return next_; }

 private:
  SessionKey key_;
  Measurement measurement_;
  Aead aead_;
  std::array<uint8_t, kSealStreamBytes> stream_{};
  uint64_t next_ = 0;
  bool ended_ = false;
};

// The enclave's side: opens one stream's messages once each, in sequence. open() throws Error,
// and returns nothing, for a truncated or foreign message, an algorithm this CPU lacks, a message
// sealed for another measurement, a wrong key or altered bytes, a replayed or reordered message
// (an authentic one whose sequence number is not the next expected), one of another stream than
// the first message's, or any message after the final one. A rejected message does not advance
// the sequence; an authentic one is consumed, even when what the enclave does with it then fails.
// ended() says whether the final message has been opened: a stream that stops before it was cut
// short.
class Opener {
 public:
  Opener(const SessionKey& key, const Measurement& measurement);
  std::string open(std::string_view message);
  uint64_t next_sequence() const { return next_; }
  bool ended() const { return ended_; }
  // The stream of the messages opened so far (zeros before the first).
  const std::array<uint8_t, kSealStreamBytes>& stream() const { return stream_; }

 private:
  SessionKey key_;
  Measurement measurement_;
  std::array<uint8_t, kSealStreamBytes> stream_{};  // learnt from message 0
  uint64_t next_ = 0;
  bool ended_ = false;
};

// A sealed file (splitleak seal's output): "SLSEALF1", u64 count, then count x (u64 length +
// sealed message). Written atomically; read_sealed_file throws Error naming the file.
void write_sealed_file(const std::string& path, const std::vector<std::string>& messages);
std::vector<std::string> read_sealed_file(const std::string& path);

}  // namespace splitleak::tee
