// Request encoding and answer checks for each operation of the protocol.
#include <messageu/client/requests.hpp>

#include <messageu/crypto/rsa.hpp>
#include <messageu/protocol/header.hpp>

namespace messageu::client {

using protocol::Operation;

Result<ClientId> register_user(ServerLink &link, std::string_view name,
                               const PublicKeyBytes &public_key) {
  protocol::RegisterRequest request{std::string(name), public_key};
  auto payload = protocol::encode_register_payload(request);
  auto answer = MESSAGEU_TRY(link.exchange(Operation::register_client, payload));
  auto id = protocol::decode_register_answer(answer);
  if (!id)
    return protocol_failure(id.error());
  return *id;
}

Result<std::vector<protocol::UserEntry>> list_users(ServerLink &link) {
  auto answer = MESSAGEU_TRY(link.exchange(Operation::list_users, {}, /*idempotent=*/true));
  auto users = protocol::decode_user_list(answer);
  if (!users)
    return protocol_failure(users.error());
  return std::move(*users);
}

Result<bool> server_knows_sender(ServerLink &link) {
  auto answer = link.exchange(Operation::list_users, {}, /*idempotent=*/true);
  if (answer)
    return true;
  if (answer.error().code == Errc::server_error)
    return false;
  return std::move(answer).error();
}

Result<PublicKeyBytes> get_public_key(ServerLink &link, const ClientId &id) {
  auto payload = protocol::encode_public_key_request(id);
  auto answer = MESSAGEU_TRY(link.exchange(Operation::public_key, payload, /*idempotent=*/true));
  auto decoded = protocol::decode_public_key_answer(answer);
  if (!decoded)
    return protocol_failure(decoded.error());
  if (decoded->id != id)
    return make_error(Errc::unexpected_code, "the server answered with the key of " +
                                                 client_id_to_hex(decoded->id) + " instead of " +
                                                 client_id_to_hex(id));
  if (!crypto::is_valid_public_key(decoded->public_key))
    return make_error(Errc::bad_key, "the server's key for " + client_id_to_hex(id) +
                                         " is not a valid RSA-1024 public key");
  return decoded->public_key;
}

Result<SentMessage> send_message(ServerLink &link, const ClientId &recipient, MessageType type,
                                 ContentSource &content) {
  if (content.size() > protocol::k_max_content_size - protocol::k_send_prefix_size)
    return make_error(Errc::too_large, "a content of " + std::to_string(content.size()) +
                                           " bytes is more than the protocol allows (4 GiB)");
  protocol::SendPrefix prefix{recipient, static_cast<std::uint8_t>(type),
                              static_cast<std::uint32_t>(content.size())};
  auto encoded = protocol::encode_send_prefix(prefix);
  auto answer = MESSAGEU_TRY(link.exchange_streamed(Operation::send_message, encoded, content));
  auto decoded = protocol::decode_send_answer(answer);
  if (!decoded)
    return protocol_failure(decoded.error());
  if (decoded->recipient != recipient)
    return make_error(Errc::unexpected_code, "the server confirmed a message to " +
                                                 client_id_to_hex(decoded->recipient) +
                                                 " instead of " + client_id_to_hex(recipient));
  return SentMessage{decoded->recipient, decoded->message_id};
}

Status pull_messages(ServerLink &link, PullHandler &handler) { return link.exchange_pull(handler); }

Result<std::uint64_t> acknowledge(ServerLink &link, std::span<const MessageId> ids) {
  std::uint64_t deleted = 0;
  while (!ids.empty()) {
    auto batch = ids.first(std::min(ids.size(), protocol::k_max_ack_ids));
    ids = ids.subspan(batch.size());
    auto payload = protocol::encode_ack_payload(batch);
    auto answer = MESSAGEU_TRY(link.exchange(Operation::ack, payload));
    auto count = protocol::decode_ack_answer(answer);
    if (!count)
      return protocol_failure(count.error());
    deleted += *count;
  }
  return deleted;
}

} // namespace messageu::client
