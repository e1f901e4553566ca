// The client's connection on Boost.Asio. Each blocking-looking call starts one asynchronous
// operation on a private io_context and runs that context for at most the timeout; if the
// operation has not finished by then the socket is closed, which cancels it.
#include <messageu/transport/connection.hpp>

#include <messageu/transport/resolver.hpp>

#include <utility> // before Asio: g++ 12 in C++20 mode needs it (DESIGN.md §6)

#include <boost/asio.hpp>

#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace messageu::transport {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

struct Connection::State {
  explicit State(std::chrono::milliseconds timeout_value) : timeout(timeout_value) {}

  asio::io_context io;
  tcp::socket socket{io};
  std::chrono::milliseconds timeout;
  std::string peer; // "host:port", for messages
};

namespace {

// The outcome of one asynchronous operation; nullopt while it runs.
struct Outcome {
  std::optional<error_code> error;
  std::size_t transferred = 0;
};

// Runs the context until `outcome` is set or `timeout` passes. On expiry closes the socket
// (cancelling the operation), lets the cancelled handler run, and returns false.
bool run_until_done(asio::io_context &io, tcp::socket &socket, const Outcome &outcome,
                    std::chrono::steady_clock::duration timeout) {
  io.restart();
  io.run_for(timeout);
  if (outcome.error)
    return true;
  error_code ignored;
  socket.close(ignored);
  io.restart();
  io.run(); // completes the cancelled handlers; returns as soon as none is left
  return false;
}

bool is_closed_by_peer(const error_code &error) {
  return error == asio::error::eof || error == asio::error::connection_reset ||
         error == asio::error::broken_pipe || error == asio::error::connection_aborted;
}

Error timed_out(const std::string &what, std::chrono::milliseconds timeout) {
  return make_error(Errc::unavailable,
                    what + ": timed out after " + std::to_string(timeout.count()) + " ms");
}

// The socket error of a read or write, as the error contract of Connection says.
Error transfer_error(const std::string &what, const error_code &error) {
  if (is_closed_by_peer(error))
    return make_error(Errc::connection_closed, what + ": the server closed the connection");
  return make_error(Errc::io_error, what + ": " + error.message());
}

Error not_open(const std::string &what) {
  return make_error(Errc::connection_closed, what + ": the connection is closed");
}

// Starts one asynchronous read or write with `start(handler)`, runs it until it ends or the
// timeout passes, and maps its outcome to Connection's errors. Returns the bytes moved.
template <typename Start>
Result<std::size_t> transfer(asio::io_context &io, tcp::socket &socket,
                             std::chrono::milliseconds timeout, const std::string &what,
                             Start start) {
  Outcome outcome;
  start([&outcome](const error_code &error, std::size_t count) {
    outcome.error = error;
    outcome.transferred = count;
  });
  if (!run_until_done(io, socket, outcome, timeout))
    return timed_out(what, timeout);
  if (*outcome.error)
    return transfer_error(what, *outcome.error);
  return outcome.transferred;
}

} // namespace

Connection::Connection(std::unique_ptr<State> state) : m_state(std::move(state)) {}
Connection::Connection(Connection &&other) noexcept = default;
Connection &Connection::operator=(Connection &&other) noexcept = default;
Connection::~Connection() { close(); }

Result<Connection> Connection::connect(const Endpoint &endpoint,
                                       std::chrono::milliseconds timeout) {
  auto peer = to_string(endpoint);
  try {
    auto state = std::make_unique<State>(timeout);
    state->peer = peer;
    auto deadline = std::chrono::steady_clock::now() + timeout;

    std::vector<tcp::endpoint> addresses;
    for (const auto &address : MESSAGEU_TRY(resolve_within(endpoint.host, endpoint.port, timeout)))
      addresses.emplace_back(asio::ip::make_address(address), endpoint.port);

    Outcome connected;
    asio::async_connect(
        state->socket, addresses,
        [&](const error_code &error, const tcp::endpoint &) { connected.error = error; });
    auto remaining = std::max<std::chrono::steady_clock::duration>(
        deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration::zero());
    if (!run_until_done(state->io, state->socket, connected, remaining))
      return timed_out("cannot connect to " + peer, timeout);
    if (*connected.error)
      return make_error(Errc::unavailable,
                        "cannot connect to " + peer + ": " + connected.error->message());

    error_code ignored; // a socket without Nagle's delay still works, only slower
    state->socket.set_option(tcp::no_delay(true), ignored);
    return Connection(std::move(state));
  } catch (const std::exception &exception) {
    return make_error(Errc::io_error, "cannot connect to " + peer + ": " + exception.what());
  }
}

Status Connection::write_all(ByteView data) {
  std::array<ByteView, 1> buffers{data};
  return write_all(std::span<const ByteView>(buffers));
}

Status Connection::write_all(std::span<const ByteView> buffers) {
  auto what = "writing to " + (m_state ? m_state->peer : std::string("server"));
  if (!is_open())
    return not_open(what);
  std::vector<asio::const_buffer> sequence;
  sequence.reserve(buffers.size());
  for (auto buffer : buffers)
    sequence.emplace_back(buffer.data(), buffer.size());
  auto &socket = m_state->socket;
  auto written = transfer(m_state->io, socket, m_state->timeout, what,
                          [&](auto handler) { asio::async_write(socket, sequence, handler); });
  if (!written)
    return written.error();
  return {};
}

Status Connection::read_exact(MutableByteView buffer) {
  auto what = "reading from " + (m_state ? m_state->peer : std::string("server"));
  if (!is_open())
    return not_open(what);
  auto &socket = m_state->socket;
  auto read = transfer(m_state->io, socket, m_state->timeout, what, [&](auto handler) {
    asio::async_read(socket, asio::buffer(buffer.data(), buffer.size()), handler);
  });
  if (!read)
    return read.error();
  return {};
}

Result<std::size_t> Connection::read_some(MutableByteView buffer) {
  auto what = "reading from " + (m_state ? m_state->peer : std::string("server"));
  if (!is_open())
    return not_open(what);
  if (buffer.empty())
    return std::size_t{0};
  auto &socket = m_state->socket;
  return transfer(m_state->io, socket, m_state->timeout, what, [&](auto handler) {
    socket.async_read_some(asio::buffer(buffer.data(), buffer.size()), handler);
  });
}

void Connection::close() {
  if (!m_state)
    return;
  error_code ignored;
  m_state->socket.shutdown(tcp::socket::shutdown_both, ignored);
  m_state->socket.close(ignored);
}

bool Connection::is_open() const { return m_state && m_state->socket.is_open(); }

void Connection::set_timeout(std::chrono::milliseconds timeout) {
  if (m_state)
    m_state->timeout = timeout;
}

std::chrono::milliseconds Connection::timeout() const {
  return m_state ? m_state->timeout : std::chrono::milliseconds::zero();
}

Result<Connection> connect_with_retries(const Endpoint &endpoint, std::chrono::milliseconds timeout,
                                        int retries) {
  RetryPolicy policy;
  policy.retries = retries;
  return connect_with_retries(endpoint, timeout, policy);
}

Result<Connection> connect_with_retries(const Endpoint &endpoint, std::chrono::milliseconds timeout,
                                        const RetryPolicy &policy) {
  auto delay = policy.first_delay;
  for (int attempt = 1;; ++attempt) {
    auto connection = Connection::connect(endpoint, timeout);
    // Only a failure to reach the server is worth another try.
    if (connection || connection.error().code != Errc::unavailable || attempt > policy.retries)
      return connection;
    if (policy.on_retry)
      policy.on_retry(attempt, connection.error(), delay);
    std::this_thread::sleep_for(delay);
    delay *= 2;
  }
}

} // namespace messageu::transport
