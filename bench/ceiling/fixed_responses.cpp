// Encoding the ceiling's fixed responses through the protocol layer.
#include "fixed_responses.hpp"

#include <messageu/protocol/header.hpp>
#include <messageu/protocol/messages.hpp>

namespace messageu::bench {
namespace {

using protocol::Operation;

// Any id will do; a recognisable one reads well in a packet capture.
constexpr ClientId k_fixed_id = {0xce, 0x11, 0x1e, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

Bytes fixed_payload(Operation operation) {
  switch (operation) {
  case Operation::register_client: return protocol::encode_register_answer(k_fixed_id);
  case Operation::list_users: return {};
  case Operation::public_key: return protocol::encode_public_key_answer({k_fixed_id, {}});
  case Operation::send_message: return protocol::encode_send_answer({k_fixed_id, 1});
  case Operation::pull_messages: return {};
  case Operation::challenge: return Bytes(protocol::k_challenge_size, 0);
  case Operation::authenticate: return {};
  case Operation::ack: return protocol::encode_ack_answer(0);
  }
  return {};
}

} // namespace

FixedResponses::FixedResponses() : m_error(protocol::encode_error_response()) {
  for (const auto &info : protocol::k_dialects)
    for (std::size_t index = 0; index < protocol::k_operation_count; ++index) {
      auto operation = static_cast<Operation>(index);
      m_success[static_cast<std::size_t>(info.dialect)][index] =
          protocol::encode_response(info.dialect, operation, fixed_payload(operation));
    }
}

ByteView FixedResponses::success(protocol::Dialect dialect, protocol::Operation operation) const {
  return m_success[static_cast<std::size_t>(dialect)][static_cast<std::size_t>(operation)];
}

} // namespace messageu::bench
