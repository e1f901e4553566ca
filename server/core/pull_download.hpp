// The payload of one pull response, produced in chunks: for each waiting message its 25-byte
// header (sender, message id, type, content size) and then its content, read from the store
// a buffer at a time. Memory stays at one buffer whatever the contents' sizes.
//
// A response's payload size is a u32, so a pull carries the longest prefix of the waiting
// messages that fits in 4 GiB − 1 bytes (at least none); the rest waits for the next pull.
#pragma once

#include <messageu/store/server_store.hpp>
#include <messageu/util/bytes.hpp>
#include <messageu/util/ids.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace messageu::server {

class PullDownload {
public:
  // Plans the response to `recipient` from its waiting messages, in stored order.
  PullDownload(ClientId recipient, std::vector<store::StoredMessage> waiting);

  const ClientId &recipient() const { return m_recipient; }
  // The response's payload size.
  std::uint32_t payload_size() const { return static_cast<std::uint32_t>(m_payload_size); }
  // The ids of the messages the response carries.
  std::vector<MessageId> message_ids() const;
  // True once every byte of the payload was read.
  bool finished() const { return m_index == m_messages.size(); }

  // Fills `buffer` with the next bytes of the payload; returns how many (0 once finished).
  // A content shorter than recorded, or a store failure → Errc::storage.
  Result<std::size_t> read(store::ServerStore &store, MutableByteView buffer);

private:
  // Copies what fits of the current message's header; advances m_header_offset.
  std::size_t read_header(MutableByteView buffer);
  Result<std::size_t> read_content(store::ServerStore &store, MutableByteView buffer);
  void next_message();

  ClientId m_recipient;
  std::vector<store::StoredMessage> m_messages;
  std::uint64_t m_payload_size = 0;
  std::size_t m_index = 0;          // the message being read
  std::size_t m_header_offset = 0;  // bytes of its header already read
  std::uint64_t m_content_read = 0; // bytes of its content already read
  std::unique_ptr<store::StoredContentReader> m_source;
};

} // namespace messageu::server
