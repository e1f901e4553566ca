// What the server remembers about one connection between its requests (PROTOCOL.md §10):
// the id it is bound to after a successful AUTHENTICATE, the one outstanding challenge, and
// its request rate bucket (--max-request-rate).
// Each session owns one; the request handler reads and changes it.
#pragma once

#include "core/request_rate.hpp"

#include <messageu/protocol/header.hpp>
#include <messageu/util/ids.hpp>

#include <array>
#include <chrono>
#include <optional>

namespace messageu::server {

using Nonce = std::array<Byte, protocol::k_nonce_size>;

// A CHALLENGE answered and not yet used: single use, for this connection, until `expires`.
struct PendingChallenge {
  ClientId client{};
  Nonce nonce{};
  Bytes challenge; // the 128-byte ciphertext sent to the client: the proof covers it
  std::chrono::steady_clock::time_point expires;
};

struct ConnectionState {
  std::optional<ClientId> bound_client;
  std::optional<PendingChallenge> challenge;
  RequestBucket request_bucket;
};

} // namespace messageu::server
