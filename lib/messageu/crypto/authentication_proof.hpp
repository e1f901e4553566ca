// The proof of PROTOCOL.md §10: a client shows it holds the private key of an id by
// decrypting the server's nonce and answering HMAC-SHA256, keyed with the nonce, over
//   the 16 ASCII bytes "messageu-v3-auth" · the client id (16) · the challenge (128),
// the challenge being the RSA-OAEP ciphertext of the nonce that the server sent. The client
// computes it to answer and the server to check, here, so that the two cannot disagree.
#pragma once

#include <messageu/crypto/hmac.hpp>
#include <messageu/util/bytes.hpp>
#include <messageu/util/ids.hpp>

#include <string_view>

namespace messageu::crypto {

inline constexpr std::string_view k_authentication_label = "messageu-v3-auth";

HmacSha256Digest authentication_proof(ByteView nonce, const ClientId &id, ByteView challenge);

} // namespace messageu::crypto
