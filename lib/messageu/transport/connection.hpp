// The client's TCP connection to a server, with every operation bounded by a timeout. This is
// the only code that includes Boost.Asio; no Asio type appears here (the state lives behind a
// pointer), so callers see plain byte spans and Result values.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/endpoint.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>

namespace messageu::transport {

// A connected, blocking-looking TCP stream. Each call runs its own asynchronous operation and
// gives up after the connection's timeout, so no call can hang. Move-only. Errors:
//  - cannot resolve or connect, or an operation timed out → Errc::unavailable (the connection
//    is closed after a timeout: its stream position is unknown);
//  - the host name does not exist → Errc::unknown_host (never retried: a typo stays one);
//  - the peer closed or reset the connection → Errc::connection_closed;
//  - any other socket error → Errc::io_error.
class Connection {
public:
  // Resolves `endpoint.host` and connects to the first address that accepts, within
  // `timeout` in total; the same timeout then bounds each later operation. TCP_NODELAY is set.
  static Result<Connection> connect(const Endpoint &endpoint, std::chrono::milliseconds timeout);

  Connection(Connection &&other) noexcept;
  Connection &operator=(Connection &&other) noexcept;
  Connection(const Connection &) = delete;
  Connection &operator=(const Connection &) = delete;
  ~Connection();

  // Writes every byte of `data`.
  Status write_all(ByteView data);
  // Writes every byte of every buffer in order with one gather write (a header and a large
  // content go out without being copied together).
  Status write_all(std::span<const ByteView> buffers);

  // Fills `buffer` completely. EOF before that → Errc::connection_closed.
  Status read_exact(MutableByteView buffer);
  // Reads at least one byte and at most buffer.size(); returns how many. EOF →
  // Errc::connection_closed. An empty buffer returns 0 at once.
  Result<std::size_t> read_some(MutableByteView buffer);

  // Closes the socket; later operations fail with Errc::connection_closed. Harmless twice.
  void close();
  bool is_open() const;

  // The timeout applied to each later operation.
  void set_timeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds timeout() const;

private:
  struct State;
  explicit Connection(std::unique_ptr<State> state);

  std::unique_ptr<State> m_state;
};

// Connects like Connection::connect, retrying up to `retries` more times when the connection
// cannot be made, sleeping 100 ms, 200 ms, 400 ms ... between attempts. Only connecting is
// retried: once connected, nothing is ever sent twice. Returns the last attempt's error.
Result<Connection> connect_with_retries(const Endpoint &endpoint, std::chrono::milliseconds timeout,
                                        int retries);

// How connect_with_retries paces its attempts.
struct RetryPolicy {
  int retries = 2;                            // attempts after the first one
  std::chrono::milliseconds first_delay{100}; // doubled after each failed attempt
  // Called before each retry with the attempt number that failed (1-based), its error and
  // the delay about to be slept; for --verbose diagnostics. May be empty.
  std::function<void(int attempt, const Error &error, std::chrono::milliseconds delay)> on_retry;
};

// As above with an explicit policy.
Result<Connection> connect_with_retries(const Endpoint &endpoint, std::chrono::milliseconds timeout,
                                        const RetryPolicy &policy);

} // namespace messageu::transport
