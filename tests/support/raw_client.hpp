// A blocking TCP client on plain POSIX sockets for tests that speak the wire protocol
// byte by byte: send exactly what the test says, read exactly what the server answers.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/unique_fd.hpp>

#include <chrono>
#include <cstdint>
#include <optional>

namespace messageu::test {

struct RawResponse {
  std::uint8_t version = 0;
  std::uint16_t code = 0;
  Bytes payload;
};

class RawConnection {
public:
  // Connects to 127.0.0.1:port; throws on failure.
  explicit RawConnection(std::uint16_t port);
  // Connects from `source` (another loopback address such as "127.0.0.2", to play another
  // peer), with a receive buffer of `receive_buffer` bytes when not 0 (a client that reads
  // slowly fills it soon). Throws on failure.
  RawConnection(std::uint16_t port, const char *source, int receive_buffer = 0);

  // Writes all bytes; false if the peer is gone.
  bool send(ByteView bytes);
  // Reads exactly `count` bytes, or nullopt on close or timeout.
  std::optional<Bytes> receive_exact(std::size_t count,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads one response (7-byte header, then the declared payload).
  std::optional<RawResponse>
  receive_response(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when the server closes the connection (EOF or reset) within the timeout.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Closes with an RST instead of a FIN (SO_LINGER 0).
  void reset();
  void shutdown_write();
  int fd() const { return m_fd.get(); }

private:
  UniqueFd m_fd;
};

// One request frame: client id, version, code, payload size, payload.
Bytes request_frame(ByteView client_id, std::uint16_t code, ByteView payload,
                    std::uint8_t version = 2);

} // namespace messageu::test
