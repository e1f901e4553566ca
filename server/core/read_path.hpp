// The requests the network thread answers by itself: a user list, a public key, and a pull
// when nothing waits for the requester. They only read, and the ClientDirectory holds all they
// read, so answering them where they arrive saves the trip to the store thread and back
// (two thread wake-ups, most of such a request's cost on one connection).
//
// Only what can be answered exactly as the request handler would is answered here, bytes and
// checks alike; anything else (an unknown sender, a bad payload, a pull with messages, every
// write) goes to the store thread, which has the one copy of every refusal.
//
// Not thread-safe: used from the network thread.
#pragma once

#include "core/client_directory.hpp"
#include "core/connection_state.hpp"
#include "core/reply.hpp"
#include "core/request_handler.hpp"

#include <messageu/protocol/header.hpp>

#include <chrono>
#include <optional>

namespace messageu::server {

class ReadPath {
public:
  ReadPath(ClientDirectory &directory, HandlerOptions options,
           SteadyClock clock = &std::chrono::steady_clock::now);

  // The reply to the request if it is answered here (its sender's LastSeen is then recorded
  // in the directory); nullopt when the request handler must answer it.
  std::optional<Reply> try_answer(const protocol::RequestFrame &frame, ByteView payload,
                                  ConnectionState &connection);

  // True when LastSeen times recorded here wait to go to the store, at most once a second:
  // the caller then has the store thread take them (RequestHandler::record_touches).
  bool touches_due();

private:
  std::optional<Reply> answer(const protocol::RequestFrame &frame, ByteView payload,
                              const DirectoryEntry &sender, const ConnectionState &connection);

  ClientDirectory &m_directory;
  HandlerOptions m_options;
  SteadyClock m_clock;
  RequestRateLimit m_rate;
  bool m_touched = false;
  std::chrono::steady_clock::time_point m_touches_handed_over{};
};

} // namespace messageu::server
