// The raw test client.
#include "support/raw_client.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace messageu::test {

RawConnection::RawConnection(std::uint16_t port) : RawConnection(port, nullptr) {}

RawConnection::RawConnection(std::uint16_t port, const char *source, int receive_buffer) {
  m_fd.reset(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!m_fd)
    throw std::runtime_error("socket failed");
  int one = 1;
  setsockopt(m_fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (receive_buffer > 0)
    setsockopt(m_fd.get(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  if (source) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (inet_pton(AF_INET, source, &local.sin_addr) != 1 ||
        bind(m_fd.get(), reinterpret_cast<sockaddr *>(&local), sizeof local) != 0) {
      throw std::runtime_error(std::string("cannot bind to ") + source);
    }
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(m_fd.get(), reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
    throw std::runtime_error("connect failed");
  }
}

bool RawConnection::send(ByteView bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(m_fd.get(), bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<Bytes> RawConnection::receive_exact(std::size_t count,
                                                  std::chrono::milliseconds timeout) {
  Bytes out(count);
  std::size_t done = 0;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (done < count) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return std::nullopt;
    pollfd pfd{m_fd.get(), POLLIN, 0};
    int ready = poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      return std::nullopt;
    ssize_t n = recv(m_fd.get(), out.data() + done, count - done, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return std::nullopt;
    done += static_cast<std::size_t>(n);
  }
  return out;
}

std::optional<RawResponse> RawConnection::receive_response(std::chrono::milliseconds timeout) {
  auto header = receive_exact(7, timeout);
  if (!header)
    return std::nullopt;
  RawResponse response;
  response.version = (*header)[0];
  response.code = load_le16(header->data() + 1);
  auto size = load_le32(header->data() + 3);
  auto payload = receive_exact(size, timeout);
  if (!payload)
    return std::nullopt;
  response.payload = std::move(*payload);
  return response;
}

bool RawConnection::closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return false;
    pollfd pfd{m_fd.get(), POLLIN, 0};
    int ready = poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      return false;
    ssize_t n = recv(m_fd.get(), buffer, sizeof buffer, 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
      return true;
  }
}

void RawConnection::reset() {
  linger option{1, 0};
  setsockopt(m_fd.get(), SOL_SOCKET, SO_LINGER, &option, sizeof option);
  m_fd.close();
}

void RawConnection::shutdown_write() { ::shutdown(m_fd.get(), SHUT_WR); }

Bytes request_frame(ByteView client_id, std::uint16_t code, ByteView payload,
                    std::uint8_t version) {
  ByteWriter writer(23 + payload.size());
  writer.bytes(client_id).u8(version).u16(code).u32(static_cast<std::uint32_t>(payload.size()));
  writer.bytes(payload);
  return writer.take();
}

} // namespace messageu::test
