// The requests the network thread answers by itself: a user list, a public key, and a pull
// when nothing waits for the requester. They only read, and the store's current snapshot
// (store::ClientSnapshot) holds all they read, so answering them where they arrive saves the
// trip to the store thread and back (two thread wake-ups, most of such a request's cost on
// one connection). Their senders' LastSeen goes to the store's touch(), which any thread may
// call.
//
// Only what can be answered exactly as the request handler would is answered here, bytes and
// checks alike; anything else (an unknown sender, a bad payload, a pull with messages, every
// write) goes to the store thread, which has the one copy of every refusal.
//
// Not thread-safe: used from the network thread.
#pragma once

#include "core/connection_state.hpp"
#include "core/reply.hpp"
#include "core/request_handler.hpp"

#include <messageu/protocol/header.hpp>
#include <messageu/store/server_store.hpp>

#include <chrono>
#include <optional>

namespace messageu::server {

class ReadPath {
public:
  // Only the store's snapshot() and touch() are used, which any thread may call.
  ReadPath(store::ServerStore &store, HandlerOptions options,
           SteadyClock clock = &std::chrono::steady_clock::now);

  // The reply to the request if it is answered here (its sender's LastSeen is then handed to
  // the store); nullopt when the request handler must answer it.
  std::optional<Reply> try_answer(const protocol::RequestFrame &frame, ByteView payload,
                                  ConnectionState &connection);

private:
  std::optional<Reply> answer(const protocol::RequestFrame &frame, ByteView payload,
                              const store::ClientSnapshot &clients,
                              const store::PublishedClient &sender,
                              const ConnectionState &connection);

  store::ServerStore &m_store;
  HandlerOptions m_options;
  SteadyClock m_clock;
  RequestRateLimit m_rate;
};

} // namespace messageu::server
