// Small pieces several commands share: addressing a user, how a sent message is reported,
// and the fields that name a user in JSON.
#pragma once

#include "../context.hpp"
#include "../json.hpp"

#include <messageu/client/outbox.hpp>
#include <messageu/client/requests.hpp>
#include <messageu/client/user_directory.hpp>

#include <string>
#include <string_view>

namespace messageu::cli {

// What sending to one user needs: an outbox over the profile's link, state and directory,
// and the user (a name or a 32-hex-digit id) resolved to a peer.
struct Recipient {
  client::Outbox outbox;
  client::Peer peer;
};
Result<Recipient> open_recipient(Context &context, const std::string &user);

// The key shared with the recipient; a fresh one is sent first (and the user told) when
// there is none.
Result<crypto::AesKey> shared_key(Context &context, Recipient &recipient);

// {"id":..., "name":...} fields for a peer, under `id_key` and `name_key`.
void add_peer_fields(JsonObject &record, const client::Peer &peer, std::string_view name_key,
                     std::string_view id_key);

// {"id":N,"to":NAME,"to_id":HEX,"type":TYPE}: a sent message as --json reports it.
JsonObject sent_record(const client::Peer &peer, const client::SentMessage &sent, MessageType type);

// Prints the message id of `sent` (text), or its sent_record() (JSON).
Status print_sent(Context &context, const client::Peer &peer, const client::SentMessage &sent,
                  MessageType type);

// An option's seconds as a user writes them, for messages: "0.5", "300".
std::string seconds_text(double seconds);

// Tells the user on stderr (not under --quiet) that a key message was sent to set up a key.
void note_key_sent(Context &context, const client::Peer &peer, const client::SentMessage &sent);

} // namespace messageu::cli
