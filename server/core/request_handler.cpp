// The request handler: dispatch, the checks every request passes, and the operations whose
// payload is small (register, list, public key, challenge, authenticate, ack).
#include "core/request_handler.hpp"

#include "core/auth_proof.hpp"
#include "core/user_name_rule.hpp"

#include <messageu/crypto/random.hpp>
#include <messageu/crypto/rsa.hpp>

namespace messageu::server {

using protocol::Operation;

namespace {

// A well-formed random (version 4) UUID: 122 random bits.
ClientId random_uuid() {
  ClientId id{};
  crypto::fill_random(id);
  id[6] = static_cast<Byte>((id[6] & 0x0F) | 0x40);
  id[8] = static_cast<Byte>((id[8] & 0x3F) | 0x80);
  return id;
}

// A failed AUTHENTICATE is answered 9000, logged as a warning, and closes the connection.
Reply authentication_failure(std::string note) {
  return Reply::error("authentication failed: " + std::move(note), LogLevel::warn, true);
}

// Tries to register with fresh ids this many times before giving up (a collision of random
// 122-bit ids does not happen; the loop only makes the store's refusal harmless).
constexpr int k_register_attempts = 4;

bool is_extension(Operation operation) {
  return operation == Operation::challenge || operation == Operation::authenticate ||
         operation == Operation::ack;
}

} // namespace

Reply refusal(const Error &error) {
  return Reply::error(error.message,
                      error.code == Errc::storage ? LogLevel::error : LogLevel::info);
}

Reply rate_refusal(const RequestRateLimit &rate) {
  // Refused at once rather than delayed: a delay would hold a thread.
  return Reply::error("request rate above --max-request-rate " + std::to_string(rate.per_second()) +
                      " per second on this connection");
}

bool may_act(const HandlerOptions &options, const ClientId &sender, bool is_protected,
             const ConnectionState &connection) {
  if (options.classic_only || (!options.require_auth && !is_protected))
    return true;
  return connection.bound_client == sender;
}

RequestHandler::RequestHandler(store::ServerStore &store, HandlerOptions options, SteadyClock clock)
    : m_store(store), m_options(options), m_clock(std::move(clock)),
      m_quota(store, options.pending), m_rate(options.max_request_rate) {}

std::optional<Reply> RequestHandler::check_rate(ConnectionState &connection) {
  if (m_rate.admit(connection.request_bucket, m_clock()))
    return std::nullopt;
  return rate_refusal(m_rate);
}

Reply RequestHandler::handle(const protocol::RequestFrame &frame, ByteView payload,
                             ConnectionState &connection) {
  if (auto refused = check_rate(connection))
    return std::move(*refused);
  if (frame.operation == Operation::register_client)
    return register_client(frame, payload);
  if (m_options.classic_only && (is_extension(frame.operation) || frame.wait))
    return refusal(make_error(Errc::unknown_code, "a classic server knows no such request"));
  auto sender = identify_sender(frame.header, connection);
  if (!sender) {
    if (frame.operation == Operation::authenticate)
      return authentication_failure(sender.error().message);
    return refusal(sender.error());
  }
  if (frame.wait)
    return wait(frame, *sender, payload, connection);
  switch (frame.operation) {
  case Operation::list_users: return list_users(frame, *sender);
  case Operation::public_key: return public_key(frame, payload);
  case Operation::pull_messages: return pull(frame, *sender, connection);
  case Operation::challenge: return challenge(frame, *sender, connection);
  case Operation::authenticate: return authenticate(frame, *sender, payload, connection);
  case Operation::ack: return ack(frame, *sender, payload, connection);
  case Operation::send_message:
  case Operation::register_client: break;
  }
  return Reply::error("send handed to handle() instead of begin_send()", LogLevel::error);
}

Result<store::PublishedClient>
RequestHandler::identify_sender(const protocol::RequestHeader &header,
                                const ConnectionState &connection) {
  if (connection.bound_client && *connection.bound_client != header.client_id)
    return make_error(Errc::invalid_argument, "the connection is authenticated as another client");
  auto record = MESSAGEU_TRY(find_client(header.client_id));
  if (!record)
    return make_error(Errc::unknown_user, "unknown sender");
  // LastSeen is bookkeeping: a failure to update it must not refuse the request.
  (void)m_store.touch(header.client_id);
  return std::move(*record);
}

Result<std::optional<store::PublishedClient>> RequestHandler::find_client(const ClientId &id) {
  if (auto published = m_store.snapshot()->find(id))
    return published;
  auto record = MESSAGEU_TRY(m_store.find_client(id));
  if (!record)
    return std::optional<store::PublishedClient>{};
  // Whether messages wait is not read here, and nothing here asks.
  return std::optional<store::PublishedClient>(
      store::PublishedClient{record->id, record->public_key, record->is_protected, true});
}

Status RequestHandler::check_may_act(const store::PublishedClient &sender,
                                     const ConnectionState &connection) {
  if (may_act(m_options, sender.id, sender.is_protected, connection))
    return {};
  return make_error(Errc::invalid_argument,
                    "protected account: send and pull need an authenticated connection");
}

Reply RequestHandler::register_client(const protocol::RequestFrame &frame, ByteView payload) {
  auto request = protocol::decode_register_payload(payload);
  if (!request)
    return refusal(request.error());
  if (!crypto::is_valid_public_key(request->public_key))
    return refusal(make_error(Errc::bad_key, "public key is not a 160-byte RSA-1024 key"));
  if (auto allowed = check_new_user_name(m_store, request->name); !allowed)
    return refusal(allowed.error());
  for (int attempt = 0; attempt < k_register_attempts; ++attempt) {
    auto id = random_uuid();
    auto added = m_store.add_client(id, request->name, request->public_key);
    if (added)
      return Reply::success(frame.dialect, frame.operation, protocol::encode_register_answer(id));
    if (added.error().code != Errc::invalid_argument) // the id was taken: try another
      return refusal(added.error());
  }
  return Reply::error("no free client id", LogLevel::error);
}

Reply RequestHandler::list_users(const protocol::RequestFrame &frame,
                                 const store::PublishedClient &sender) {
  auto clients = m_store.list_clients();
  if (!clients)
    return refusal(clients.error());
  // The payload size is a u32: a list longer than that could say is cut (16 million users).
  constexpr std::size_t k_max_entries = 0xFFFF'FFFFu / protocol::k_user_entry_size;
  std::vector<protocol::UserEntry> users;
  users.reserve(clients->size());
  for (auto &client : *clients) {
    if (client.id == sender.id)
      continue; // the requester is not listed
    if (users.size() == k_max_entries)
      break;
    users.push_back({client.id, std::move(client.name)});
  }
  return Reply::success(frame.dialect, frame.operation, protocol::encode_user_list(users));
}

Reply RequestHandler::public_key(const protocol::RequestFrame &frame, ByteView payload) {
  auto wanted = protocol::decode_public_key_request(payload);
  if (!wanted)
    return refusal(wanted.error());
  auto record = find_client(*wanted);
  if (!record)
    return refusal(record.error());
  if (!*record)
    return refusal(make_error(Errc::unknown_user, "public key of an unknown client"));
  return Reply::success(frame.dialect, frame.operation,
                        protocol::encode_public_key_answer({(*record)->id, (*record)->public_key}));
}

Reply RequestHandler::challenge(const protocol::RequestFrame &frame,
                                const store::PublishedClient &sender, ConnectionState &connection) {
  auto nonce = make_nonce();
  auto encrypted = encrypt_challenge(sender.public_key, nonce);
  if (!encrypted)
    return refusal(encrypted.error());
  // A new challenge replaces any earlier one: only the latest nonce is valid.
  connection.challenge =
      PendingChallenge{sender.id, nonce, *encrypted, m_clock() + m_options.challenge_lifetime};
  return Reply::success(frame.dialect, frame.operation, std::move(*encrypted));
}

Reply RequestHandler::authenticate(const protocol::RequestFrame &frame,
                                   const store::PublishedClient &sender, ByteView payload,
                                   ConnectionState &connection) {
  // Single use: whatever happens, this nonce is spent.
  auto pending = std::move(connection.challenge);
  connection.challenge.reset();
  if (!pending)
    return authentication_failure("no challenge outstanding on this connection");
  if (pending->client != sender.id)
    return authentication_failure("the challenge was for another client");
  if (m_clock() > pending->expires)
    return authentication_failure("the challenge expired");
  if (!verify_proof(*pending, payload))
    return authentication_failure("wrong proof");
  if (auto marked = m_store.set_protected(sender.id); !marked) {
    auto reply = refusal(marked.error());
    reply.close_after = true;
    return reply;
  }
  connection.bound_client = sender.id;
  return Reply::success(frame.dialect, frame.operation, {});
}

Reply RequestHandler::ack(const protocol::RequestFrame &frame, const store::PublishedClient &sender,
                          ByteView payload, const ConnectionState &connection) {
  if (connection.bound_client != sender.id)
    return refusal(make_error(Errc::invalid_argument, "ack on a connection not authenticated"));
  auto ids = protocol::decode_ack_payload(payload);
  if (!ids)
    return refusal(ids.error());
  auto deleted = m_store.delete_messages(sender.id, *ids);
  if (!deleted)
    return refusal(deleted.error());
  return Reply::success(frame.dialect, frame.operation,
                        protocol::encode_ack_answer(static_cast<std::uint32_t>(*deleted)));
}

} // namespace messageu::server
