// The server's half of PROTOCOL.md §10: the nonce, the challenge that carries it, and the
// check of the proof (crypto::authentication_proof) a client answers with.
#pragma once

#include "core/connection_state.hpp"

#include <messageu/util/bytes.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

namespace messageu::server {

// A fresh nonce from the operating system's CSPRNG.
Nonce make_nonce();

// The nonce encrypted for the client: RSAES-OAEP-SHA1 under its registered public key (128
// bytes). A key that does not parse → Errc::bad_key.
Result<Bytes> encrypt_challenge(const PublicKeyBytes &public_key, const Nonce &nonce);

// Compares `proof` with crypto::authentication_proof of the challenge, in constant time.
bool verify_proof(const PendingChallenge &challenge, ByteView proof);

} // namespace messageu::server
