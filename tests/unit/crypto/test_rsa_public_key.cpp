// RsaPublicKey: the 160-byte keys of both vector exponents, OAEP encryption that the vector
// private keys decrypt, and rejection of every kind of wrong key, each built by editing bytes.
#include "crypto_test_support.hpp"

#include <messageu/crypto/rsa.hpp>

#include <gtest/gtest.h>

namespace messageu::crypto {
namespace {

using test::base64_field;
using test::hex_field;
using test::k_rsa_vector_files;
using test::load_vectors;
using test::make_rsa_spki;
using test::seeded_bytes;

// The INTEGER content of an odd modulus of exactly `bits` bits (1017 to 1032), minimally
// encoded: a leading zero byte when the top bit of the first byte would be set.
Bytes odd_modulus(std::size_t bits, unsigned seed) {
  auto magnitude = seeded_bytes((bits + 7) / 8, seed);
  auto top_bits = bits % 8 == 0 ? 8 : bits % 8;
  magnitude.front() =
      static_cast<Byte>((magnitude.front() & ((1u << top_bits) - 1)) | (1u << (top_bits - 1)));
  magnitude.back() |= 0x01;
  if (magnitude.front() & 0x80)
    magnitude.insert(magnitude.begin(), 0x00);
  return magnitude;
}

void expect_bad_key(ByteView der, const std::string &what) {
  auto key = RsaPublicKey::from_bytes(der);
  ASSERT_FALSE(key) << what;
  EXPECT_EQ(key.error().code, Errc::bad_key) << what;
  EXPECT_FALSE(is_valid_public_key(der)) << what;
}

TEST(RsaPublicKey, AcceptsThe160ByteKeysOfBothExponents) {
  for (const auto &file : k_rsa_vector_files) {
    SCOPED_TRACE(file);
    auto der = hex_field(load_vectors(file), "public_key_spki_hex");
    ASSERT_EQ(der.size(), k_public_key_size);
    auto key = RsaPublicKey::from_bytes(der);
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(Bytes(key->bytes().begin(), key->bytes().end()), der);
    EXPECT_TRUE(is_valid_public_key(der));
  }
}

TEST(RsaPublicKey, EncryptsWhatTheVectorPrivateKeyDecrypts) {
  for (const auto &file : k_rsa_vector_files) {
    SCOPED_TRACE(file);
    auto vectors = load_vectors(file);
    auto public_key = RsaPublicKey::from_bytes(hex_field(vectors, "public_key_spki_hex"));
    auto private_key = RsaPrivateKey::from_der(base64_field(vectors, "private_key_pkcs8_base64"));
    ASSERT_TRUE(public_key && private_key);
    auto secret = seeded_bytes(k_symmetric_key_size, 7);
    auto ciphertext = public_key->encrypt(secret);
    ASSERT_TRUE(ciphertext) << ciphertext.error().message;
    EXPECT_EQ(ciphertext->size(), k_rsa_ciphertext_size);
    auto plaintext = private_key->decrypt(*ciphertext);
    ASSERT_TRUE(plaintext) << plaintext.error().message;
    EXPECT_EQ(*plaintext, secret);
  }
}

TEST(RsaPublicKey, EncryptionIsRandomizedEachTime) {
  auto key =
      RsaPublicKey::from_bytes(hex_field(load_vectors("rsa1024_e3.json"), "public_key_spki_hex"));
  ASSERT_TRUE(key);
  auto secret = to_bytes("same plaintext!!");
  EXPECT_NE(*key->encrypt(secret), *key->encrypt(secret));
}

TEST(RsaPublicKey, EncryptsUpTo86BytesAndRefusesMore) {
  auto vectors = load_vectors("rsa1024_e17.json");
  auto public_key = RsaPublicKey::from_bytes(hex_field(vectors, "public_key_spki_hex"));
  auto private_key = RsaPrivateKey::from_der(base64_field(vectors, "private_key_pkcs1_base64"));
  ASSERT_TRUE(public_key && private_key);

  auto largest = seeded_bytes(k_rsa_max_plaintext_size, 3);
  auto ciphertext = public_key->encrypt(largest);
  ASSERT_TRUE(ciphertext);
  EXPECT_EQ(*private_key->decrypt(*ciphertext), largest);

  auto too_large = public_key->encrypt(seeded_bytes(k_rsa_max_plaintext_size + 1, 3));
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().code, Errc::invalid_argument);
}

TEST(RsaPublicKey, EncryptsAnEmptyPlaintext) {
  auto vectors = load_vectors("rsa1024_e3.json");
  auto public_key = RsaPublicKey::from_bytes(hex_field(vectors, "public_key_spki_hex"));
  auto private_key = RsaPrivateKey::from_der(base64_field(vectors, "private_key_pkcs8_base64"));
  ASSERT_TRUE(public_key && private_key);
  auto plaintext = private_key->decrypt(*public_key->encrypt({}));
  ASSERT_TRUE(plaintext);
  EXPECT_TRUE(plaintext->empty());
}

TEST(RsaPublicKey, TestBuilderReproducesTheVectorKey) {
  // Guards the hand-made keys below: the builder must lay out DER exactly as the vectors do.
  // In the 160-byte key, the modulus INTEGER content is bytes 28..156 and the exponent 17
  // is the last byte.
  auto der = hex_field(load_vectors("rsa1024_e17.json"), "public_key_spki_hex");
  auto modulus = Bytes(der.begin() + 28, der.begin() + 157);
  EXPECT_EQ(make_rsa_spki(modulus, {0x11}), der);
}

TEST(RsaPublicKey, AcceptsAnyOdd1024BitModulusWithExponent3Or17) {
  for (Byte exponent : {Byte{3}, Byte{17}}) {
    auto der = make_rsa_spki(odd_modulus(1024, exponent), {exponent});
    ASSERT_EQ(der.size(), k_public_key_size);
    EXPECT_TRUE(RsaPublicKey::from_bytes(der)) << "exponent " << int{exponent};
  }
}

TEST(RsaPublicKey, RejectsTruncatedKeys) {
  auto der = hex_field(load_vectors("rsa1024_e17.json"), "public_key_spki_hex");
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{80}, std::size_t{159}})
    expect_bad_key(ByteView(der).first(size), std::to_string(size) + " bytes");
}

TEST(RsaPublicKey, Rejects161Bytes) {
  auto der = hex_field(load_vectors("rsa1024_e17.json"), "public_key_spki_hex");
  der.push_back(0x00);
  expect_bad_key(der, "161 bytes");
}

TEST(RsaPublicKey, Rejects160BytesOfGarbage) {
  expect_bad_key(Bytes(k_public_key_size, 0x00), "zeros");
  expect_bad_key(seeded_bytes(k_public_key_size, 11), "random bytes");
}

TEST(RsaPublicKey, RejectsA2048BitKey) {
  auto der = make_rsa_spki(odd_modulus(2048, 5), {0x11});
  ASSERT_GT(der.size(), k_public_key_size);
  expect_bad_key(der, "whole 2048-bit key");
  expect_bad_key(ByteView(der).first(k_public_key_size), "2048-bit key cut to 160 bytes");
}

TEST(RsaPublicKey, RejectsA160ByteKeyWhoseModulusIsNot1024Bits) {
  // 1025 bits keeps the 129-byte modulus field; 1023 bits frees a byte for exponent 257.
  auto longer = make_rsa_spki(odd_modulus(1025, 1), {0x11});
  auto shorter = make_rsa_spki(odd_modulus(1023, 2), {0x01, 0x01});
  ASSERT_EQ(longer.size(), k_public_key_size);
  ASSERT_EQ(shorter.size(), k_public_key_size);
  expect_bad_key(longer, "1025-bit modulus");
  expect_bad_key(shorter, "1023-bit modulus");
}

TEST(RsaPublicKey, RejectsAnInvalidExponentOrAnEvenModulus) {
  expect_bad_key(make_rsa_spki(odd_modulus(1024, 4), {0x01}), "exponent 1");
  expect_bad_key(make_rsa_spki(odd_modulus(1024, 4), {0x10}), "exponent 16");
  auto even = odd_modulus(1024, 4);
  even.back() &= 0xfe;
  expect_bad_key(make_rsa_spki(even, {0x11}), "even modulus");
}

TEST(RsaPublicKey, RejectsAnotherAlgorithmIdentifier) {
  // The OID's last byte 0x01 (rsaEncryption) becomes 0x05 (sha1WithRSAEncryption).
  auto der = hex_field(load_vectors("rsa1024_e17.json"), "public_key_spki_hex");
  ASSERT_EQ(der[15], 0x01);
  der[15] = 0x05;
  expect_bad_key(der, "sha1WithRSAEncryption");
}

TEST(RsaPublicKey, RejectsANonCanonicalEncodingOfAValidKey) {
  // A valid key written without the NULL parameters and with exponent 17 as 00 00 11: still
  // 160 bytes and readable as BER, but not DER, and a key must have one 160-byte form only.
  auto der = make_rsa_spki(odd_modulus(1024, 9), {0x00, 0x00, 0x11}, false);
  ASSERT_EQ(der.size(), k_public_key_size);
  expect_bad_key(der, "BER but not DER");
}

TEST(RsaPublicKey, CopiesAndMovesKeepTheKey) {
  auto der = hex_field(load_vectors("rsa1024_e3.json"), "public_key_spki_hex");
  auto original = *RsaPublicKey::from_bytes(der);
  auto copy = original;
  auto moved = std::move(original);
  original = copy;
  for (const auto *key : {&copy, &moved, &original})
    EXPECT_EQ(Bytes(key->bytes().begin(), key->bytes().end()), der);
}

} // namespace
} // namespace messageu::crypto
