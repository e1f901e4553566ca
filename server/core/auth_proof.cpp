// The version-3 proof.
#include "core/auth_proof.hpp"

#include <messageu/crypto/authentication_proof.hpp>
#include <messageu/crypto/hmac.hpp>
#include <messageu/crypto/random.hpp>
#include <messageu/crypto/rsa.hpp>

namespace messageu::server {

Nonce make_nonce() {
  Nonce nonce{};
  crypto::fill_random(nonce);
  return nonce;
}

Result<Bytes> encrypt_challenge(const PublicKeyBytes &public_key, const Nonce &nonce) {
  auto key = MESSAGEU_TRY(crypto::RsaPublicKey::from_bytes(public_key));
  return key.encrypt(nonce);
}

bool verify_proof(const PendingChallenge &challenge, ByteView proof) {
  auto expected =
      crypto::authentication_proof(challenge.nonce, challenge.client, challenge.challenge);
  return crypto::constant_time_equal(expected, proof);
}

} // namespace messageu::server
