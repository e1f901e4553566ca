// Addressing a user, reporting sent messages, and the wording shared by the commands.
#include "common.hpp"

#include <cstdio>

namespace messageu::cli {

Result<Recipient> open_recipient(Context &context, const std::string &user) {
  auto *link = MESSAGEU_TRY(context.user_link());
  auto *directory = MESSAGEU_TRY(context.directory());
  auto *state = MESSAGEU_TRY(context.state());
  auto peer = MESSAGEU_TRY(directory->resolve(user));
  return Recipient{client::Outbox(*link, *state, *directory), std::move(peer)};
}

Result<crypto::AesKey> shared_key(Context &context, Recipient &recipient) {
  auto shared = MESSAGEU_TRY(recipient.outbox.ensure_shared_key(recipient.peer));
  if (shared.key_message)
    note_key_sent(context, recipient.peer, *shared.key_message);
  return shared.key;
}

void add_peer_fields(JsonObject &record, const client::Peer &peer, std::string_view name_key,
                     std::string_view id_key) {
  record.string(name_key, peer.name).string(id_key, client_id_to_hex(peer.id));
}

JsonObject sent_record(const client::Peer &peer, const client::SentMessage &sent,
                       MessageType type) {
  JsonObject record;
  record.number("id", sent.message_id);
  add_peer_fields(record, peer, "to", "to_id");
  record.string("type", message_type_name(type));
  return record;
}

Status print_sent(Context &context, const client::Peer &peer, const client::SentMessage &sent,
                  MessageType type) {
  return context.output().result(std::to_string(sent.message_id), sent_record(peer, sent, type));
}

void note_key_sent(Context &context, const client::Peer &peer, const client::SentMessage &sent) {
  context.output().note("sent a new symmetric key to " + peer.label() + " (message " +
                        std::to_string(sent.message_id) + ")");
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

} // namespace messageu::cli
