// Sealed inputs: round trips with both AEADs, and every tampering case rejected with nothing
// returned; key files and sealed files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "core/error.h"
#include "tee_runtime/crypto.h"
#include "tee_runtime/sealing.h"
#include "tests/support/temp_dir.h"

namespace splitleak::tee {
namespace {

Measurement measurement_of(uint8_t v) {
  Measurement m;
  m.fill(v);
  return m;
}

std::vector<Aead> available_aeads() {
  std::vector<Aead> out{Aead::XChaCha20Poly1305};
  if (aead_available(Aead::Aes256Gcm)) out.push_back(Aead::Aes256Gcm);
  return out;
}

void expect_rejected(Opener& opener, const std::string& message, const std::string& fragment) {
  const uint64_t before = opener.next_sequence();
  try {
    opener.open(message);
    FAIL() << "accepted; expected '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_EQ(e.kind(), Error::Kind::BadInput);
  }
  EXPECT_EQ(opener.next_sequence(), before) << "a rejected message advanced the sequence";
}

TEST(Sealing, RoundTripInSequenceWithEachAead) {
  for (Aead a : available_aeads()) {
    const SessionKey key = SessionKey::generate();
    Sealer sealer(key, measurement_of(7), a);
    Opener opener(key, measurement_of(7));
    for (const std::string& plain : {std::string("first"), std::string(), std::string(100000, 'x')}) {
      const std::string sealed = sealer.seal(plain);
      EXPECT_EQ(sealed.size(), plain.size() + kSealOverheadBytes);
      // Only a plaintext long enough that a random ciphertext cannot hold it by chance (5 bytes:
      // ~100/2^40) is searched for; the empty one has nothing to show.
      if (!plain.empty()) {
        EXPECT_EQ(sealed.find(plain), std::string::npos) << "plaintext visible";
      }
      EXPECT_EQ(opener.open(sealed), plain) << aead_name(a);
    }
    EXPECT_EQ(opener.next_sequence(), 3u);
  }
  EXPECT_EQ(preferred_aead() == Aead::Aes256Gcm, aead_available(Aead::Aes256Gcm));
}

TEST(Sealing, FreshNonceEachTime) {
  const SessionKey key = SessionKey::generate();
  Sealer a(key, measurement_of(1)), b(key, measurement_of(1));
  EXPECT_NE(a.seal("same"), b.seal("same"));  // same key, sequence and plaintext
}

TEST(Sealing, WrongKeyIsRejected) {
  Sealer sealer(SessionKey::generate(), measurement_of(1));
  Opener opener(SessionKey::generate(), measurement_of(1));
  expect_rejected(opener, sealer.seal("secret"), "does not authenticate");
}

TEST(Sealing, EveryFlippedBitIsRejected) {
  for (Aead a : available_aeads()) {
    const SessionKey key = SessionKey::generate();
    Sealer sealer(key, measurement_of(3), a);
    const std::string sealed = sealer.seal("a feature-map worth of secret pixels");
    for (size_t byte = 0; byte < sealed.size(); ++byte) {
      for (int bit : {0, 7}) {
        std::string bad = sealed;
        bad[byte] = static_cast<char>(bad[byte] ^ (1 << bit));
        Opener opener(key, measurement_of(3));
        expect_rejected(opener, bad, "rejected");
      }
    }
    Opener opener(key, measurement_of(3));
    EXPECT_NO_THROW(opener.open(sealed));
  }
}

TEST(Sealing, ReplayedReorderedTruncatedAndForeignMessagesAreRejected) {
  const SessionKey key = SessionKey::generate();
  Sealer sealer(key, measurement_of(5));
  const std::string m0 = sealer.seal("zero"), m1 = sealer.seal("one"), m2 = sealer.seal("two");
  Opener opener(key, measurement_of(5));
  expect_rejected(opener, m1, "sequence number 1, expected 0 (a reordered or dropped message)");
  EXPECT_EQ(opener.open(m0), "zero");
  expect_rejected(opener, m0, "sequence number 0, expected 1 (a replayed message)");
  EXPECT_EQ(opener.open(m1), "one");
  for (size_t n : {size_t{0}, size_t{10}, kSealOverheadBytes - 1}) expect_rejected(opener, m2.substr(0, n), "truncated");
  expect_rejected(opener, m2.substr(0, m2.size() - 1), "does not authenticate");
  expect_rejected(opener, m2 + "x", "does not authenticate");
  EXPECT_EQ(opener.open(m2), "two");

  EXPECT_FALSE(opener.ended());
  Opener other_partition(key, measurement_of(6));
  Sealer again(key, measurement_of(5));
  expect_rejected(other_partition, again.seal("zero"), "sealed for the partition measured 0505");
  std::string not_sealed = m0;
  not_sealed[0] = 'X';
  expect_rejected(other_partition, not_sealed, "not a sealed message");
}

TEST(Sealing, SplicedAndPastTheEndMessagesAreRejectedAndTheEndIsMarked) {
  const SessionKey key = SessionKey::generate();
  Sealer file_a(key, measurement_of(5)), file_b(key, measurement_of(5));  // two files, one key
  const std::string a0 = file_a.seal("a0"), a1 = file_a.seal("a1", /*final=*/true);
  const std::string b0 = file_b.seal("b0"), b1 = file_b.seal("b1"), b2 = file_b.seal("b2", true);
  EXPECT_THROW(file_a.seal("after the end"), Error);
  Opener opener(key, measurement_of(5));
  EXPECT_EQ(opener.open(a0), "a0");
  expect_rejected(opener, b1, "another stream than the messages before it (spliced in)");
  EXPECT_FALSE(opener.ended()) << "a stream cut after a0 is not ended";
  EXPECT_EQ(opener.open(a1), "a1");
  EXPECT_TRUE(opener.ended());
  expect_rejected(opener, b2, "the stream has ended");
  // Dropping the final message leaves the stream open: the opener can tell it was truncated.
  Opener truncated(key, measurement_of(5));
  EXPECT_EQ(truncated.open(b0), "b0");
  EXPECT_EQ(truncated.open(b1), "b1");
  EXPECT_FALSE(truncated.ended());
}

TEST(Sealing, KeyFiles) {
  const auto dir = testing::fresh_dir("tee/keys");
  const std::string path = (dir / "k").string();
  const SessionKey key = SessionKey::generate();
  write_key_file(path, key);
  EXPECT_EQ(read_key_file(path).bytes, key.bytes);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_THROW(write_key_file(path, SessionKey::generate()), Error);  // never overwritten
  EXPECT_EQ(read_key_file(path).bytes, key.bytes);
  EXPECT_THROW(read_key_file((dir / "absent").string()), Error);
}

// A key file holds exactly the key: 64 hex digits and one optional line end, readable by its
// owner alone (as ssh demands of a private key); everything else is refused with one line.
TEST(Sealing, KeyFilesHoldTheKeyAloneAndOnlyForTheirOwner) {
  const auto dir = testing::fresh_dir("tee/key_refusals");
  const std::string hex = to_hex(SessionKey::generate().bytes.data(), 32);
  const auto key_file = [&](const std::string& name, const std::string& text, mode_t mode) {
    const std::string path = (dir / name).string();
    std::ofstream(path, std::ios::binary) << text;
    ::chmod(path.c_str(), mode);
    return path;
  };
  EXPECT_NO_THROW(read_key_file(key_file("crlf", hex + "\r\n", 0600)));
  EXPECT_NO_THROW(read_key_file(key_file("bare", hex, 0400)));
  const auto refusal = [](const std::string& path) -> std::string {
    try {
      read_key_file(path);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), Error::Kind::BadInput);
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
      return e.what();
    }
    ADD_FAILURE() << path << " was read as a key";
    return "";
  };
  for (const std::string& text : std::vector<std::string>{hex + "\n\n", hex + " ", hex + "\ntrailing", hex + "00", "abcd\n", hex.substr(1) + "\n",
                                  "\n" + hex, std::string(2 * 1024, 'a'), ""})
    EXPECT_NE(refusal(key_file("bad", text, 0600)).find("the key file"), std::string::npos) << text.substr(0, 70);
  for (const mode_t mode : {0644, 0640, 0604, 0660, 0606, 0700 | 0020})
    EXPECT_NE(refusal(key_file("open", hex + "\n", mode)).find("`chmod 600 " + (dir / "open").string() + "`"),
              std::string::npos)
        << std::oct << mode;
  const std::string fifo = (dir / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_NE(refusal(fifo).find("is a FIFO"), std::string::npos);
  EXPECT_NE(refusal("/dev/zero").find("is a character device"), std::string::npos);
}

TEST(Sealing, SealedFiles) {
  const auto dir = testing::fresh_dir("tee/sealed");
  const std::string path = (dir / "x.sealed").string();
  write_sealed_file(path, {"a", "", std::string(5000, 'z')});
  const auto back = read_sealed_file(path);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[2], std::string(5000, 'z'));
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (size_t n : {size_t{3}, size_t{12}, bytes.size() - 1}) {
    std::ofstream(path, std::ios::binary) << bytes.substr(0, n);
    EXPECT_THROW(read_sealed_file(path), Error) << n;
  }
  EXPECT_THROW(read_sealed_file((dir / "absent").string()), Error);
}

}  // namespace
}  // namespace splitleak::tee
