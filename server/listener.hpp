// Accepts connections and starts one session for each. Above --max-connections a connection
// is accepted and closed at once (and logged), so that a flood never makes the server fail;
// when the process runs out of file descriptors the listener pauses briefly and goes on.
#pragma once

#include "session.hpp"

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <string>

namespace messageu::server {

class Listener {
public:
  // Opens, binds and listens; Errc::unavailable (with the reason) when the address cannot be
  // used. An empty `address` listens on every interface (IPv6 and IPv4 when the system allows
  // it, else IPv4 only).
  static Result<std::unique_ptr<Listener>> open(boost::asio::io_context &io,
                                                const std::string &address, std::uint16_t port,
                                                std::size_t max_connections,
                                                SessionContext &context);

  // "ADDR:PORT" of the bound socket (the port chosen by the system for port 0).
  std::string local_address() const;

  // The accept loop; returns once close() was called.
  boost::asio::awaitable<void> accept_loop();
  // Stops accepting.
  void close();

private:
  Listener(boost::asio::ip::tcp::acceptor acceptor, std::size_t max_connections,
           SessionContext &context);
  void admit(boost::asio::ip::tcp::socket socket);

  boost::asio::ip::tcp::acceptor m_acceptor;
  std::size_t m_max_connections;
  SessionContext &m_context;
  bool m_closed = false;
};

} // namespace messageu::server
