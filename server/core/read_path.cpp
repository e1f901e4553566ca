// The requests answered on the network thread.
#include "core/read_path.hpp"

#include <messageu/protocol/messages.hpp>

namespace messageu::server {

using protocol::Operation;

namespace {

bool only_reads(Operation operation) {
  return operation == Operation::list_users || operation == Operation::public_key ||
         operation == Operation::pull_messages;
}

} // namespace

ReadPath::ReadPath(store::ServerStore &store, HandlerOptions options, SteadyClock clock)
    : m_store(store), m_options(options), m_clock(std::move(clock)),
      m_rate(options.max_request_rate) {}

std::optional<Reply> ReadPath::try_answer(const protocol::RequestFrame &frame, ByteView payload,
                                          ConnectionState &connection) {
  if (!only_reads(frame.operation) || frame.wait)
    return std::nullopt;
  const auto &sender_id = frame.header.client_id;
  if (connection.bound_client && *connection.bound_client != sender_id)
    return std::nullopt;
  auto clients = m_store.snapshot();
  auto sender = clients->find(sender_id);
  if (!sender)
    return std::nullopt;
  auto reply = answer(frame, payload, *clients, *sender, connection);
  if (!reply)
    return std::nullopt;
  // The rate is checked last, so that a request handed over has not spent a token here.
  if (!m_rate.admit(connection.request_bucket, m_clock()))
    return rate_refusal(m_rate);
  // LastSeen is bookkeeping: the sender is in the snapshot, and a failure refuses nothing.
  (void)m_store.touch(sender_id);
  return reply;
}

std::optional<Reply> ReadPath::answer(const protocol::RequestFrame &frame, ByteView payload,
                                      const store::ClientSnapshot &clients,
                                      const store::PublishedClient &sender,
                                      const ConnectionState &connection) {
  switch (frame.operation) {
  case Operation::list_users: {
    auto list = clients.user_list_for(sender.id);
    if (!list)
      return std::nullopt;
    return Reply::success_shared(frame.dialect, frame.operation, std::move(*list));
  }
  case Operation::public_key: {
    auto wanted = protocol::decode_public_key_request(payload);
    if (!wanted)
      return std::nullopt;
    auto record = clients.find(*wanted);
    if (!record)
      return std::nullopt;
    return Reply::success(frame.dialect, frame.operation,
                          protocol::encode_public_key_answer({record->id, record->public_key}));
  }
  case Operation::pull_messages:
    if (sender.has_messages || !may_act(m_options, sender.id, sender.is_protected, connection))
      return std::nullopt;
    return Reply::success(frame.dialect, frame.operation, {});
  default: return std::nullopt;
  }
}

} // namespace messageu::server
