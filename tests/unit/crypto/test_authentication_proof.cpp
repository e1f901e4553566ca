// The version-3 proof (PROTOCOL.md §10) against a value computed by Python's hmac module.
#include <messageu/crypto/authentication_proof.hpp>
#include <messageu/util/hex.hpp>

#include <gtest/gtest.h>

using namespace messageu;

TEST(AuthenticationProof, MatchesAnIndependentHmacOfLabelIdAndChallenge) {
  Bytes nonce(32);
  for (std::size_t index = 0; index < nonce.size(); ++index)
    nonce[index] = static_cast<Byte>(index);
  ClientId id{};
  for (std::size_t index = 0; index < id.size(); ++index)
    id[index] = static_cast<Byte>(0x10 + index);
  Bytes challenge(128, 0xaa);
  // hmac.new(bytes(range(32)), b"messageu-v3-auth" + id + challenge, sha256) in Python.
  EXPECT_EQ(to_hex(crypto::authentication_proof(nonce, id, challenge)),
            "8c12a3e0a7fa0e3fecbecf62510aa50414c518c2b4d511283549ed4c0ff88cba");
}

TEST(AuthenticationProof, DependsOnEveryInput) {
  Bytes nonce(32, 1);
  ClientId id{};
  Bytes challenge(128, 2);
  auto proof = crypto::authentication_proof(nonce, id, challenge);
  Bytes other_nonce(32, 3);
  ClientId other_id{};
  other_id[15] = 1;
  Bytes other_challenge(128, 4);
  EXPECT_NE(crypto::authentication_proof(other_nonce, id, challenge), proof);
  EXPECT_NE(crypto::authentication_proof(nonce, other_id, challenge), proof);
  EXPECT_NE(crypto::authentication_proof(nonce, id, other_challenge), proof);
}
