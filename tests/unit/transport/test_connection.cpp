// The client connection against a tiny listener made here with POSIX sockets on 127.0.0.1.
#include <messageu/transport/connection.hpp>
#include <messageu/util/unique_fd.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace messageu;
using namespace messageu::transport;
using namespace std::chrono_literals;

namespace {

// A listening socket on 127.0.0.1 (a free port unless one is given).
class Listener {
public:
  explicit Listener(std::uint16_t port = 0, int backlog = 16) {
    m_fd.reset(::socket(AF_INET, SOCK_STREAM, 0));
    int yes = 1;
    ::setsockopt(m_fd.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::bind(m_fd.get(), reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        ::listen(m_fd.get(), backlog) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
    socklen_t length = sizeof address;
    ::getsockname(m_fd.get(), reinterpret_cast<sockaddr *>(&address), &length);
    m_port = ntohs(address.sin_port);
  }
  std::uint16_t port() const { return m_port; }
  Endpoint endpoint() const { return {"127.0.0.1", m_port}; }

  // The next connection, or -1 if none arrives within 10 s.
  int accept() {
    pollfd ready{m_fd.get(), POLLIN, 0};
    if (::poll(&ready, 1, 10000) != 1)
      return -1;
    return ::accept(m_fd.get(), nullptr, nullptr);
  }

private:
  UniqueFd m_fd;
  std::uint16_t m_port = 0;
};

// A port with nothing listening on it: bound once, then released.
std::uint16_t closed_port() { return Listener().port(); }

bool read_exactly(int fd, Byte *data, std::size_t size) {
  while (size > 0) {
    auto count = ::recv(fd, data, size, 0);
    if (count <= 0)
      return false;
    data += count;
    size -= static_cast<std::size_t>(count);
  }
  return true;
}

bool write_exactly(int fd, const Byte *data, std::size_t size) {
  while (size > 0) {
    auto count = ::send(fd, data, size, MSG_NOSIGNAL);
    if (count <= 0)
      return false;
    data += count;
    size -= static_cast<std::size_t>(count);
  }
  return true;
}

Bytes pattern(std::size_t size) {
  Bytes bytes(size);
  for (std::size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<Byte>((i * 131) ^ (i >> 9));
  return bytes;
}

} // namespace

TEST(Connection, RefusedConnectionIsUnavailable) {
  auto connection = Connection::connect({"127.0.0.1", closed_port()}, 2s);
  ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().code, Errc::unavailable);
  EXPECT_NE(connection.error().message.find("cannot connect"), std::string::npos);
}

TEST(Connection, RoundTripsBytesBothWays) {
  Listener listener;
  std::thread echo([&] {
    int fd = listener.accept();
    Byte buffer[5];
    if (fd >= 0 && read_exactly(fd, buffer, sizeof buffer))
      write_exactly(fd, buffer, sizeof buffer);
    ::close(fd);
  });
  auto connection = Connection::connect(listener.endpoint(), 5s);
  ASSERT_TRUE(connection) << connection.error().message;
  Bytes sent{1, 2, 3, 4, 5};
  ASSERT_TRUE(connection->write_all(ByteView(sent)));
  Bytes received(5);
  auto read = connection->read_exact(received);
  echo.join();
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(received, sent);
}

TEST(Connection, GatherWriteSendsBuffersInOrder) {
  Listener listener;
  Bytes received(3 + 300000);
  bool complete = false;
  std::thread reader([&] {
    int fd = listener.accept();
    complete = fd >= 0 && read_exactly(fd, received.data(), received.size());
    ::close(fd);
  });
  auto connection = Connection::connect(listener.endpoint(), 5s);
  ASSERT_TRUE(connection);
  Bytes header{'h', 'd', 'r'};
  auto body = pattern(300000);
  std::array<ByteView, 2> buffers{ByteView(header), ByteView(body)};
  auto written = connection->write_all(std::span<const ByteView>(buffers));
  reader.join();
  ASSERT_TRUE(written) << written.error().message;
  ASSERT_TRUE(complete);
  Bytes expected = header;
  expected.insert(expected.end(), body.begin(), body.end());
  EXPECT_EQ(received, expected);
}

TEST(Connection, TransfersLargeBuffersBothWays) {
  constexpr std::size_t k_total = std::size_t{16} * 1024 * 1024;
  constexpr std::size_t k_chunk = std::size_t{256} * 1024;
  Listener listener;
  auto data = pattern(k_total);
  std::thread echo([&] {
    int fd = listener.accept();
    Bytes buffer(k_chunk);
    for (std::size_t done = 0; fd >= 0 && done < k_total; done += k_chunk)
      if (!read_exactly(fd, buffer.data(), k_chunk) || !write_exactly(fd, buffer.data(), k_chunk))
        break;
    ::close(fd);
  });
  auto connection = Connection::connect(listener.endpoint(), 10s);
  ASSERT_TRUE(connection);
  Bytes received(k_total);
  // The echo answers chunk by chunk, so write one chunk then read it back.
  for (std::size_t offset = 0; offset < k_total; offset += k_chunk) {
    ASSERT_TRUE(connection->write_all(ByteView(data).subspan(offset, k_chunk)));
    ASSERT_TRUE(connection->read_exact(MutableByteView(received).subspan(offset, k_chunk)));
  }
  echo.join();
  EXPECT_EQ(received, data);
}

TEST(Connection, ReadTimeoutIsUnavailableAndClosesTheConnection) {
  Listener listener;
  auto connection = Connection::connect(listener.endpoint(), 100ms);
  ASSERT_TRUE(connection);
  int fd = listener.accept(); // accepted, but never answers
  Bytes buffer(7);
  auto read = connection->read_exact(buffer);
  ::close(fd);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, Errc::unavailable);
  EXPECT_NE(read.error().message.find("timed out"), std::string::npos);
  EXPECT_FALSE(connection->is_open());
  EXPECT_EQ(connection->read_exact(buffer).error().code, Errc::connection_closed);
}

TEST(Connection, ReadSomeTimeoutIsUnavailable) {
  Listener listener;
  auto connection = Connection::connect(listener.endpoint(), 100ms);
  ASSERT_TRUE(connection);
  int fd = listener.accept();
  Bytes buffer(16);
  auto read = connection->read_some(buffer);
  ::close(fd);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, Errc::unavailable);
}

TEST(Connection, EndOfStreamBeforeBufferIsFullIsConnectionClosed) {
  Listener listener;
  auto connection = Connection::connect(listener.endpoint(), 5s);
  ASSERT_TRUE(connection);
  int fd = listener.accept();
  Bytes partial{9, 8, 7};
  write_exactly(fd, partial.data(), partial.size());
  ::close(fd);
  Bytes buffer(7);
  auto read = connection->read_exact(buffer);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, Errc::connection_closed);
}

TEST(Connection, ReadSomeReturnsAvailableBytesThenConnectionClosed) {
  Listener listener;
  auto connection = Connection::connect(listener.endpoint(), 5s);
  ASSERT_TRUE(connection);
  int fd = listener.accept();
  Bytes sent{1, 2, 3};
  write_exactly(fd, sent.data(), sent.size());
  ::close(fd);
  Bytes buffer(64);
  std::size_t total = 0;
  Result<std::size_t> read = std::size_t{0};
  // Bounded: three bytes arrive in at most three reads before the end of the stream.
  for (int attempt = 0; attempt < 4; ++attempt) {
    read = connection->read_some(MutableByteView(buffer).subspan(total));
    if (!read)
      break;
    EXPECT_GT(*read, 0u);
    total += *read;
  }
  EXPECT_EQ(total, 3u);
  EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + 3), sent);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, Errc::connection_closed);
}

TEST(Connection, ResetByPeerIsConnectionClosed) {
  Listener listener;
  auto connection = Connection::connect(listener.endpoint(), 5s);
  ASSERT_TRUE(connection);
  int fd = listener.accept();
  linger abort_on_close{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  ::close(fd);
  Bytes buffer(7);
  EXPECT_EQ(connection->read_exact(buffer).error().code, Errc::connection_closed);
}

TEST(Connection, WritingToClosedPeerEndsAsConnectionClosed) {
  Listener listener;
  auto connection = Connection::connect(listener.endpoint(), 5s);
  ASSERT_TRUE(connection);
  int fd = listener.accept();
  linger abort_on_close{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  ::close(fd);
  auto chunk = pattern(std::size_t{256} * 1024);
  Status written;
  // The first writes may still land in the socket buffer; a reset peer fails a later one.
  for (int attempt = 0; attempt < 100 && written; ++attempt)
    written = connection->write_all(ByteView(chunk));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, Errc::connection_closed);
}

TEST(Connection, EmptyReadSomeReturnsZeroAtOnce) {
  Listener listener;
  auto connection = Connection::connect(listener.endpoint(), 5s);
  ASSERT_TRUE(connection);
  auto read = connection->read_some(MutableByteView());
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, 0u);
}

TEST(Connection, OperationsAfterCloseAreConnectionClosed) {
  Listener listener;
  auto connection = Connection::connect(listener.endpoint(), 5s);
  ASSERT_TRUE(connection);
  connection->close();
  connection->close();
  EXPECT_FALSE(connection->is_open());
  Bytes buffer(1);
  EXPECT_EQ(connection->write_all(ByteView(buffer)).error().code, Errc::connection_closed);
  EXPECT_EQ(connection->read_exact(buffer).error().code, Errc::connection_closed);
  EXPECT_EQ(connection->read_some(buffer).error().code, Errc::connection_closed);
}

TEST(Connection, ResolvesLocalhostByName) {
  Listener listener;
  auto connection = Connection::connect({"localhost", listener.port()}, 5s);
  ASSERT_TRUE(connection) << connection.error().message;
  EXPECT_TRUE(connection->is_open());
}

TEST(Connection, ConnectToFullBacklogIsBoundedByTimeout) {
  // A listener that never accepts, with its queue filled by other clients: further SYNs are
  // dropped, so only the timeout ends the attempt (or the kernel refuses: unavailable too).
  Listener listener(0, 0);
  std::vector<int> fillers;
  for (int i = 0; i < 8; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(listener.port());
    // Non-blocking: the connection completes (or not) in the background.
    (void)::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    fillers.push_back(fd);
  }
  auto connection = Connection::connect(listener.endpoint(), 200ms);
  for (int fd : fillers)
    ::close(fd);
  if (connection)
    GTEST_SKIP() << "this kernel accepted the connection into a full backlog";
  EXPECT_EQ(connection.error().code, Errc::unavailable);
}

TEST(Connection, MovedConnectionKeepsWorking) {
  Listener listener;
  std::thread answer([&] {
    int fd = listener.accept();
    Byte byte = 42;
    write_exactly(fd, &byte, 1);
    ::close(fd);
  });
  auto connection = Connection::connect(listener.endpoint(), 5s);
  ASSERT_TRUE(connection);
  Connection moved = std::move(*connection);
  Bytes buffer(1);
  auto read = moved.read_exact(buffer);
  answer.join();
  ASSERT_TRUE(read);
  EXPECT_EQ(buffer[0], 42);
}

TEST(ConnectWithRetries, RetriesTheGivenNumberOfTimesWithDoublingDelays) {
  auto port = closed_port();
  std::vector<std::chrono::milliseconds> delays;
  RetryPolicy policy;
  policy.retries = 3;
  policy.first_delay = 1ms;
  policy.on_retry = [&](int attempt, const Error &error, std::chrono::milliseconds delay) {
    EXPECT_EQ(attempt, static_cast<int>(delays.size()) + 1);
    EXPECT_EQ(error.code, Errc::unavailable);
    delays.push_back(delay);
  };
  auto connection = connect_with_retries({"127.0.0.1", port}, 1s, policy);
  ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().code, Errc::unavailable);
  EXPECT_EQ(delays, (std::vector<std::chrono::milliseconds>{1ms, 2ms, 4ms}));
}

TEST(ConnectWithRetries, ZeroRetriesTriesOnce) {
  int retries = 0;
  RetryPolicy policy;
  policy.retries = 0;
  policy.on_retry = [&](int, const Error &, std::chrono::milliseconds) { ++retries; };
  EXPECT_FALSE(connect_with_retries({"127.0.0.1", closed_port()}, 1s, policy));
  EXPECT_EQ(retries, 0);
}

TEST(ConnectWithRetries, SucceedsWhenServerAppearsBetweenAttempts) {
  auto port = closed_port();
  std::unique_ptr<Listener> listener;
  RetryPolicy policy;
  policy.retries = 5;
  policy.first_delay = 1ms;
  int retries = 0;
  policy.on_retry = [&](int attempt, const Error &, std::chrono::milliseconds) {
    ++retries;
    if (attempt == 2)
      listener = std::make_unique<Listener>(port);
  };
  auto connection = connect_with_retries({"127.0.0.1", port}, 1s, policy);
  ASSERT_TRUE(connection) << connection.error().message;
  EXPECT_EQ(retries, 2);
}

TEST(ConnectWithRetries, DoesNotRetrySuccess) {
  Listener listener;
  int retries = 0;
  RetryPolicy policy;
  policy.on_retry = [&](int, const Error &, std::chrono::milliseconds) { ++retries; };
  EXPECT_TRUE(connect_with_retries(listener.endpoint(), 1s, policy));
  EXPECT_TRUE(connect_with_retries(listener.endpoint(), 1s, 2));
  EXPECT_EQ(retries, 0);
}
