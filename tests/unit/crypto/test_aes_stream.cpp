// The streaming AesCbcEncryptor and AesCbcDecryptor: identical output to the one-shot
// functions and the vectors for any chunking, reuse after finish(), and failures at finish().
#include "crypto_test_support.hpp"

#include <messageu/crypto/aes.hpp>

#include <gtest/gtest.h>

namespace messageu::crypto {
namespace {

using test::hex_field;
using test::load_vectors;
using test::random_chunks;

const AesKey k_test_key = {0xf4, 0xea, 0xf8, 0xa8, 0xb0, 0x74, 0x40, 0xee,
                           0x66, 0x6a, 0xe2, 0xf7, 0x9f, 0xb1, 0x86, 0xab};

Bytes encrypt_in_chunks(const AesKey &key, ByteView plaintext, unsigned seed) {
  AesCbcEncryptor encryptor(key);
  Bytes out;
  for (auto chunk : random_chunks(plaintext, seed))
    encryptor.update(chunk, out);
  encryptor.finish(out);
  return out;
}

Result<Bytes> decrypt_in_chunks(const AesKey &key, ByteView ciphertext, unsigned seed) {
  AesCbcDecryptor decryptor(key);
  Bytes out;
  for (auto chunk : random_chunks(ciphertext, seed))
    decryptor.update(chunk, out);
  MESSAGEU_TRY(decryptor.finish(out));
  return out;
}

TEST(AesStream, EncryptsEveryVectorCaseInRandomChunks) {
  auto vectors = load_vectors("aes128_cbc_zero_iv.json");
  for (const auto &[unused, item] : vectors.get_child("cases")) {
    auto key = *aes_key_from_bytes(hex_field(item, "key_hex"));
    auto plaintext = hex_field(item, "plaintext_hex");
    for (unsigned seed = 1; seed <= 5; ++seed) {
      SCOPED_TRACE(std::to_string(plaintext.size()) + " bytes, seed " + std::to_string(seed));
      EXPECT_EQ(encrypt_in_chunks(key, plaintext, seed), hex_field(item, "ciphertext_hex"));
    }
  }
}

TEST(AesStream, DecryptsEveryVectorCaseInRandomChunks) {
  auto vectors = load_vectors("aes128_cbc_zero_iv.json");
  for (const auto &[unused, item] : vectors.get_child("cases")) {
    auto key = *aes_key_from_bytes(hex_field(item, "key_hex"));
    auto ciphertext = hex_field(item, "ciphertext_hex");
    for (unsigned seed = 1; seed <= 5; ++seed) {
      SCOPED_TRACE(std::to_string(ciphertext.size()) + " bytes, seed " + std::to_string(seed));
      auto plaintext = decrypt_in_chunks(key, ciphertext, seed);
      ASSERT_TRUE(plaintext) << plaintext.error().message;
      EXPECT_EQ(*plaintext, hex_field(item, "plaintext_hex"));
    }
  }
}

TEST(AesStream, DecryptsEveryVectorCaseIntoCallerMemoryInRandomChunks) {
  auto vectors = load_vectors("aes128_cbc_zero_iv.json");
  for (const auto &[unused, item] : vectors.get_child("cases")) {
    auto key = *aes_key_from_bytes(hex_field(item, "key_hex"));
    auto ciphertext = hex_field(item, "ciphertext_hex");
    for (unsigned seed = 1; seed <= 5; ++seed) {
      SCOPED_TRACE(std::to_string(ciphertext.size()) + " bytes, seed " + std::to_string(seed));
      AesCbcDecryptor decryptor(key);
      Bytes plaintext(ciphertext.size() + k_aes_block_size);
      std::size_t written = 0;
      for (auto chunk : random_chunks(ciphertext, seed))
        written += decryptor.update_into(chunk, std::span<Byte>(plaintext).subspan(written));
      // Everything but the last block, which finish() checks and strips.
      EXPECT_EQ(written, ciphertext.size() - k_aes_block_size);
      plaintext.resize(written);
      ASSERT_TRUE(decryptor.finish(plaintext));
      EXPECT_EQ(plaintext, hex_field(item, "plaintext_hex"));
    }
  }
}

TEST(AesStream, DecryptsOneByteAtATime) {
  auto plaintext = test::seeded_bytes(100, 21);
  auto ciphertext = aes_encrypt(k_test_key, plaintext);
  AesCbcDecryptor decryptor(k_test_key);
  Bytes out;
  for (std::size_t index = 0; index < ciphertext.size(); ++index) {
    decryptor.update(ByteView(ciphertext).subspan(index, 1), out);
    // Every block is released as soon as a byte after it arrives, and not before.
    EXPECT_EQ(out.size(), index / k_aes_block_size * k_aes_block_size);
  }
  ASSERT_TRUE(decryptor.finish(out));
  EXPECT_EQ(out, plaintext);
}

TEST(AesStream, HoldsBackNoMoreThanTheLastBlock) {
  // After the whole ciphertext went in, all but the final block is already out.
  auto plaintext = test::seeded_bytes(1000, 4);
  auto ciphertext = aes_encrypt(k_test_key, plaintext);
  AesCbcDecryptor decryptor(k_test_key);
  Bytes out;
  decryptor.update(ciphertext, out);
  EXPECT_EQ(out.size(), ciphertext.size() - k_aes_block_size);

  AesCbcEncryptor encryptor(k_test_key);
  Bytes encrypted;
  encryptor.update(plaintext, encrypted);
  EXPECT_EQ(encrypted.size(), plaintext.size() - plaintext.size() % k_aes_block_size);
}

TEST(AesStream, MatchesOneShotOnSeveralMebibytesInLargeChunks) {
  auto plaintext = test::seeded_bytes((std::size_t{4} << 20) + 5, 99);
  auto expected = aes_encrypt(k_test_key, plaintext);
  AesCbcEncryptor encryptor(k_test_key);
  Bytes ciphertext;
  constexpr std::size_t k_chunk = 256 * 1024 + 3;
  for (std::size_t offset = 0; offset < plaintext.size(); offset += k_chunk)
    encryptor.update(
        ByteView(plaintext).subspan(offset, std::min(k_chunk, plaintext.size() - offset)),
        ciphertext);
  encryptor.finish(ciphertext);
  ASSERT_EQ(ciphertext, expected);
  auto decrypted = decrypt_in_chunks(k_test_key, ciphertext, 17);
  ASSERT_TRUE(decrypted);
  EXPECT_EQ(*decrypted, plaintext);
}

TEST(AesStream, EncryptorStartsOverAfterFinish) {
  AesCbcEncryptor encryptor(k_test_key);
  for (const auto &text : {to_bytes("first message, longer than a block"), to_bytes("second")}) {
    Bytes out;
    encryptor.update(text, out);
    encryptor.finish(out);
    EXPECT_EQ(out, aes_encrypt(k_test_key, text));
  }
}

TEST(AesStream, DecryptorStartsOverAfterFinishEvenAfterAFailure) {
  auto text = to_bytes("a message that spans three blocks of AES!");
  auto ciphertext = aes_encrypt(k_test_key, text);
  AesCbcDecryptor decryptor(k_test_key);
  Bytes discarded;
  decryptor.update(ByteView(ciphertext).first(20), discarded);
  auto failed = decryptor.finish(discarded);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::decrypt_failed);
  for (int round = 0; round < 2; ++round) {
    Bytes out;
    decryptor.update(ciphertext, out);
    ASSERT_TRUE(decryptor.finish(out));
    EXPECT_EQ(out, text);
  }
}

TEST(AesStream, FinishRejectsEmptyOrTruncatedCiphertext) {
  auto ciphertext = aes_encrypt(k_test_key, test::seeded_bytes(40, 8));
  for (std::size_t size :
       {std::size_t{0}, std::size_t{1}, std::size_t{16 + 15}, ciphertext.size() - 1}) {
    AesCbcDecryptor decryptor(k_test_key);
    Bytes out;
    decryptor.update(ByteView(ciphertext).first(size), out);
    auto status = decryptor.finish(out);
    ASSERT_FALSE(status) << size << " bytes";
    EXPECT_EQ(status.error().code, Errc::decrypt_failed);
  }
}

TEST(AesStream, FinishRejectsAWrongKey) {
  auto ciphertext = aes_encrypt(k_test_key, test::seeded_bytes(1000, 12));
  auto wrong_key = k_test_key;
  wrong_key[15] ^= 0x01;
  auto plaintext = decrypt_in_chunks(wrong_key, ciphertext, 3);
  ASSERT_FALSE(plaintext);
  EXPECT_EQ(plaintext.error().code, Errc::decrypt_failed);
}

TEST(AesStream, MovedStreamsCarryTheirState) {
  auto plaintext = test::seeded_bytes(50, 30);
  AesCbcEncryptor first(k_test_key);
  Bytes ciphertext;
  first.update(ByteView(plaintext).first(21), ciphertext);
  AesCbcEncryptor second(std::move(first));
  second.update(ByteView(plaintext).subspan(21), ciphertext);
  second.finish(ciphertext);
  EXPECT_EQ(ciphertext, aes_encrypt(k_test_key, plaintext));
}

} // namespace
} // namespace messageu::crypto
