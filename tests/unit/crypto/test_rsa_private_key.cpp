// RsaPrivateKey against the shared RSA vectors (made by Python's cryptography): both private
// key forms, the derived 160-byte public key, OAEP decryption, and the failure cases.
#include "crypto_test_support.hpp"

#include <messageu/crypto/rsa.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace messageu::crypto {
namespace {

using test::base64_field;
using test::hex_field;
using test::k_rsa_vector_files;
using test::load_vectors;

Bytes to_vector(const PublicKeyBytes &key) { return Bytes(key.begin(), key.end()); }

RsaPrivateKey load_pkcs8_key(const std::string &file) {
  auto vectors = load_vectors(file);
  auto key = RsaPrivateKey::from_der(base64_field(vectors, "private_key_pkcs8_base64"));
  if (!key)
    throw std::runtime_error(file + ": " + key.error().message);
  return *key;
}

TEST(RsaPrivateKey, LoadsPkcs8AndDerivesTheVectorPublicKey) {
  for (const auto &file : k_rsa_vector_files) {
    SCOPED_TRACE(file);
    auto vectors = load_vectors(file);
    auto key = RsaPrivateKey::from_der(base64_field(vectors, "private_key_pkcs8_base64"));
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(to_vector(key->public_key()), hex_field(vectors, "public_key_spki_hex"));
  }
}

TEST(RsaPrivateKey, LoadsPkcs8WrittenInLinesOf72) {
  for (const auto &file : k_rsa_vector_files) {
    SCOPED_TRACE(file);
    auto vectors = load_vectors(file);
    ASSERT_NE(vectors.get<std::string>("private_key_pkcs8_base64_wrapped72").find('\n'),
              std::string::npos);
    auto key = RsaPrivateKey::from_der(base64_field(vectors, "private_key_pkcs8_base64_wrapped72"));
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(to_vector(key->public_key()), hex_field(vectors, "public_key_spki_hex"));
  }
}

TEST(RsaPrivateKey, LoadsPkcs1AndDerivesTheVectorPublicKey) {
  for (const auto &file : k_rsa_vector_files) {
    SCOPED_TRACE(file);
    auto vectors = load_vectors(file);
    auto key = RsaPrivateKey::from_der(base64_field(vectors, "private_key_pkcs1_base64"));
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(to_vector(key->public_key()), hex_field(vectors, "public_key_spki_hex"));
  }
}

TEST(RsaPrivateKey, WritesPkcs8IdenticalToTheVector) {
  for (const auto &file : k_rsa_vector_files) {
    SCOPED_TRACE(file);
    auto vectors = load_vectors(file);
    auto pkcs8 = base64_field(vectors, "private_key_pkcs8_base64");
    auto from_pkcs1 = RsaPrivateKey::from_der(base64_field(vectors, "private_key_pkcs1_base64"));
    ASSERT_TRUE(from_pkcs1);
    EXPECT_EQ(from_pkcs1->to_pkcs8_der(), pkcs8);
  }
}

TEST(RsaPrivateKey, DecryptsEveryOaepVectorInBothKeyForms) {
  for (const auto &file : k_rsa_vector_files) {
    auto vectors = load_vectors(file);
    for (const auto *form : {"private_key_pkcs8_base64", "private_key_pkcs1_base64"}) {
      auto key = RsaPrivateKey::from_der(base64_field(vectors, form));
      ASSERT_TRUE(key);
      int cases = 0;
      for (const auto &[unused, item] : vectors.get_child("oaep_sha1")) {
        SCOPED_TRACE(file + " " + form + " case " + std::to_string(cases));
        auto plaintext = key->decrypt(hex_field(item, "ciphertext_hex"));
        ASSERT_TRUE(plaintext) << plaintext.error().message;
        EXPECT_EQ(*plaintext, hex_field(item, "plaintext_hex"));
        ++cases;
      }
      EXPECT_GT(cases, 0);
    }
  }
}

TEST(RsaPrivateKey, DecryptWithTheOtherKeyFailsWithDecryptFailed) {
  auto e17 = load_vectors("rsa1024_e17.json");
  auto e3_key = load_pkcs8_key("rsa1024_e3.json");
  for (const auto &[unused, item] : e17.get_child("oaep_sha1")) {
    auto plaintext = e3_key.decrypt(hex_field(item, "ciphertext_hex"));
    ASSERT_FALSE(plaintext);
    EXPECT_EQ(plaintext.error().code, Errc::decrypt_failed);
  }
}

TEST(RsaPrivateKey, DecryptRejectsATamperedCiphertext) {
  auto vectors = load_vectors("rsa1024_e17.json");
  auto key = load_pkcs8_key("rsa1024_e17.json");
  auto ciphertext = hex_field(vectors.get_child("oaep_sha1").front().second, "ciphertext_hex");
  for (std::size_t offset : {std::size_t{1}, std::size_t{64}, std::size_t{127}}) {
    auto tampered = ciphertext;
    tampered[offset] ^= 0x01;
    auto plaintext = key.decrypt(tampered);
    ASSERT_FALSE(plaintext) << "offset " << offset;
    EXPECT_EQ(plaintext.error().code, Errc::decrypt_failed);
  }
}

TEST(RsaPrivateKey, DecryptRejectsACiphertextThatIsNot128Bytes) {
  auto vectors = load_vectors("rsa1024_e17.json");
  auto key = load_pkcs8_key("rsa1024_e17.json");
  auto ciphertext = hex_field(vectors.get_child("oaep_sha1").front().second, "ciphertext_hex");
  auto shorter = Bytes(ciphertext.begin(), ciphertext.end() - 1);
  auto longer = ciphertext;
  longer.push_back(0);
  for (const auto &input : {Bytes{}, shorter, longer}) {
    auto plaintext = key.decrypt(input);
    ASSERT_FALSE(plaintext) << input.size() << " bytes";
    EXPECT_EQ(plaintext.error().code, Errc::decrypt_failed);
  }
}

TEST(RsaPrivateKey, DecryptRejectsACiphertextNotBelowTheModulus) {
  auto key = load_pkcs8_key("rsa1024_e17.json");
  auto plaintext = key.decrypt(Bytes(k_rsa_ciphertext_size, 0xff));
  ASSERT_FALSE(plaintext);
  EXPECT_EQ(plaintext.error().code, Errc::decrypt_failed);
}

TEST(RsaPrivateKey, RejectsGarbageAsBadKey) {
  for (const auto &input : {Bytes{}, Bytes{0x30}, Bytes(600, 0x41), to_bytes("not a key")}) {
    auto key = RsaPrivateKey::from_der(input);
    ASSERT_FALSE(key) << input.size() << " bytes";
    EXPECT_EQ(key.error().code, Errc::bad_key);
  }
}

TEST(RsaPrivateKey, RejectsDerTruncatedAtAnyOffset) {
  auto vectors = load_vectors("rsa1024_e17.json");
  for (const auto *form : {"private_key_pkcs8_base64", "private_key_pkcs1_base64"}) {
    auto der = base64_field(vectors, form);
    for (std::size_t size = 0; size < der.size(); size += 7) {
      auto key = RsaPrivateKey::from_der(ByteView(der).first(size));
      ASSERT_FALSE(key) << form << " cut at " << size;
      EXPECT_EQ(key.error().code, Errc::bad_key);
    }
  }
}

TEST(RsaPrivateKey, RejectsTrailingBytesAfterTheKey) {
  auto vectors = load_vectors("rsa1024_e17.json");
  for (const auto *form : {"private_key_pkcs8_base64", "private_key_pkcs1_base64"}) {
    auto der = base64_field(vectors, form);
    der.push_back(0x00);
    auto key = RsaPrivateKey::from_der(der);
    ASSERT_FALSE(key) << form;
    EXPECT_EQ(key.error().code, Errc::bad_key);
  }
}

TEST(RsaPrivateKey, RejectsAKeyWhoseNumbersDisagree) {
  // Flipping a bit near the end of the PKCS#1 DER changes the CRT coefficient (u) while the
  // DER stays well-formed: only the consistency check can notice.
  auto der = base64_field(load_vectors("rsa1024_e17.json"), "private_key_pkcs1_base64");
  der[der.size() - 2] ^= 0x01;
  auto key = RsaPrivateKey::from_der(der);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, Errc::bad_key);
}

TEST(RsaPrivateKey, GeneratesA160BytePublicKeyWithExponent17) {
  auto key = RsaPrivateKey::generate();
  auto public_key = RsaPublicKey::from_bytes(key.public_key());
  ASSERT_TRUE(public_key) << public_key.error().message;
  // The DER ends with the exponent: INTEGER, length 1, 17.
  const Bytes exponent_17{0x02, 0x01, 0x11};
  EXPECT_TRUE(std::equal(exponent_17.begin(), exponent_17.end(), key.public_key().end() - 3));
}

TEST(RsaPrivateKey, GeneratedKeyRoundTripsThroughPkcs8) {
  auto key = RsaPrivateKey::generate();
  auto reloaded = RsaPrivateKey::from_der(key.to_pkcs8_der());
  ASSERT_TRUE(reloaded) << reloaded.error().message;
  EXPECT_EQ(reloaded->public_key(), key.public_key());
  EXPECT_EQ(reloaded->to_pkcs8_der(), key.to_pkcs8_der());

  auto public_key = RsaPublicKey::from_bytes(key.public_key());
  ASSERT_TRUE(public_key);
  auto secret = to_bytes("sixteen byte key");
  auto ciphertext = public_key->encrypt(secret);
  ASSERT_TRUE(ciphertext);
  auto plaintext = reloaded->decrypt(*ciphertext);
  ASSERT_TRUE(plaintext) << plaintext.error().message;
  EXPECT_EQ(*plaintext, secret);
}

TEST(RsaPrivateKey, GeneratesADifferentKeyEachTime) {
  EXPECT_NE(RsaPrivateKey::generate().public_key(), RsaPrivateKey::generate().public_key());
}

TEST(RsaPrivateKey, CopiesAndMovesKeepTheKey) {
  auto original = load_pkcs8_key("rsa1024_e3.json");
  auto copy = original;
  auto moved = std::move(original);
  original = copy; // assigning to a moved-from key makes it usable again
  auto vectors = load_vectors("rsa1024_e3.json");
  const auto &item = vectors.get_child("oaep_sha1").front().second;
  for (const auto *key : {&copy, &moved, &original}) {
    auto plaintext = key->decrypt(hex_field(item, "ciphertext_hex"));
    ASSERT_TRUE(plaintext);
    EXPECT_EQ(*plaintext, hex_field(item, "plaintext_hex"));
  }
}

TEST(RsaPrivateKey, OneKeyDecryptsFromSeveralThreadsAtOnce) {
  auto vectors = load_vectors("rsa1024_e17.json");
  const auto key = load_pkcs8_key("rsa1024_e17.json");
  const auto &item = vectors.get_child("oaep_sha1").front().second;
  auto ciphertext = hex_field(item, "ciphertext_hex");
  auto expected = hex_field(item, "plaintext_hex");
  std::atomic<int> correct{0};
  constexpr int k_threads = 4;
  constexpr int k_rounds = 20;
  std::vector<std::thread> threads;
  threads.reserve(k_threads);
  for (int thread = 0; thread < k_threads; ++thread)
    threads.emplace_back([&] {
      for (int round = 0; round < k_rounds; ++round) {
        auto plaintext = key.decrypt(ciphertext);
        if (plaintext && *plaintext == expected)
          ++correct;
      }
    });
  for (auto &thread : threads)
    thread.join();
  EXPECT_EQ(correct.load(), k_threads * k_rounds);
}

} // namespace
} // namespace messageu::crypto
