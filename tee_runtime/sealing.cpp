#include "tee_runtime/sealing.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/input_file.h"
#include "core/byte_stream.h"
#include "core/error.h"
#include "tee_runtime/crypto.h"

namespace splitleak::tee {
namespace {

constexpr char kMagic[8] = {'S', 'L', 'S', 'E', 'A', 'L', '2', '\0'};
constexpr uint8_t kFinalFlag = 1;
constexpr char kFileMagic[8] = {'S', 'L', 'S', 'E', 'A', 'L', 'F', '1'};
// A sealed file is read whole (the enclave's inputs, one message per batch): bounded like the
// process enclave's default memory budget.
constexpr size_t kMaxSealedBytes = size_t{4} << 30;

size_t nonce_bytes(Aead a) {
  return a == Aead::Aes256Gcm ? crypto_aead_aes256gcm_NPUBBYTES : crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
}

std::string header(Aead a, const Measurement& m, const std::array<uint8_t, kSealStreamBytes>& stream,
                   uint64_t sequence, uint8_t flags) {
  std::string h(kMagic, sizeof kMagic);
  h.push_back(static_cast<char>(a));
  h.append(reinterpret_cast<const char*>(m.data()), m.size());
  h.append(reinterpret_cast<const char*>(stream.data()), stream.size());
  append_value(h, sequence);
  h.push_back(static_cast<char>(flags));
  return h;
}

// Where the header's fields start.
constexpr size_t kAeadAt = sizeof kMagic, kMeasurementAt = kAeadAt + 1, kStreamAt = kMeasurementAt + 32,
                 kSequenceAt = kStreamAt + kSealStreamBytes, kFlagsAt = kSequenceAt + 8;
static_assert(kFlagsAt + 1 == kSealHeaderBytes);

}  // namespace

bool aead_available(Aead a) {
  sodium_ready();
  return a == Aead::XChaCha20Poly1305 || (a == Aead::Aes256Gcm && crypto_aead_aes256gcm_is_available() == 1);
}

Aead preferred_aead() { return aead_available(Aead::Aes256Gcm) ? Aead::Aes256Gcm : Aead::XChaCha20Poly1305; }

std::string aead_name(Aead a) { return a == Aead::Aes256Gcm ? "AES-256-GCM" : "XChaCha20-Poly1305"; }

SessionKey SessionKey::generate() {
  sodium_ready();
  SessionKey k;
  randombytes_buf(k.bytes.data(), k.bytes.size());
  return k;
}

void write_key_file(const std::string& path, const SessionKey& key) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  check(fd >= 0, path + ": cannot create the key file (" + std::strerror(errno) +
                     (errno == EEXIST ? "; a key file is never overwritten" : "") + ")");
  const std::string text = to_hex(key.bytes.data(), key.bytes.size()) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool closed = ::close(fd) == 0;
  if (!ok || !closed) {
    ::unlink(path.c_str());
    throw Error(path + ": could not write the key file", Error::Kind::Failure);
  }
}

namespace {

std::string octal(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode);
  return text;
}

}  // namespace

SessionKey read_key_file(const std::string& path) {
  const std::string where = shown(path, 200) + ": the key file";
  const InputFile file(path, where);
  // Like ssh with a private key: a key others may read is no longer the client's alone.
  check((file.mode() & 077) == 0, where + " may be read or written by others (mode " + octal(file.mode() & 0777) +
                                      "): `chmod 600 " + shown(path, 200) + "`, or make a new key");
  // 64 hex digits and one line end (\n or \r\n), as write_key_file writes it; anything more is refused.
  constexpr uint64_t kKeyDigits = 2 * sizeof(SessionKey::bytes);
  check(file.size() <= kKeyDigits + 2, where + ": " + std::to_string(file.size()) + " bytes; a key file holds " +
                                           std::to_string(kKeyDigits) + " hex digits and a line end");
  std::string text = file.read(0, file.size());
  if (text.ends_with("\r\n")) text.resize(text.size() - 2);
  else if (text.ends_with("\n")) text.pop_back();
  const auto bytes = from_hex(text, 32, where);
  SessionKey k;
  std::copy(bytes.begin(), bytes.end(), k.bytes.begin());
  return k;
}

Sealer::Sealer(const SessionKey& key, const Measurement& measurement, Aead aead)
    : key_(key), measurement_(measurement), aead_(aead) {
  check(aead_available(aead), aead_name(aead) + " is not available on this CPU");
  randombytes_buf(stream_.data(), stream_.size());
}

std::string Sealer::seal(std::string_view plaintext, bool final) {
  check(!ended_, "sealing: the stream has ended (its final message was sealed)");
  std::string out = header(aead_, measurement_, stream_, next_, final ? kFinalFlag : 0);
  std::array<unsigned char, kSealNonceBytes> nonce{};
  randombytes_buf(nonce.data(), nonce_bytes(aead_));
  out.append(reinterpret_cast<const char*>(nonce.data()), nonce.size());
  const size_t at = out.size(), ad_bytes = at;  // the header and the whole nonce field
  out.resize(at + plaintext.size() + kSealTagBytes);
  auto* c = reinterpret_cast<unsigned char*>(out.data() + at);
  const auto* m = reinterpret_cast<const unsigned char*>(plaintext.data());
  const auto* ad = reinterpret_cast<const unsigned char*>(out.data());
  unsigned long long written = 0;
  const int rc = aead_ == Aead::Aes256Gcm
                     ? crypto_aead_aes256gcm_encrypt(c, &written, m, plaintext.size(), ad, ad_bytes, nullptr,
                                                     nonce.data(), key_.bytes.data())
                     : crypto_aead_xchacha20poly1305_ietf_encrypt(c, &written, m, plaintext.size(), ad, ad_bytes,
                                                                  nullptr, nonce.data(), key_.bytes.data());
  if (rc != 0 || written != plaintext.size() + kSealTagBytes) throw Error("sealing failed", Error::Kind::Failure);
  ++next_;
  ended_ = final;
  return out;
}

Opener::Opener(const SessionKey& key, const Measurement& measurement) : key_(key), measurement_(measurement) {
  sodium_ready();
}

std::string Opener::open(std::string_view message) {
  check(message.size() >= kSealOverheadBytes, "sealed input rejected: truncated (" + std::to_string(message.size()) +
                                                  " bytes, a sealed message has at least " +
                                                  std::to_string(kSealOverheadBytes) + ")");
  check(std::memcmp(message.data(), kMagic, sizeof kMagic) == 0, "sealed input rejected: not a sealed message");
  check(!ended_, "sealed input rejected: the stream has ended (its final message was opened)");
  const auto aead = static_cast<Aead>(message[kAeadAt]);
  check(aead == Aead::Aes256Gcm || aead == Aead::XChaCha20Poly1305,
        "sealed input rejected: unknown algorithm " + std::to_string(static_cast<int>(aead)));
  check(aead_available(aead), "sealed input rejected: sealed with " + aead_name(aead) + ", which this CPU lacks");
  Measurement sealed_for;
  std::memcpy(sealed_for.data(), message.data() + kMeasurementAt, sealed_for.size());
  check(sealed_for == measurement_, "sealed input rejected: sealed for the partition measured " +
                                        measurement_hex(sealed_for) + ", this enclave holds " +
                                        measurement_hex(measurement_));
  std::array<uint8_t, kSealStreamBytes> stream{};
  std::memcpy(stream.data(), message.data() + kStreamAt, stream.size());
  uint64_t sequence = 0;
  std::memcpy(&sequence, message.data() + kSequenceAt, sizeof sequence);
  const auto flags = static_cast<uint8_t>(message[kFlagsAt]);
  const auto* ad = reinterpret_cast<const unsigned char*>(message.data());
  const auto* nonce = ad + kSealHeaderBytes;
  const auto* c = nonce + kSealNonceBytes;
  const size_t c_bytes = message.size() - kSealHeaderBytes - kSealNonceBytes;
  std::string plain(c_bytes - kSealTagBytes, '\0');
  auto* m = reinterpret_cast<unsigned char*>(plain.data());
  unsigned long long written = 0;
  const size_t ad_bytes = kSealHeaderBytes + kSealNonceBytes;
  const int rc = aead == Aead::Aes256Gcm
                     ? crypto_aead_aes256gcm_decrypt(m, &written, nullptr, c, c_bytes, ad, ad_bytes, nonce,
                                                     key_.bytes.data())
                     : crypto_aead_xchacha20poly1305_ietf_decrypt(m, &written, nullptr, c, c_bytes, ad, ad_bytes,
                                                                  nonce, key_.bytes.data());
  if (rc != 0) {
    sodium_memzero(plain.data(), plain.size());
    throw Error("sealed input rejected: it does not authenticate (a wrong key, or the message was altered)");
  }
  if (next_ > 0 && stream != stream_) {
    sodium_memzero(plain.data(), plain.size());
    throw Error("sealed input rejected: it belongs to another stream than the messages before it (spliced in)");
  }
  if (sequence != next_) {
    sodium_memzero(plain.data(), plain.size());
    throw Error("sealed input rejected: sequence number " + std::to_string(sequence) + ", expected " +
                std::to_string(next_) + (sequence < next_ ? " (a replayed message)" : " (a reordered or dropped message)"));
  }
  if (flags & ~kFinalFlag) {
    sodium_memzero(plain.data(), plain.size());
    throw Error("sealed input rejected: unknown flags " + std::to_string(flags));
  }
  stream_ = stream;
  ++next_;
  ended_ = (flags & kFinalFlag) != 0;
  return plain;
}

void write_sealed_file(const std::string& path, const std::vector<std::string>& messages) {
  std::string out(kFileMagic, sizeof kFileMagic);
  append_value(out, static_cast<uint64_t>(messages.size()));
  for (const auto& m : messages) append_record(out, m);
  write_file_atomically(path, out);
}

std::vector<std::string> read_sealed_file(const std::string& path) {
  const std::string start = read_file_start(path, sizeof kFileMagic);  // the magic before the rest
  check(start.size() == sizeof kFileMagic && std::memcmp(start.data(), kFileMagic, sizeof kFileMagic) == 0,
        path + ": not a sealed file (splitleak seal writes them)");
  const std::string bytes = read_file(path, kMaxSealedBytes);
  ByteReader in(std::string_view(bytes).substr(sizeof kFileMagic), path + ": truncated sealed file");
  const auto count = in.read<uint64_t>("count");
  std::vector<std::string> messages;
  for (uint64_t i = 0; i < count; ++i) {
    const auto n = in.read<uint64_t>("message length");
    messages.emplace_back(in.take(static_cast<size_t>(n), "message " + std::to_string(i)));
  }
  check(in.remaining() == 0, path + ": " + std::to_string(in.remaining()) + " trailing bytes after the messages");
  return messages;
}

}  // namespace splitleak::tee
