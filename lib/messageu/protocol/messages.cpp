// Payload encoders and decoders for every request and response.
#include <messageu/protocol/messages.hpp>

#include <algorithm>
#include <string>

namespace messageu::protocol {
namespace {

Status expect_exact(ByteView payload, std::size_t size, std::string_view what) {
  if (payload.size() != size)
    return make_error(Errc::size_mismatch, std::string(what) + " payload of " +
                                               std::to_string(payload.size()) +
                                               " bytes, expected " + std::to_string(size));
  return {};
}

Status check_message_type(std::uint8_t type) {
  if (!is_valid_message_type(type))
    return make_error(Errc::bad_data, "message type " + std::to_string(type) + " is not 1..4");
  return {};
}

} // namespace

Bytes encode_request(const ClientId &sender, Dialect dialect, Operation operation, ByteView payload,
                     std::uint8_t version) {
  RequestHeader header{sender, version, request_code(dialect, operation),
                       static_cast<std::uint32_t>(payload.size())};
  ByteWriter writer(k_request_header_size + payload.size());
  writer.bytes(encode_request_header(header)).bytes(payload);
  return writer.take();
}

Bytes encode_response(Dialect dialect, Operation operation, ByteView payload) {
  ResponseHeader header{k_server_version, response_code(dialect, operation),
                        static_cast<std::uint32_t>(payload.size())};
  ByteWriter writer(k_response_header_size + payload.size());
  writer.bytes(encode_response_header(header)).bytes(payload);
  return writer.take();
}

Bytes encode_error_response() {
  auto header = encode_response_header({k_server_version, k_error_code, 0});
  return Bytes(header.begin(), header.end());
}

Status validate_user_name(std::string_view name) {
  if (name.empty())
    return make_error(Errc::bad_data, "the name is empty");
  if (name.size() > k_max_name_length)
    return make_error(Errc::bad_data, "the name is longer than 254 characters");
  for (char c : name)
    if (c < 0x20 || c > 0x7e)
      return make_error(Errc::bad_data, "the name has a character that is not printable ASCII");
  return {};
}

Result<std::string> decode_name_field(ByteView field, bool strict) {
  auto nul = std::find(field.begin(), field.end(), Byte{0});
  if (nul == field.end() && strict)
    return make_error(Errc::bad_data, "the name field has no terminating NUL");
  return std::string(as_chars(field.first(static_cast<std::size_t>(nul - field.begin()))));
}

Bytes encode_register_payload(const RegisterRequest &request) {
  ByteWriter writer(k_register_payload_size);
  writer.padded(request.name, k_name_field_size).bytes(request.public_key);
  return writer.take();
}

Result<RegisterRequest> decode_register_payload(ByteView payload) {
  MESSAGEU_TRY(expect_exact(payload, k_register_payload_size, "register"));
  ByteReader reader(payload);
  RegisterRequest request;
  request.name = MESSAGEU_TRY(decode_name_field(*reader.bytes(k_name_field_size), true));
  MESSAGEU_TRY(validate_user_name(request.name));
  request.public_key = MESSAGEU_TRY(reader.array<k_public_key_size>());
  return request;
}

Bytes encode_public_key_request(const ClientId &wanted) {
  return Bytes(wanted.begin(), wanted.end());
}

Result<ClientId> decode_public_key_request(ByteView payload) {
  MESSAGEU_TRY(expect_exact(payload, k_public_key_request_size, "public key request"));
  return ByteReader(payload).array<k_client_id_size>();
}

std::array<Byte, k_send_prefix_size> encode_send_prefix(const SendPrefix &prefix) {
  std::array<Byte, k_send_prefix_size> out{};
  std::copy(prefix.recipient.begin(), prefix.recipient.end(), out.begin());
  out[16] = prefix.type;
  store_le32(out.data() + 17, prefix.content_size);
  return out;
}

Result<SendPrefix> decode_send_prefix(ByteView bytes, std::uint32_t payload_size) {
  ByteReader reader(bytes);
  SendPrefix prefix;
  prefix.recipient = MESSAGEU_TRY(reader.array<k_client_id_size>());
  prefix.type = MESSAGEU_TRY(reader.u8());
  prefix.content_size = MESSAGEU_TRY(reader.u32());
  MESSAGEU_TRY(check_message_type(prefix.type));
  if (std::uint64_t{payload_size} != k_send_prefix_size + std::uint64_t{prefix.content_size})
    return make_error(Errc::size_mismatch, "content size " + std::to_string(prefix.content_size) +
                                               " does not match the payload size " +
                                               std::to_string(payload_size));
  return prefix;
}

Bytes encode_send_payload(const ClientId &recipient, MessageType type, ByteView content) {
  SendPrefix prefix{recipient, static_cast<std::uint8_t>(type),
                    static_cast<std::uint32_t>(content.size())};
  ByteWriter writer(k_send_prefix_size + content.size());
  writer.bytes(encode_send_prefix(prefix)).bytes(content);
  return writer.take();
}

Bytes encode_ack_payload(std::span<const MessageId> ids) {
  ByteWriter writer(ids.size() * 4);
  for (auto id : ids)
    writer.u32(id);
  return writer.take();
}

Result<std::vector<MessageId>> decode_ack_payload(ByteView payload) {
  if (payload.size() % 4 != 0 || payload.size() / 4 > k_max_ack_ids)
    return make_error(Errc::size_mismatch, "ack payload is not a list of at most 65536 ids");
  std::vector<MessageId> ids;
  ids.reserve(payload.size() / 4);
  ByteReader reader(payload);
  while (!reader.at_end())
    ids.push_back(*reader.u32());
  return ids;
}

std::array<Byte, k_wait_payload_size> encode_wait_payload(std::uint32_t milliseconds) {
  std::array<Byte, k_wait_payload_size> out{};
  store_le32(out.data(), milliseconds);
  return out;
}

Result<std::uint32_t> decode_wait_payload(ByteView payload) {
  if (payload.size() != k_wait_payload_size)
    return make_error(Errc::size_mismatch, "wait payload is not 4 bytes");
  auto milliseconds = *ByteReader(payload).u32();
  if (milliseconds == 0 || milliseconds > k_max_wait_milliseconds)
    return make_error(Errc::bad_data,
                      "wait of " + std::to_string(milliseconds) + " ms, outside 1 to 300000 ms");
  return milliseconds;
}

Bytes encode_register_answer(const ClientId &id) { return Bytes(id.begin(), id.end()); }

Result<ClientId> decode_register_answer(ByteView payload) {
  MESSAGEU_TRY(expect_exact(payload, k_client_id_size, "register answer"));
  return ByteReader(payload).array<k_client_id_size>();
}

Bytes encode_user_list(std::span<const UserEntry> users) {
  ByteWriter writer(users.size() * k_user_entry_size);
  for (const auto &user : users)
    writer.bytes(user.id).padded(user.name.substr(0, k_max_name_length), k_name_field_size);
  return writer.take();
}

Result<std::vector<UserEntry>> decode_user_list(ByteView payload) {
  if (payload.size() % k_user_entry_size != 0)
    return make_error(Errc::size_mismatch, "user list of " + std::to_string(payload.size()) +
                                               " bytes is not a multiple of 271");
  std::vector<UserEntry> users;
  users.reserve(payload.size() / k_user_entry_size);
  ByteReader reader(payload);
  while (!reader.at_end()) {
    UserEntry user;
    user.id = *reader.array<k_client_id_size>();
    user.name = *decode_name_field(*reader.bytes(k_name_field_size), false);
    users.push_back(std::move(user));
  }
  return users;
}

Bytes encode_public_key_answer(const PublicKeyAnswer &answer) {
  ByteWriter writer(k_public_key_response_size);
  writer.bytes(answer.id).bytes(answer.public_key);
  return writer.take();
}

Result<PublicKeyAnswer> decode_public_key_answer(ByteView payload) {
  MESSAGEU_TRY(expect_exact(payload, k_public_key_response_size, "public key answer"));
  ByteReader reader(payload);
  PublicKeyAnswer answer;
  answer.id = *reader.array<k_client_id_size>();
  answer.public_key = *reader.array<k_public_key_size>();
  return answer;
}

Bytes encode_send_answer(const SendAnswer &answer) {
  ByteWriter writer(k_send_response_size);
  writer.bytes(answer.recipient).u32(answer.message_id);
  return writer.take();
}

Result<SendAnswer> decode_send_answer(ByteView payload) {
  MESSAGEU_TRY(expect_exact(payload, k_send_response_size, "send answer"));
  ByteReader reader(payload);
  SendAnswer answer;
  answer.recipient = *reader.array<k_client_id_size>();
  answer.message_id = *reader.u32();
  return answer;
}

std::array<Byte, k_pulled_message_header_size>
encode_pulled_message_header(const PulledMessageHeader &header) {
  std::array<Byte, k_pulled_message_header_size> out{};
  std::copy(header.sender.begin(), header.sender.end(), out.begin());
  store_le32(out.data() + 16, header.message_id);
  out[20] = header.type;
  store_le32(out.data() + 21, header.content_size);
  return out;
}

Result<PulledMessageHeader> decode_pulled_message_header(ByteView bytes) {
  ByteReader reader(bytes);
  PulledMessageHeader header;
  header.sender = MESSAGEU_TRY(reader.array<k_client_id_size>());
  header.message_id = MESSAGEU_TRY(reader.u32());
  header.type = MESSAGEU_TRY(reader.u8());
  header.content_size = MESSAGEU_TRY(reader.u32());
  MESSAGEU_TRY(check_message_type(header.type));
  return header;
}

Bytes encode_pull_payload(std::span<const PulledMessage> messages) {
  ByteWriter writer;
  for (const auto &message : messages) {
    auto header = message.header;
    header.content_size = static_cast<std::uint32_t>(message.content.size());
    writer.bytes(encode_pulled_message_header(header)).bytes(message.content);
  }
  return writer.take();
}

Result<std::vector<PulledMessage>> decode_pull_payload(ByteView payload) {
  std::vector<PulledMessage> messages;
  ByteReader reader(payload);
  while (!reader.at_end()) {
    PulledMessage message;
    auto header_bytes = MESSAGEU_TRY(reader.bytes(k_pulled_message_header_size));
    message.header = MESSAGEU_TRY(decode_pulled_message_header(header_bytes));
    auto content = MESSAGEU_TRY(reader.bytes(message.header.content_size));
    message.content.assign(content.begin(), content.end());
    messages.push_back(std::move(message));
  }
  return messages;
}

Bytes encode_ack_answer(std::uint32_t deleted) { return ByteWriter(4).u32(deleted).take(); }

Result<std::uint32_t> decode_ack_answer(ByteView payload) {
  MESSAGEU_TRY(expect_exact(payload, 4, "ack answer"));
  return ByteReader(payload).u32();
}

} // namespace messageu::protocol
