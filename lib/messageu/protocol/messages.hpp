// Payload codecs for every request and response (PROTOCOL.md §4, §10), field by field.
//
//   register request   name (255, NUL-terminated, zero-padded) · public key (160)
//   public key request client id (16)
//   send request       recipient (16) · type (1) · content size (4) · content
//   ack request        message id (4) repeated
//   register response  client id (16)
//   list response      (client id (16) · name (255)) repeated
//   public key resp.   client id (16) · public key (160)
//   send response      recipient (16) · message id (4)
//   pull response      (sender (16) · message id (4) · type (1) · size (4) · content) repeated
//   challenge resp.    RSA-OAEP ciphertext of the nonce (128)
//   ack response       number deleted (4)
//
// Decoders take untrusted bytes, never read past the end, and check sizes before allocating.
#pragma once

#include <messageu/protocol/dialect.hpp>
#include <messageu/protocol/header.hpp>
#include <messageu/util/bytes.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace messageu::protocol {

// A whole request: header (with the payload size filled in) followed by the payload.
Bytes encode_request(const ClientId &sender, Dialect dialect, Operation operation, ByteView payload,
                     std::uint8_t version = k_classic_version);
// A whole response in `dialect`; encode_error_response() is 9000 with no payload.
Bytes encode_response(Dialect dialect, Operation operation, ByteView payload);
Bytes encode_error_response();

// --- names -------------------------------------------------------------------------------

// A name a user may register: 1..254 printable ASCII characters (0x20..0x7e). Else
// Errc::bad_data with the reason.
Status validate_user_name(std::string_view name);
// The name in a 255-byte field, up to its first NUL. Strict (server): a field with no NUL
// → Errc::bad_data. Lenient (client reading a list): a field with no NUL is all 255 bytes.
Result<std::string> decode_name_field(ByteView field, bool strict);

// --- requests ----------------------------------------------------------------------------

struct RegisterRequest {
  std::string name;
  PublicKeyBytes public_key{};
};
// The caller validated the name (validate_user_name).
Bytes encode_register_payload(const RegisterRequest &request);
// Errc::size_mismatch for a payload that is not 415 bytes; Errc::bad_data for a name that is
// empty, has no NUL in its 255 bytes, or is not printable. The key is not parsed here.
Result<RegisterRequest> decode_register_payload(ByteView payload);

Bytes encode_public_key_request(const ClientId &wanted);
Result<ClientId> decode_public_key_request(ByteView payload);

struct SendPrefix {
  ClientId recipient{};
  std::uint8_t type = 0;
  std::uint32_t content_size = 0;
};
std::array<Byte, k_send_prefix_size> encode_send_prefix(const SendPrefix &prefix);
// Decodes the 21-byte prefix of a send whose header declared `payload_size`.
// Errc::truncated if fewer than 21 bytes; Errc::bad_data for a type outside 1..4;
// Errc::size_mismatch unless payload_size == 21 + content_size.
Result<SendPrefix> decode_send_prefix(ByteView bytes, std::uint32_t payload_size);
// The whole payload of a send with its content in memory.
Bytes encode_send_payload(const ClientId &recipient, MessageType type, ByteView content);

Bytes encode_ack_payload(std::span<const MessageId> ids);
// Errc::size_mismatch unless a multiple of 4 bytes and at most 65,536 ids.
Result<std::vector<MessageId>> decode_ack_payload(ByteView payload);

// WAIT (PROTOCOL.md §11): the longest wait in milliseconds, a u32 from 1 to 300,000.
std::array<Byte, k_wait_payload_size> encode_wait_payload(std::uint32_t milliseconds);
// Errc::size_mismatch unless 4 bytes; Errc::bad_data for a time outside 1..300,000 ms.
Result<std::uint32_t> decode_wait_payload(ByteView payload);

// --- responses ---------------------------------------------------------------------------

struct UserEntry {
  ClientId id{};
  std::string name;
  friend bool operator==(const UserEntry &, const UserEntry &) = default;
};

struct PublicKeyAnswer {
  ClientId id{};
  PublicKeyBytes public_key{};
};

struct SendAnswer {
  ClientId recipient{};
  MessageId message_id = 0;
};

struct PulledMessageHeader {
  ClientId sender{};
  MessageId message_id = 0;
  std::uint8_t type = 0;
  std::uint32_t content_size = 0;
  friend bool operator==(const PulledMessageHeader &, const PulledMessageHeader &) = default;
};

struct PulledMessage {
  PulledMessageHeader header;
  Bytes content;
};

Bytes encode_register_answer(const ClientId &id);
Result<ClientId> decode_register_answer(ByteView payload);

// Errc::size_mismatch unless the size is a multiple of 271. Names are read leniently.
Bytes encode_user_list(std::span<const UserEntry> users);
Result<std::vector<UserEntry>> decode_user_list(ByteView payload);

Bytes encode_public_key_answer(const PublicKeyAnswer &answer);
Result<PublicKeyAnswer> decode_public_key_answer(ByteView payload);

Bytes encode_send_answer(const SendAnswer &answer);
Result<SendAnswer> decode_send_answer(ByteView payload);

std::array<Byte, k_pulled_message_header_size>
encode_pulled_message_header(const PulledMessageHeader &header);
// Errc::truncated if fewer than 25 bytes; Errc::bad_data for a type outside 1..4.
Result<PulledMessageHeader> decode_pulled_message_header(ByteView bytes);
// A whole pull payload held in memory (small responses and tests; large ones go through
// ResponseReader). Errc::truncated when a message runs past the end.
Bytes encode_pull_payload(std::span<const PulledMessage> messages);
Result<std::vector<PulledMessage>> decode_pull_payload(ByteView payload);

Bytes encode_ack_answer(std::uint32_t deleted);
Result<std::uint32_t> decode_ack_answer(ByteView payload);

} // namespace messageu::protocol
