// SHA-256 and HMAC-SHA256 known answers (FIPS 180-2 examples, RFC 4231), their streaming
// forms, and constant_time_equal.
#include "crypto_test_support.hpp"

#include <messageu/crypto/hash.hpp>
#include <messageu/util/hex.hpp>

#include <gtest/gtest.h>

#include <string>

namespace messageu::crypto {
namespace {

std::string hex(ByteView bytes) { return to_hex(bytes); }

TEST(Sha256, MatchesTheFipsExamples) {
  EXPECT_EQ(hex(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256(as_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, StreamingInPiecesMatchesOneShot) {
  // One million 'a's (the FIPS long example), fed in uneven pieces.
  const Bytes block(1000, 'a');
  Sha256 hash;
  std::size_t fed = 0;
  for (std::size_t piece = 1; fed < 1'000'000; piece = piece * 7 % 997 + 1) {
    auto size = std::min({piece, block.size(), 1'000'000 - fed});
    hash.update(ByteView(block).first(size));
    fed += size;
  }
  EXPECT_EQ(hex(hash.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, StartsOverAfterFinish) {
  Sha256 hash;
  hash.update(as_bytes("something else"));
  (void)hash.finish();
  hash.update(as_bytes("abc"));
  EXPECT_EQ(hash.finish(), sha256(as_bytes("abc")));
}

TEST(HmacSha256, MatchesRfc4231TestCase1) {
  Bytes key(20, 0x0b);
  EXPECT_EQ(hex(hmac_sha256(key, as_bytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, MatchesRfc4231TestCase2) {
  EXPECT_EQ(hex(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, MatchesRfc4231TestCase6WithAKeyLongerThanABlock) {
  Bytes key(131, 0xaa);
  EXPECT_EQ(
      hex(hmac_sha256(key, as_bytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, StreamingInPiecesMatchesOneShotAndStartsOver) {
  // The shape of the session proof: a label, a 16-byte id and a 128-byte challenge.
  auto key = test::seeded_bytes(32, 1);
  auto id = test::seeded_bytes(16, 2);
  auto challenge = test::seeded_bytes(128, 3);
  auto whole = test::concat(test::concat(to_bytes("messageu-v3-auth"), id), challenge);
  HmacSha256 hmac(key);
  for (int round = 0; round < 2; ++round) {
    hmac.update(as_bytes("messageu-v3-auth"));
    hmac.update(id);
    hmac.update(challenge);
    EXPECT_EQ(hmac.finish(), hmac_sha256(key, whole)) << "round " << round;
  }
}

TEST(HmacSha256, DependsOnTheKey) {
  auto data = as_bytes("same data");
  EXPECT_NE(hmac_sha256(as_bytes("key one"), data), hmac_sha256(as_bytes("key two"), data));
}

TEST(ConstantTimeEqual, ComparesContentsAndLengths) {
  auto left = test::seeded_bytes(32, 5);
  auto right = left;
  EXPECT_TRUE(constant_time_equal(left, right));
  EXPECT_TRUE(constant_time_equal({}, {}));
  for (std::size_t index : {std::size_t{0}, std::size_t{17}, std::size_t{31}}) {
    auto different = right;
    different[index] ^= 0x40;
    EXPECT_FALSE(constant_time_equal(left, different)) << "byte " << index;
  }
  EXPECT_FALSE(constant_time_equal(left, ByteView(right).first(31)));
  EXPECT_FALSE(constant_time_equal({}, right));
}

} // namespace
} // namespace messageu::crypto
