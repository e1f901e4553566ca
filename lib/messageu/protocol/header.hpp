// Request and response headers (PROTOCOL.md §2), and the size rules that frame every request.
//
// Request header, 23 bytes, integers little-endian:
//   offset 0  size 16  client id of the sender (zeros on register)
//   offset 16 size 1   client version (2; 3 for the authenticated extension)
//   offset 17 size 2   request code
//   offset 19 size 4   payload size
// Response header, 7 bytes:
//   offset 0  size 1   server version (2)
//   offset 1  size 2   response code
//   offset 3  size 4   payload size
#pragma once

#include <messageu/protocol/dialect.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <array>
#include <cstdint>

namespace messageu::protocol {

inline constexpr std::size_t k_request_header_size = 16 + 1 + 2 + 4;
inline constexpr std::size_t k_response_header_size = 1 + 2 + 4;
static_assert(k_request_header_size == 23);
static_assert(k_response_header_size == 7);

// Fixed payload sizes (PROTOCOL.md §4, §10).
inline constexpr std::size_t k_register_payload_size = k_name_field_size + k_public_key_size;
inline constexpr std::size_t k_public_key_request_size = k_client_id_size;
inline constexpr std::size_t k_send_prefix_size = k_client_id_size + 1 + 4;
inline constexpr std::size_t k_authenticate_payload_size = 32;
inline constexpr std::size_t k_max_ack_ids = 65536;
// WAIT (PROTOCOL.md §11): a u32, the longest wait in milliseconds.
inline constexpr std::size_t k_wait_payload_size = 4;
inline constexpr std::uint32_t k_max_wait_milliseconds = 300'000;
inline constexpr std::size_t k_user_entry_size = k_client_id_size + k_name_field_size;
inline constexpr std::size_t k_public_key_response_size = k_client_id_size + k_public_key_size;
inline constexpr std::size_t k_send_response_size = k_client_id_size + 4;
inline constexpr std::size_t k_pulled_message_header_size = k_client_id_size + 4 + 1 + 4;
inline constexpr std::size_t k_challenge_size = 128;
inline constexpr std::size_t k_nonce_size = 32;
static_assert(k_register_payload_size == 415);
static_assert(k_send_prefix_size == 21);
static_assert(k_user_entry_size == 271);
static_assert(k_public_key_response_size == 176);
static_assert(k_send_response_size == 20);
static_assert(k_pulled_message_header_size == 25);

// The largest message content the protocol can express (u32).
inline constexpr std::uint32_t k_max_content_size = 0xFFFFFFFFu;

struct RequestHeader {
  ClientId client_id{};
  std::uint8_t version = k_classic_version;
  std::uint16_t code = 0;
  std::uint32_t payload_size = 0;

  friend bool operator==(const RequestHeader &, const RequestHeader &) = default;
};

struct ResponseHeader {
  std::uint8_t version = k_server_version;
  std::uint16_t code = 0;
  std::uint32_t payload_size = 0;

  friend bool operator==(const ResponseHeader &, const ResponseHeader &) = default;
};

std::array<Byte, k_request_header_size> encode_request_header(const RequestHeader &header);
std::array<Byte, k_response_header_size> encode_response_header(const ResponseHeader &header);

// Decodes the first 23 (or 7) bytes; fewer → Errc::truncated. Any bytes form a header: codes
// and sizes are judged by classify_request / check_response.
Result<RequestHeader> decode_request_header(ByteView bytes);
Result<ResponseHeader> decode_response_header(ByteView bytes);

// An all-zero request header after a complete request is a client's padding (PROTOCOL.md §7).
bool is_padding_header(const RequestHeader &header);

// What the server knows about a request from its header alone.
struct RequestFrame {
  RequestHeader header;
  Dialect dialect = k_default_dialect;
  Operation operation = Operation::register_client;
  // A WAIT (PROTOCOL.md §11): answered like a pull, so `operation` is pull_messages.
  bool wait = false;
};

struct Limits {
  // Largest message content accepted in a send (the server's --max-message-size).
  std::uint32_t max_content_size = k_max_content_size;
};

// The largest payload any request may declare under `limits`; above it the frame cannot be
// skipped safely and the connection is closed.
std::uint64_t max_request_payload(const Limits &limits);

// The largest payload skipped after an unknown request code: the largest fixed payload a
// known code has (an ACK of 65,536 ids). A bigger one cannot be a request of any version this
// server knows, so it is not read (a peer could otherwise make it swallow 4 GiB).
inline constexpr std::uint64_t k_max_skipped_payload = k_max_ack_ids * 4;

// Classifies a request header: its dialect and operation, and whether its payload size is
// what the operation requires. Errors:
//   Errc::too_large      payload size above max_request_payload, or an unknown code with a
//                        payload above k_max_skipped_payload;
//   Errc::unknown_code   no dialect has this code (and its payload is small enough to skip);
//   Errc::size_mismatch  the payload size is not the operation's fixed size (or, for send,
//                        shorter than the 21-byte prefix; for ack, not a multiple of 4).
// Only after unknown_code may the caller skip `payload_size` bytes and go on: a known code
// with a size that cannot be right says the peer does not speak the protocol, and its
// declared size cannot be trusted to frame the next request.
Result<RequestFrame> classify_request(const RequestHeader &header, const Limits &limits);

} // namespace messageu::protocol
