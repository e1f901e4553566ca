// The version-3 proof.
#include <messageu/crypto/authentication_proof.hpp>

namespace messageu::crypto {

HmacSha256Digest authentication_proof(ByteView nonce, const ClientId &id, ByteView challenge) {
  HmacSha256 hmac(nonce);
  hmac.update(as_bytes(k_authentication_label));
  hmac.update(id);
  hmac.update(challenge);
  return hmac.finish();
}

} // namespace messageu::crypto
