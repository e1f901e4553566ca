// One-shot AES-128-CBC (zero IV, PKCS#7) against the shared vectors (made with openssl and
// Python's cryptography), the ciphertext size formula, and every way decryption must fail.
#include "crypto_test_support.hpp"

#include <messageu/crypto/aes.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace messageu::crypto {
namespace {

using test::hex_field;
using test::load_vectors;

AesKey key_of(const test::Json &item) { return *aes_key_from_bytes(hex_field(item, "key_hex")); }

const AesKey k_test_key = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                           0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};

// The ciphertext whose decryption ends with exactly `last_block`, padding included: the
// first block of the CBC encryption of `last_block` (the IV being zero).
Bytes ciphertext_ending_in(const std::array<Byte, k_aes_block_size> &last_block) {
  auto ciphertext = aes_encrypt(k_test_key, last_block);
  return Bytes(ciphertext.begin(), ciphertext.begin() + k_aes_block_size);
}

void expect_decrypt_failed(const AesKey &key, ByteView ciphertext, const std::string &what) {
  auto plaintext = aes_decrypt(key, ciphertext);
  ASSERT_FALSE(plaintext) << what;
  EXPECT_EQ(plaintext.error().code, Errc::decrypt_failed) << what;
}

TEST(Aes, EncryptsEveryVectorCase) {
  int cases = 0;
  auto vectors = load_vectors("aes128_cbc_zero_iv.json");
  for (const auto &[unused, item] : vectors.get_child("cases")) {
    auto plaintext = hex_field(item, "plaintext_hex");
    SCOPED_TRACE(std::to_string(plaintext.size()) + " bytes");
    EXPECT_EQ(aes_encrypt(key_of(item), plaintext), hex_field(item, "ciphertext_hex"));
    ++cases;
  }
  EXPECT_GE(cases, 10);
}

TEST(Aes, DecryptsEveryVectorCase) {
  auto vectors = load_vectors("aes128_cbc_zero_iv.json");
  for (const auto &[unused, item] : vectors.get_child("cases")) {
    auto plaintext = aes_decrypt(key_of(item), hex_field(item, "ciphertext_hex"));
    ASSERT_TRUE(plaintext) << plaintext.error().message;
    EXPECT_EQ(*plaintext, hex_field(item, "plaintext_hex"));
  }
}

TEST(Aes, CiphertextSizeAddsOneToSixteenBytesOfPadding) {
  EXPECT_EQ(aes_ciphertext_size(0), 16u);
  EXPECT_EQ(aes_ciphertext_size(15), 16u);
  EXPECT_EQ(aes_ciphertext_size(16), 32u);
  EXPECT_EQ(aes_ciphertext_size(17), 32u);
  // The largest file whose ciphertext fits the protocol's u32 content size.
  EXPECT_EQ(aes_ciphertext_size(0xffffffefull), 0xfffffff0ull);
  EXPECT_EQ(aes_ciphertext_size(0xfffffff0ull), 0x100000000ull);
  for (std::size_t size = 0; size <= 64; ++size)
    EXPECT_EQ(aes_encrypt(k_test_key, Bytes(size, 0x5a)).size(), aes_ciphertext_size(size));
}

TEST(Aes, DecryptRejectsBadPadding) {
  auto bad_last_blocks = {
      std::array<Byte, 16>{},                                                // padding 0
      std::array<Byte, 16>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17}, // beyond a block
      std::array<Byte, 16>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 2, 3},  // inconsistent
      std::array<Byte, 16>{16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 15, 16},
  };
  for (const auto &block : bad_last_blocks)
    expect_decrypt_failed(k_test_key, ciphertext_ending_in(block),
                          "last byte " + std::to_string(block.back()));
}

TEST(Aes, DecryptAcceptsEveryValidPaddingLength) {
  for (Byte padding = 1; padding <= 16; ++padding) {
    std::array<Byte, 16> block{};
    block.fill(0x61);
    std::fill(block.end() - padding, block.end(), padding);
    auto plaintext = aes_decrypt(k_test_key, ciphertext_ending_in(block));
    ASSERT_TRUE(plaintext) << "padding " << int{padding};
    EXPECT_EQ(*plaintext, Bytes(16u - padding, 0x61));
  }
}

TEST(Aes, DecryptWithAWrongKeyFails) {
  auto item = load_vectors("aes128_cbc_zero_iv.json").get_child("cases").back().second;
  auto wrong_key = key_of(item);
  wrong_key[0] ^= 0x80;
  expect_decrypt_failed(wrong_key, hex_field(item, "ciphertext_hex"), "wrong key");
}

TEST(Aes, DecryptRejectsALengthThatIsNotAPositiveMultipleOf16) {
  auto ciphertext = aes_encrypt(k_test_key, to_bytes("twenty bytes of text"));
  ASSERT_EQ(ciphertext.size(), 32u);
  expect_decrypt_failed(k_test_key, {}, "empty");
  expect_decrypt_failed(k_test_key, ByteView(ciphertext).first(15), "15 bytes");
  expect_decrypt_failed(k_test_key, ByteView(ciphertext).first(31), "31 bytes");
  auto longer = ciphertext;
  longer.push_back(0);
  expect_decrypt_failed(k_test_key, longer, "33 bytes");
}

TEST(Aes, KeyFromBytesNeedsExactly16Bytes) {
  auto bytes = test::seeded_bytes(17, 1);
  auto key = aes_key_from_bytes(ByteView(bytes).first(16));
  ASSERT_TRUE(key);
  EXPECT_TRUE(std::equal(key->begin(), key->end(), bytes.begin()));
  for (std::size_t size : {std::size_t{0}, std::size_t{15}, std::size_t{17}}) {
    auto wrong = aes_key_from_bytes(ByteView(bytes).first(size));
    ASSERT_FALSE(wrong) << size;
    EXPECT_EQ(wrong.error().code, Errc::bad_key);
  }
}

TEST(Aes, GeneratesADifferentKeyEachTime) {
  auto first = generate_aes_key();
  auto second = generate_aes_key();
  EXPECT_NE(first, second);
  auto round_trip = aes_decrypt(first, aes_encrypt(first, to_bytes("hello")));
  ASSERT_TRUE(round_trip);
  EXPECT_EQ(*round_trip, to_bytes("hello"));
}

TEST(Aes, ReportsHardwareUseExactlyWhenTheCpuHasAesInstructions) {
#if defined(__x86_64__) || defined(__i386__)
  std::ifstream cpuinfo("/proc/cpuinfo");
  if (!cpuinfo)
    GTEST_SKIP() << "no /proc/cpuinfo";
  bool has_aes = false;
  for (std::string line; std::getline(cpuinfo, line) && !has_aes;)
    has_aes = line.rfind("flags", 0) == 0 && (line + " ").find(" aes ") != std::string::npos;
  EXPECT_EQ(aes_uses_hardware(), has_aes);
#else
  GTEST_SKIP() << "checked on x86 only";
#endif
}

} // namespace
} // namespace messageu::crypto
