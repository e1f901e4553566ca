// Fuzz target: RSA key parsing, RsaPublicKey::from_bytes / is_valid_public_key (the server's
// check on register, and the client's on every public key answer) and RsaPrivateKey::from_der
// (the key in my.info), on the same arbitrary bytes.
//
// Input: the DER bytes, as they are.
//
// Invariants: from_bytes and is_valid_public_key agree, and a parsed public key is exactly
// the 160 input bytes (one key, one form). A parsed private key writes PKCS#8 that parses back
// to the same key, its public half is a valid 160-byte key, and what that public half encrypts
// the private key decrypts.
#include "fuzz_support.hpp"

#include <messageu/crypto/rsa.hpp>

#include <algorithm>

using namespace messageu;
using namespace messageu::crypto;

namespace {

void check_public_key(ByteView der) {
  auto key = RsaPublicKey::from_bytes(der);
  MESSAGEU_FUZZ_CHECK(key.has_value() == is_valid_public_key(der));
  if (!key) {
    MESSAGEU_FUZZ_CHECK(key.error().code == Errc::bad_key);
    return;
  }
  MESSAGEU_FUZZ_CHECK(der.size() == k_public_key_size);
  MESSAGEU_FUZZ_CHECK(std::equal(der.begin(), der.end(), key->bytes().begin()));
}

void check_private_key(ByteView der) {
  auto key = RsaPrivateKey::from_der(der);
  if (!key) {
    MESSAGEU_FUZZ_CHECK(key.error().code == Errc::bad_key);
    return;
  }
  MESSAGEU_FUZZ_CHECK(is_valid_public_key(key->public_key()));
  auto again = RsaPrivateKey::from_der(key->to_pkcs8_der());
  MESSAGEU_FUZZ_CHECK(again && again->public_key() == key->public_key());
  MESSAGEU_FUZZ_CHECK(again->to_pkcs8_der() == key->to_pkcs8_der());
  // The key works: a round trip through its own public half (a valid key, checked above).
  const Bytes secret(16, 0x5a);
  auto ciphertext = RsaPublicKey::from_bytes(key->public_key())->encrypt(secret);
  MESSAGEU_FUZZ_CHECK(ciphertext && ciphertext->size() == k_rsa_ciphertext_size);
  auto plaintext = key->decrypt(*ciphertext);
  MESSAGEU_FUZZ_CHECK(plaintext && *plaintext == secret);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  ByteView der(data, size);
  check_public_key(der);
  check_private_key(der);
  return 0;
}
