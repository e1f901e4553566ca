// Accepts connections and starts one session for each. A connection from an address that
// already holds --max-connections-per-address is accepted and closed at once; at
// --max-connections the connection idle longest (else the slowest one mid-request) is closed
// to make room, so that connections held open by a flood cannot lock newcomers out. Both are
// logged. When the process runs out of file descriptors the listener pauses briefly and goes
// on.
#pragma once

#include "session.hpp"

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <string>

namespace messageu::server {

struct ConnectionCaps {
  std::size_t total;
  std::size_t per_address;
};

class Listener {
public:
  // Opens, binds and listens; Errc::unavailable (with the reason) when the address cannot be
  // used. An empty `address` listens on every interface (IPv6 and IPv4 when the system allows
  // it, else IPv4 only).
  static Result<std::unique_ptr<Listener>> open(boost::asio::io_context &io,
                                                const std::string &address, std::uint16_t port,
                                                ConnectionCaps caps, SessionContext &context);

  // "ADDR:PORT" of the bound socket (the port chosen by the system for port 0).
  std::string local_address() const;

  // The accept loop; returns once close() was called.
  boost::asio::awaitable<void> accept_loop();
  // Stops accepting.
  void close();

private:
  Listener(boost::asio::ip::tcp::acceptor acceptor, ConnectionCaps caps, SessionContext &context);
  void admit(boost::asio::ip::tcp::socket socket);
  // Closes a connection to make room for `newcomer`; false when none may be closed.
  bool make_room(const Session &newcomer);

  boost::asio::ip::tcp::acceptor m_acceptor;
  ConnectionCaps m_caps;
  SessionContext &m_context;
  bool m_closed = false;
};

} // namespace messageu::server
