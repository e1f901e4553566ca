// Header codecs and request classification.
#include <messageu/protocol/header.hpp>

#include <algorithm>
#include <string>

namespace messageu::protocol {

std::array<Byte, k_request_header_size> encode_request_header(const RequestHeader &header) {
  std::array<Byte, k_request_header_size> out{};
  std::copy(header.client_id.begin(), header.client_id.end(), out.begin());
  out[16] = header.version;
  store_le16(out.data() + 17, header.code);
  store_le32(out.data() + 19, header.payload_size);
  return out;
}

std::array<Byte, k_response_header_size> encode_response_header(const ResponseHeader &header) {
  std::array<Byte, k_response_header_size> out{};
  out[0] = header.version;
  store_le16(out.data() + 1, header.code);
  store_le32(out.data() + 3, header.payload_size);
  return out;
}

Result<RequestHeader> decode_request_header(ByteView bytes) {
  ByteReader reader(bytes);
  RequestHeader header;
  header.client_id = MESSAGEU_TRY(reader.array<k_client_id_size>());
  header.version = MESSAGEU_TRY(reader.u8());
  header.code = MESSAGEU_TRY(reader.u16());
  header.payload_size = MESSAGEU_TRY(reader.u32());
  return header;
}

Result<ResponseHeader> decode_response_header(ByteView bytes) {
  ByteReader reader(bytes);
  ResponseHeader header;
  header.version = MESSAGEU_TRY(reader.u8());
  header.code = MESSAGEU_TRY(reader.u16());
  header.payload_size = MESSAGEU_TRY(reader.u32());
  return header;
}

bool is_padding_header(const RequestHeader &header) {
  return header == RequestHeader{ClientId{}, 0, 0, 0};
}

std::uint64_t max_request_payload(const Limits &limits) {
  return std::max<std::uint64_t>(std::uint64_t{k_send_prefix_size} + limits.max_content_size,
                                 k_max_ack_ids * 4);
}

namespace {

Status expect_size(const RequestHeader &header, std::size_t expected) {
  if (header.payload_size != expected)
    return make_error(Errc::size_mismatch, "payload of " + std::to_string(header.payload_size) +
                                               " bytes, expected " + std::to_string(expected));
  return {};
}

Status check_payload_size(Operation operation, const RequestHeader &header) {
  switch (operation) {
  case Operation::register_client: return expect_size(header, k_register_payload_size);
  case Operation::list_users:
  case Operation::pull_messages:
  case Operation::challenge: return expect_size(header, 0);
  case Operation::public_key: return expect_size(header, k_public_key_request_size);
  case Operation::authenticate: return expect_size(header, k_authenticate_payload_size);
  case Operation::send_message:
    if (header.payload_size < k_send_prefix_size)
      return make_error(Errc::size_mismatch, "send payload shorter than its 21-byte prefix");
    return {};
  case Operation::ack:
    if (header.payload_size % 4 != 0 || header.payload_size / 4 > k_max_ack_ids)
      return make_error(Errc::size_mismatch, "ack payload is not a list of at most 65536 ids");
    return {};
  }
  return make_error(Errc::internal, "unhandled operation");
}

} // namespace

Result<RequestFrame> classify_request(const RequestHeader &header, const Limits &limits) {
  if (header.payload_size > max_request_payload(limits))
    return make_error(Errc::too_large, "declared payload of " +
                                           std::to_string(header.payload_size) +
                                           " bytes is above the limit");
  if (auto wait_dialect = decode_wait_request_code(header.code)) {
    MESSAGEU_TRY(expect_size(header, k_wait_payload_size));
    return RequestFrame{header, *wait_dialect, Operation::pull_messages, true};
  }
  auto meaning = decode_request_code(header.code);
  if (!meaning && header.payload_size > k_max_skipped_payload)
    return make_error(Errc::too_large, "unknown request code " + std::to_string(header.code) +
                                           " with a payload of " +
                                           std::to_string(header.payload_size) + " bytes");
  if (!meaning)
    return make_error(Errc::unknown_code, "unknown request code " + std::to_string(header.code));
  MESSAGEU_TRY(check_payload_size(meaning->operation, header));
  if (meaning->operation == Operation::send_message &&
      header.payload_size - k_send_prefix_size > limits.max_content_size)
    return make_error(Errc::too_large, "message content above the server's maximum");
  return RequestFrame{header, meaning->dialect, meaning->operation};
}

} // namespace messageu::protocol
