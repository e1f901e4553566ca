// The proof of PROTOCOL.md §10: a client shows it holds the private key of an id by
// decrypting the server's nonce and answering HMAC-SHA256, keyed with the nonce, over
//   the 16 ASCII bytes "messageu-v3-auth" · the client id (16) · the challenge (128),
// the challenge being the RSA-OAEP ciphertext of the nonce that the server sent.
#pragma once

#include "core/connection_state.hpp"

#include <messageu/crypto/hmac.hpp>
#include <messageu/util/bytes.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <string_view>

namespace messageu::server {

inline constexpr std::string_view k_proof_label = "messageu-v3-auth";

// A fresh nonce from the operating system's CSPRNG.
Nonce make_nonce();

// The nonce encrypted for the client: RSAES-OAEP-SHA1 under its registered public key (128
// bytes). A key that does not parse → Errc::bad_key.
Result<Bytes> encrypt_challenge(const PublicKeyBytes &public_key, const Nonce &nonce);

// The 32-byte proof a client must send for this nonce, id and challenge.
crypto::HmacSha256Digest expected_proof(const Nonce &nonce, const ClientId &client,
                                        ByteView challenge);

// Compares `proof` with the expected one in constant time.
bool verify_proof(const PendingChallenge &challenge, ByteView proof);

} // namespace messageu::server
