// Small pieces several commands share: how a sent message is reported, and the fields that
// name a user in JSON.
#pragma once

#include "../context.hpp"
#include "../json.hpp"

#include <messageu/client/requests.hpp>
#include <messageu/client/user_directory.hpp>

#include <string_view>

namespace messageu::cli {

// {"id":..., "name":...} fields for a peer, under `id_key` and `name_key`.
void add_peer_fields(JsonObject &record, const client::Peer &peer, std::string_view name_key,
                     std::string_view id_key);

// Prints the message id of `sent` (text), or {"id":N,"to":NAME,"to_id":HEX,"type":TYPE}.
Status print_sent(Context &context, const client::Peer &peer, const client::SentMessage &sent,
                  MessageType type);

// Tells the user on stderr (not under --quiet) that a key message was sent to set up a key.
void note_key_sent(Context &context, const client::Peer &peer, const client::SentMessage &sent);

} // namespace messageu::cli
