// Authenticated sessions (PROTOCOL.md §10), the client's half: proving the profile holds the
// private key of its id (CHALLENGE → AUTHENTICATE on one connection), and the policy that
// decides when the classic protocol may be used instead. A server that has authenticated
// this profile once is never silently talked to in the classic way again: refusing is the
// only defence against someone in the middle who answers CHALLENGE with an error.
#pragma once

#include <messageu/client/server_link.hpp>
#include <messageu/client_state/client_state.hpp>
#include <messageu/crypto/rsa.hpp>

#include <string_view>

namespace messageu::client {

// What to ask for: --protocol 3 (authenticate when the server offers it) or 2 (classic only).
enum class ProtocolChoice { classic_only, authenticate_if_offered };

enum class SessionKind { classic, authenticated };

// Sets `link` up for a command acting as the user. With classic_only, nothing is sent: every
// request gets its own connection. Otherwise one connection is opened and kept, CHALLENGE and
// AUTHENTICATE are exchanged on it, and what the server did is remembered in `state`:
//  - authenticated: later requests on the link are bound to the user (header version 3);
//  - CHALLENGE refused (9000) by a server that never authenticated this profile: the classic
//    protocol, one connection per request, and the server is remembered as classic;
//  - CHALLENGE refused by a server that did authenticate this profile before →
//    Errc::key_changed (a downgrade, refused);
//  - a challenge the private key cannot decrypt → Errc::key_changed (the server holds
//    another key for this id);
//  - AUTHENTICATE refused → Errc::server_error.
Result<SessionKind> start_session(ServerLink &link, const crypto::RsaPrivateKey &private_key,
                                  client_state::ClientState &state, ProtocolChoice choice);

} // namespace messageu::client
