// The ceiling server: the threading model expected of a good server (one io_context and one
// thread per core, accepted connections handed round-robin to them) with no work at all per
// request. Each connection is a coroutine that reads whatever arrives, runs it through the
// protocol layer's RequestReader and answers every complete request at once with a fixed
// response (9000 for a rejected one), keeping the connection open until the client closes it.
#pragma once

#include "fixed_responses.hpp"

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace messageu::bench {

class CeilingServer {
public:
  // Binds and listens on `address`:`port` (port 0: any free port). Throws
  // boost::system::system_error when it cannot.
  CeilingServer(const std::string &address, std::uint16_t port, std::size_t threads);

  std::uint16_t port() const;
  // Serves until SIGINT or SIGTERM, then returns.
  void run();

private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::io_context &next_context();
  void stop();

  std::vector<std::unique_ptr<boost::asio::io_context>> m_contexts;
  std::size_t m_next_context = 0;
  boost::asio::ip::tcp::acceptor m_acceptor;
  boost::asio::signal_set m_signals;
  FixedResponses m_responses;
};

} // namespace messageu::bench
