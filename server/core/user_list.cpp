// The shared, block-wise encoded user list.
#include "core/user_list.hpp"

#include <messageu/protocol/header.hpp>

namespace messageu::server {

namespace {

constexpr std::size_t k_block_size = UserListBuilder::k_block_entries * protocol::k_user_entry_size;

} // namespace

Bytes SharedPayload::flatten() const {
  Bytes out;
  out.reserve(size);
  for (auto part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

std::vector<ByteView> UserListSnapshot::without_entry(std::size_t position) const {
  std::vector<ByteView> parts;
  parts.reserve(m_blocks.size() + 1);
  std::size_t start = 0;
  for (const auto &block : m_blocks) {
    ByteView view(*block);
    // Entries never straddle blocks: the one skipped lies whole in one block.
    if (position >= start && position < start + view.size()) {
      auto offset = position - start;
      if (offset > 0)
        parts.push_back(view.first(offset));
      if (offset + protocol::k_user_entry_size < view.size())
        parts.push_back(view.subspan(offset + protocol::k_user_entry_size));
    } else {
      parts.push_back(view);
    }
    start += view.size();
  }
  return parts;
}

std::size_t UserListBuilder::append(ByteView entry) {
  auto position = m_size;
  if (m_last_block.empty())
    m_last_block.reserve(k_block_size);
  m_last_block.insert(m_last_block.end(), entry.begin(), entry.end());
  m_size += entry.size();
  if (m_last_block.size() >= k_block_size) {
    m_full_blocks.push_back(std::make_shared<const Bytes>(std::move(m_last_block)));
    m_last_block = Bytes{};
  }
  m_snapshot.reset();
  return position;
}

std::shared_ptr<const UserListSnapshot> UserListBuilder::snapshot() {
  if (!m_snapshot) {
    auto blocks = m_full_blocks;
    if (!m_last_block.empty())
      blocks.push_back(std::make_shared<const Bytes>(m_last_block));
    m_snapshot = std::make_shared<const UserListSnapshot>(std::move(blocks), m_size);
  }
  return m_snapshot;
}

} // namespace messageu::server
