// The ceiling's answers: for every dialect and operation, one fixed, valid success response,
// encoded once at start-up so that answering copies nothing.
//   register → a 16-byte id; list → no users; public key → 176 bytes; send → 20 bytes;
//   pull → no messages; challenge → 128 bytes; authenticate → empty; ack → 0 deleted.
#pragma once

#include <messageu/protocol/dialect.hpp>
#include <messageu/util/bytes.hpp>

#include <array>

namespace messageu::bench {

class FixedResponses {
public:
  FixedResponses();

  ByteView success(protocol::Dialect dialect, protocol::Operation operation) const;
  ByteView error() const { return m_error; }

private:
  std::array<std::array<Bytes, protocol::k_operation_count>, protocol::k_dialects.size()> m_success;
  Bytes m_error;
};

} // namespace messageu::bench
