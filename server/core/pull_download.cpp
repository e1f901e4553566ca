// Pull responses, streamed.
#include "core/pull_download.hpp"

#include <messageu/protocol/header.hpp>
#include <messageu/protocol/messages.hpp>
#include <messageu/sqlite/storage_error.hpp>

#include <algorithm>
#include <cstring>

namespace messageu::server {

PullDownload::PullDownload(ClientId recipient, std::vector<store::StoredMessage> waiting)
    : m_recipient(recipient) {
  for (auto &message : waiting) {
    auto size = protocol::k_pulled_message_header_size + message.content_size;
    if (m_payload_size + size > protocol::k_max_content_size)
      break;
    m_payload_size += size;
    m_messages.push_back(message);
  }
}

std::vector<MessageId> PullDownload::message_ids() const {
  std::vector<MessageId> ids;
  ids.reserve(m_messages.size());
  for (const auto &message : m_messages)
    ids.push_back(message.id);
  return ids;
}

Result<std::size_t> PullDownload::read(store::ServerStore &store, MutableByteView buffer) {
  std::size_t filled = 0;
  while (filled < buffer.size() && !finished()) {
    auto rest = buffer.subspan(filled);
    if (m_header_offset < protocol::k_pulled_message_header_size) {
      filled += read_header(rest);
      continue;
    }
    filled += MESSAGEU_TRY(read_content(store, rest));
  }
  return filled;
}

std::size_t PullDownload::read_header(MutableByteView buffer) {
  const auto &message = m_messages[m_index];
  auto header = protocol::encode_pulled_message_header(
      {message.from, message.id, static_cast<std::uint8_t>(message.type),
       static_cast<std::uint32_t>(message.content_size)});
  auto count = std::min(buffer.size(), header.size() - m_header_offset);
  std::memcpy(buffer.data(), header.data() + m_header_offset, count);
  m_header_offset += count;
  if (m_header_offset == header.size() && message.content_size == 0)
    next_message();
  return count;
}

Result<std::size_t> PullDownload::read_content(store::ServerStore &store, MutableByteView buffer) {
  const auto &message = m_messages[m_index];
  if (!m_source)
    m_source = MESSAGEU_TRY(store.open_content(message.id));
  auto wanted = std::min<std::uint64_t>(buffer.size(), message.content_size - m_content_read);
  auto count = MESSAGEU_TRY(m_source->read(buffer.first(static_cast<std::size_t>(wanted))));
  if (count == 0)
    return sqlite::storage_error("message " + std::to_string(message.id) +
                                 " content ends before its recorded size");
  m_content_read += count;
  if (m_content_read == message.content_size)
    next_message();
  return count;
}

void PullDownload::next_message() {
  ++m_index;
  m_header_offset = 0;
  m_content_read = 0;
  m_source.reset();
}

} // namespace messageu::server
