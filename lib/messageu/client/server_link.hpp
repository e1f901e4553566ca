// The client's side of the wire: sends one request and reads its one response, in the
// dialect the user chose or the one the link found (dialect_search.cpp), over a connection that is
// either opened for each request (the default, which every server supports) or kept for a whole
// command (an authenticated session, PROTOCOL.md §10). Writes each request whole (PROTOCOL.md §7).
// Reads exactly 7 + payload bytes of each response and ignores anything a padding server sends
// after them. Prints nothing: what happens is reported to an optional observer for --verbose.
#pragma once

#include <messageu/client/content_source.hpp>
#include <messageu/protocol/dialect.hpp>
#include <messageu/protocol/messages.hpp>
#include <messageu/transport/connection.hpp>
#include <messageu/util/endpoint.hpp>
#include <messageu/util/ids.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace messageu::client {

// How the link comes to its dialect (CLI.md §2, PROTOCOL.md §3).
enum class DialectMode {
  fixed,      // named by the user (--dialect X): spoken as it is, never searched
  remembered, // --dialect auto, remembered for this server: searched again only when the
              // server refuses a request and a list in that dialect too
  search,     // --dialect auto, nothing remembered: found by the first request
};

struct LinkSettings {
  Endpoint endpoint;
  protocol::Dialect dialect = protocol::k_default_dialect; // the one spoken, or the first guess
  DialectMode dialect_mode = DialectMode::fixed;
  std::chrono::milliseconds timeout{10000};
  int retries = 2; // connection attempts after the first (never a resend, see exchange())
};

// Receives a pull response as it arrives: each message's header, its content in chunks of
// any size, then its end. An error returned from any callback ends the exchange with it.
class PullHandler {
public:
  virtual ~PullHandler() = default;
  virtual Status on_message(const protocol::PulledMessageHeader &header) = 0;
  virtual Status on_content(ByteView chunk) = 0;
  virtual Status on_message_end() = 0;
};

// Diagnostics for --verbose: one line per event, never keys or contents.
using LinkObserver = std::function<void(std::string_view line)>;
// Told the dialect a search found (the first time, or when the server changed), to remember it.
using DialectListener = std::function<Status(protocol::Dialect dialect)>;

class ServerLink {
public:
  ServerLink(LinkSettings settings, const ClientId &sender);
  ServerLink(ServerLink &&) noexcept;
  ServerLink &operator=(ServerLink &&) noexcept;
  ~ServerLink();

  const LinkSettings &settings() const { return m_settings; }
  const ClientId &sender() const { return m_sender; }
  void set_observer(LinkObserver observer) { m_observer = std::move(observer); }
  void set_dialect_listener(DialectListener listener) { m_dialect_listener = std::move(listener); }
  // Requests written so far, dialect searches included (for ping and measurements).
  std::uint64_t requests_sent() const { return m_requests_sent; }

  // --- connection mode -----------------------------------------------------------------------

  // From now on every request goes over one connection, opened now (with retries).
  Status keep_connection_open();
  // Back to one connection per request; closes the kept connection.
  void use_connection_per_request();
  bool keeps_connection_open() const;
  // The kept connection is bound to sender(): later requests carry header version 3.
  void mark_authenticated() { m_authenticated = true; }
  bool authenticated() const { return m_authenticated; }

  // --- exchanges -----------------------------------------------------------------------------
  // Errors: the transport's (Errc::unavailable, connection_closed, io_error); the server's
  // 9000 → Errc::server_error ("server responded with an error"); a malformed or unexpected
  // answer → a protocol error (Errc::truncated, size_mismatch, unexpected_code).

  // Sends `operation` with `payload` and returns the response payload. When `idempotent`
  // (list, public key) and the link opens a connection per request, a connection lost
  // mid-exchange is retried; otherwise a request is never sent twice.
  Result<Bytes> exchange(protocol::Operation operation, ByteView payload, bool idempotent = false);
  // Sends a request whose payload is `prefix` followed by all of `content`, then reads the
  // response payload. If the server stops reading early, its answer (9000) is still reported.
  Result<Bytes> exchange_streamed(protocol::Operation operation, ByteView prefix,
                                  ContentSource &content);
  // Sends a pull and streams its response to `handler`.
  Status exchange_pull(PullHandler &handler);
  // Sends WAIT (PROTOCOL.md §11) for at most `milliseconds` on the kept connection and streams
  // the answer, a pull's, to `handler`. A server without WAIT → Errc::server_error.
  Status exchange_wait(std::uint32_t milliseconds, PullHandler &handler);

  // With DialectMode::search, finds the dialect now (a list with the sender's id, the zero id
  // when unregistered) instead of on the first request; does nothing in the other modes.
  // Refused in every dialect → Errc::server_error naming both likely causes.
  Status settle_dialect();

private:
  struct Request {
    protocol::Operation operation;
    ByteView head; // the payload, or its prefix when content follows
    ContentSource *content = nullptr;
    std::uint16_t wait_code = 0; // a WAIT request, answered like operation (a pull)
  };
  using Attempt = std::function<Result<Bytes>()>;

  Result<transport::Connection *> connection();
  Status send_request(transport::Connection &connection, const Request &request);
  // Reads one response to `operation`; the payload (non-pull) or the handler's events.
  Result<Bytes> read_response(transport::Connection &connection, protocol::Operation operation,
                              PullHandler *handler);
  Result<Bytes> run(const Request &request, PullHandler *handler);
  Status write_request(transport::Connection &connection, const protocol::RequestHeader &header,
                       const Request &request);

  // --- dialect search (dialect_search.cpp) ---------------------------------------------------
  // Runs `attempt` for `operation` in the link's dialect, first finding it (search) or,
  // when the remembered one is refused, checking it still holds. `repeatable`: a request
  // refused in a stale dialect may be sent again in the right one (nothing was consumed).
  Result<Bytes> in_dialect(protocol::Operation operation, const Attempt &attempt, bool repeatable);
  // Tries `attempt` in each dialect but `skip`, most likely first, until one is not refused.
  Result<Bytes> search(protocol::Operation operation, const Attempt &attempt,
                       std::optional<protocol::Dialect> skip);
  Result<Bytes> list_probe();
  bool can_probe() const; // a list with the sender's id needs a registered sender
  // `refusal` came in the remembered dialect: the answer stands if a list in it still works,
  // else the dialect is searched again and the request repeated when `repeatable`.
  Result<Bytes> recheck_after_refusal(protocol::Operation operation, const Attempt &attempt,
                                      bool repeatable, Result<Bytes> refusal);
  Status dialect_found(protocol::Dialect dialect);
  Error every_dialect_refused(protocol::Operation operation) const;
  // Closes the connection unless it is kept and `in_step` (the exchange ran to its end).
  void finish_exchange(bool in_step);
  std::uint8_t header_version(protocol::Operation operation) const;
  void report(std::string_view line) const;

  LinkSettings m_settings;
  ClientId m_sender{};
  LinkObserver m_observer;
  DialectListener m_dialect_listener;
  std::uint64_t m_requests_sent = 0;
  bool m_keep_open = false;
  bool m_authenticated = false;
  std::optional<transport::Connection> m_connection;
};

// The error for a malformed answer, as a protocol error whatever the decoder called it.
Error protocol_failure(const Error &error);

} // namespace messageu::client
