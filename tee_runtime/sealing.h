#pragma once
// Sealed inputs: what the client sends the enclave, encrypted and authenticated (libsodium
// AEAD) with a session key only the client and the enclave hold.
//
// One sealed message, little-endian:
//   "SLSEAL1\0"      8 bytes
//   algorithm        1 byte: 1 AES-256-GCM, 2 XChaCha20-Poly1305-IETF
//   measurement     32 bytes: the partition the message is for
//   sequence         u64: 0, 1, 2, ... within the session
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

inline constexpr size_t kSealHeaderBytes = 8 + 1 + 32 + 8;
inline constexpr size_t kSealNonceBytes = 24;
inline constexpr size_t kSealTagBytes = 16;
inline constexpr size_t kSealOverheadBytes = kSealHeaderBytes + kSealNonceBytes + kSealTagBytes;

// The client's side of a session: seals plaintexts in sequence for one enclave's measurement.
class Sealer {
 public:
  Sealer(const SessionKey& key, const Measurement& measurement, Aead aead = preferred_aead());
  std::string seal(std::string_view plaintext);  // takes the next sequence number
  uint64_t next_sequence() const { return next_; }

 private:
  SessionKey key_;
  Measurement measurement_;
  Aead aead_;
  uint64_t next_ = 0;
};

// The enclave's side: opens each message once, in sequence. open() throws Error, and returns
// nothing, for a truncated or foreign message, an algorithm this CPU lacks, a message sealed for
// another measurement, a wrong key or altered bytes, or a replayed or reordered message (an
// authentic one whose sequence number is not the next expected). A rejected message does not
// advance the sequence; an authentic one is consumed, even when what the enclave does with it
// then fails.
class Opener {
 public:
  Opener(const SessionKey& key, const Measurement& measurement);
  std::string open(std::string_view message);
  uint64_t next_sequence() const { return next_; }

 private:
  SessionKey key_;
  Measurement measurement_;
  uint64_t next_ = 0;
};

// A sealed file (splitleak seal's output): "SLSEALF1", u64 count, then count x (u64 length +
// sealed message). Written atomically; read_sealed_file throws Error naming the file.
void write_sealed_file(const std::string& path, const std::vector<std::string>& messages);
std::vector<std::string> read_sealed_file(const std::string& path);

}  // namespace splitleak::tee
