// Whom the client trusts (CLI.md §5, PROTOCOL.md §10 "Client"): a user's first public key is
// pinned and any other key the server later gives for them is refused until `trust` accepts
// it; a server that has authenticated this profile is never again spoken to in the classic
// protocol (a downgrade). The decisions are made here; client_state only stores them.
#pragma once

#include <messageu/client_state/client_state.hpp>

#include <optional>
#include <string_view>

namespace messageu::client {

// The first key seen for a user is pinned, and so is the pinned key seen again (which retires
// an earlier offer); any other key is only offered.
client_state::KeyRecord decide_key(const std::optional<client_state::KnownUser> &known,
                                   const PublicKeyBytes &key);

// Pins `key` for `id` on first sight (adding the user, with no name, if unknown). The same
// key again is a no-op. A different key already pinned → Errc::key_changed, and `key` is
// remembered as the user's offered_key so that `trust` can accept it later.
Status pin_key(client_state::ClientState &state, const ClientId &id, const PublicKeyBytes &key);

// True when going from `remembered` to `offered` gives up authentication.
bool is_downgrade(client_state::ServerProtocol remembered, client_state::ServerProtocol offered);

// Records what a server speaks. Recording `classic` for a server that has authenticated this
// profile before is a downgrade → Errc::key_changed, and the record stays `authenticated`.
// Recording `unknown` → Errc::invalid_argument.
Status remember_server_protocol(client_state::ClientState &state, std::string_view endpoint_text,
                                client_state::ServerProtocol protocol);

} // namespace messageu::client
