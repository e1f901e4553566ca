// The version-3 proof.
#include "core/auth_proof.hpp"

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

crypto::HmacSha256Digest expected_proof(const Nonce &nonce, const ClientId &client,
                                        ByteView challenge) {
  crypto::HmacSha256 mac(nonce);
  mac.update(as_bytes(k_proof_label));
  mac.update(client);
  mac.update(challenge);
  return mac.finish();
}

bool verify_proof(const PendingChallenge &challenge, ByteView proof) {
  auto expected = expected_proof(challenge.nonce, challenge.client, challenge.challenge);
  return crypto::constant_time_equal(expected, proof);
}

} // namespace messageu::server
