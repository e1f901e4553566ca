// One client connection of the load generator and the exchanges it performs: connect, write a
// whole request, read exactly one response through the protocol layer's ResponseReader. Every
// failure is a status value; nothing throws. A slot marks itself busy while an operation is in
// flight so that a Watchdog can close it when the server stops answering.
#pragma once

#include <messageu/protocol/dialect.hpp>
#include <messageu/util/bytes.hpp>

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <optional>

namespace messageu::bench {

using Clock = std::chrono::steady_clock;

// How one exchange ended.
enum class ExchangeStatus {
  ok,           // the expected success response, complete
  server_error, // the server answered 9000
  io_error,     // connect, write or read failed, or the peer closed too early
  bad_response, // a response that does not parse or has the wrong code
};

// Bytes read from the socket and not yet consumed by a response reader.
class InputBuffer {
public:
  InputBuffer() : m_storage(k_capacity) {}

  ByteView pending() const { return ByteView{m_storage}.subspan(m_begin, m_end - m_begin); }
  void consume(std::size_t count);
  // Free space after the pending bytes (the buffer is compacted first when it is empty).
  MutableByteView space();
  void commit(std::size_t count) { m_end += count; }
  void clear() { m_begin = m_end = 0; }

private:
  static constexpr std::size_t k_capacity = 64 * 1024;
  Bytes m_storage;
  std::size_t m_begin = 0;
  std::size_t m_end = 0;
};

struct ConnectionSlot {
  explicit ConnectionSlot(boost::asio::any_io_executor executor) : socket(std::move(executor)) {}

  boost::asio::ip::tcp::socket socket;
  InputBuffer input;
  // Set while a connect or an exchange is in flight.
  std::optional<Clock::time_point> busy_since;

  // Closes the socket, cancelling whatever is in flight; harmless when already closed.
  void close();
};

// Opens a new connection on `slot` (closing any previous one) with TCP_NODELAY set.
boost::asio::awaitable<bool> connect(ConnectionSlot &slot,
                                     const boost::asio::ip::tcp::endpoint &server);

// Writes `request` on the slot's open connection and reads the one response to `operation` in
// `dialect`. For a non-pull success, `payload` (when given) receives the response payload.
// Bytes after the response stay in the slot's input for the next exchange.
boost::asio::awaitable<ExchangeStatus> exchange(ConnectionSlot &slot, ByteView request,
                                                protocol::Dialect dialect,
                                                protocol::Operation operation,
                                                Bytes *payload = nullptr);

// One request on a connection of its own, as classic clients do: connect, exchange, close.
// It never relies on the connection staying open after the response.
boost::asio::awaitable<ExchangeStatus>
exchange_on_new_connection(ConnectionSlot &slot, const boost::asio::ip::tcp::endpoint &server,
                           ByteView request, protocol::Dialect dialect,
                           protocol::Operation operation, Bytes *payload = nullptr);

} // namespace messageu::bench
