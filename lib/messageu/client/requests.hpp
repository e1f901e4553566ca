// The operations of the protocol as the client calls them (PROTOCOL.md §4, §10): each encodes
// its request, exchanges it over a ServerLink and checks the answer. No state is kept here
// and nothing is printed; the callers decide what the answers mean for the profile.
#pragma once

#include <messageu/client/content_source.hpp>
#include <messageu/client/server_link.hpp>
#include <messageu/protocol/messages.hpp>
#include <messageu/util/ids.hpp>

#include <span>
#include <string_view>
#include <vector>

namespace messageu::client {

// Registers `name` with `public_key`; returns the id the server made. A name the server
// refuses (taken, invalid) → Errc::server_error.
Result<ClientId> register_user(ServerLink &link, std::string_view name,
                               const PublicKeyBytes &public_key);

// Every registered user but the sender.
Result<std::vector<protocol::UserEntry>> list_users(ServerLink &link);

// Whether the server knows the link's sender, asked with one list request (harmless to
// repeat): an answer → true, 9000 → false; other failures as they are.
Result<bool> server_knows_sender(ServerLink &link);

// The public key the server holds for `id`. An unknown id → Errc::server_error; an answer
// about another id → Errc::unexpected_code; a key that is not a valid 160-byte RSA-1024 key →
// Errc::bad_key.
Result<PublicKeyBytes> get_public_key(ServerLink &link, const ClientId &id);

struct SentMessage {
  ClientId recipient{};
  MessageId message_id = 0;
};

// Sends a message of `type` to `recipient` whose content is all of `content`, streamed.
// A content larger than the protocol allows → Errc::too_large before anything is sent; an
// answer naming another recipient → Errc::unexpected_code.
Result<SentMessage> send_message(ServerLink &link, const ClientId &recipient, MessageType type,
                                 ContentSource &content);

// Pulls the waiting messages, streaming them to `handler`. On an authenticated link the pull
// is acknowledged (version 3): the server keeps the messages until acknowledge().
Status pull_messages(ServerLink &link, PullHandler &handler);

// Acknowledges pulled messages (version 3), in batches the protocol allows; returns how many
// the server deleted.
Result<std::uint64_t> acknowledge(ServerLink &link, std::span<const MessageId> ids);

} // namespace messageu::client
