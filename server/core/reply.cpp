// Replies.
#include "core/reply.hpp"

namespace messageu::server {

Reply Reply::error(std::string note, LogLevel level, bool close_after) {
  Reply reply;
  reply.note = std::move(note);
  reply.level = level;
  reply.close_after = close_after;
  return reply;
}

Reply Reply::success(protocol::Dialect dialect, protocol::Operation operation, Bytes payload) {
  Reply reply;
  reply.code = protocol::response_code(dialect, operation);
  reply.payload = std::move(payload);
  return reply;
}

Reply Reply::success_shared(protocol::Dialect dialect, protocol::Operation operation,
                            store::SharedPayload payload) {
  Reply reply;
  reply.code = protocol::response_code(dialect, operation);
  reply.shared = std::move(payload);
  return reply;
}

std::uint32_t Reply::payload_size() const {
  // Payloads in memory are small (at most a user list); the handler never builds one that
  // does not fit the u32 field.
  if (download)
    return streamed_size;
  return static_cast<std::uint32_t>(shared.owner ? shared.size : payload.size());
}

Bytes Reply::payload_bytes() const { return shared.owner ? shared.flatten() : payload; }

protocol::ResponseHeader Reply::header() const {
  return protocol::ResponseHeader{protocol::k_server_version, code, payload_size()};
}

} // namespace messageu::server
