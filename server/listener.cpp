// The accept loop.
#include "listener.hpp"

#include "session_registry.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace messageu::server {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// How long to wait before accepting again after a failed accept (out of descriptors).
constexpr std::chrono::milliseconds k_accept_retry_delay{100};
// The most connections closed at once to make room for a newcomer.
constexpr std::size_t k_max_eviction_batch = 32;

Result<tcp::acceptor> bind_acceptor(asio::io_context &io, const tcp::endpoint &endpoint,
                                    bool dual_stack) {
  tcp::acceptor acceptor(io);
  boost::system::error_code error;
  acceptor.open(endpoint.protocol(), error);
  if (!error && dual_stack)
    acceptor.set_option(asio::ip::v6_only(false), error);
  if (!error)
    acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error)
    acceptor.bind(endpoint, error);
  if (!error)
    acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error)
    return make_error(Errc::unavailable, error.message());
  return acceptor;
}

std::string format_endpoint(const tcp::endpoint &endpoint) {
  auto address = endpoint.address();
  if (address.is_v6())
    return fmt::format("[{}]:{}", address.to_string(), endpoint.port());
  return fmt::format("{}:{}", address.to_string(), endpoint.port());
}

} // namespace

Result<std::unique_ptr<Listener>> Listener::open(asio::io_context &io, const std::string &address,
                                                 std::uint16_t port, ConnectionCaps caps,
                                                 SessionContext &context) {
  Result<tcp::acceptor> acceptor = make_error(Errc::unavailable, "");
  if (address.empty()) {
    acceptor = bind_acceptor(io, tcp::endpoint(tcp::v6(), port), true);
    if (!acceptor) // no IPv6 on this system
      acceptor = bind_acceptor(io, tcp::endpoint(tcp::v4(), port), false);
  } else {
    boost::system::error_code error;
    auto ip = asio::ip::make_address(address, error);
    if (error)
      return make_error(Errc::invalid_argument,
                        fmt::format("--bind {}: not an IP address", address));
    acceptor = bind_acceptor(io, tcp::endpoint(ip, port), false);
  }
  if (!acceptor)
    return make_error(Errc::unavailable,
                      fmt::format("cannot listen on {}:{}: {}", address.empty() ? "*" : address,
                                  port, acceptor.error().message));
  return std::unique_ptr<Listener>(new Listener(std::move(*acceptor), caps, context));
}

Listener::Listener(tcp::acceptor acceptor, ConnectionCaps caps, SessionContext &context)
    : m_acceptor(std::move(acceptor)), m_caps(caps), m_context(context) {}

std::string Listener::local_address() const {
  boost::system::error_code error;
  auto endpoint = m_acceptor.local_endpoint(error);
  return error ? "unknown" : format_endpoint(endpoint);
}

asio::awaitable<void> Listener::accept_loop() {
  while (!m_closed) {
    boost::system::error_code error;
    auto socket =
        co_await m_acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
    if (m_closed)
      break;
    if (error) {
      m_context.logger.warn(fmt::format("accept failed: {}", error.message()));
      asio::steady_timer pause(m_acceptor.get_executor(), k_accept_retry_delay);
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, error));
      continue;
    }
    admit(std::move(socket));
  }
}

void Listener::admit(tcp::socket socket) {
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto session = std::make_shared<Session>(std::move(socket), m_context);
  if (m_context.registry.count_from(session->address()) >= m_caps.per_address) {
    m_context.logger.info(fmt::format("peer={} refused: {} connections from its address already",
                                      session->peer(), m_caps.per_address));
    session->close();
    return;
  }
  if (m_context.registry.size() >= m_caps.total && !make_room(*session)) {
    m_context.logger.warn(
        fmt::format("peer={} refused: {} connections already open", session->peer(), m_caps.total));
    session->close();
    return;
  }
  m_context.registry.add(session);
  session->start();
}

bool Listener::make_room(const Session &newcomer) {
  // A full server under a flood of newcomers would otherwise look at every connection for
  // each one: a large server closes a few at a time (at most 1/256th of the maximum).
  auto batch = std::clamp<std::size_t>(m_caps.total / 256, 1, k_max_eviction_batch);
  auto now = std::chrono::steady_clock::now();
  auto victims = m_context.registry.eviction_candidates(now, batch);
  for (const auto &victim : victims) {
    auto rank = victim->eviction_rank(now);
    auto why = rank && rank->first == 0 ? std::string("among the longest idle")
                                        : fmt::format("among the slowest mid-request ({:.0f} "
                                                      "bytes/s)",
                                                      rank ? rank->second : 0.0);
    m_context.logger.info(fmt::format("peer={} closed to make room for peer={}: {} of {}",
                                      victim->peer(), newcomer.peer(), why, m_caps.total));
    // Out of the count now, not once its coroutine has unwound.
    m_context.registry.remove(victim.get());
    victim->close();
  }
  return !victims.empty();
}

void Listener::close() {
  m_closed = true;
  boost::system::error_code ignored;
  m_acceptor.close(ignored);
}

} // namespace messageu::server
