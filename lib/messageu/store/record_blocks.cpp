// Blocks of fixed-size records and their shared views.
#include <messageu/store/record_blocks.hpp>

#include <cassert>

namespace messageu::store {

Bytes SharedPayload::flatten() const {
  Bytes out;
  out.reserve(size);
  for (auto part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

ByteView RecordBlocksView::record(std::size_t index) const {
  assert(index < m_count);
  const auto &block = *m_blocks[index / RecordBlocks::k_block_records];
  return ByteView(block).subspan((index % RecordBlocks::k_block_records) * m_record_size,
                                 m_record_size);
}

std::vector<ByteView> RecordBlocksView::without(std::size_t index) const {
  std::vector<ByteView> parts;
  parts.reserve(m_blocks.size() + 1);
  auto skipped_block = index / RecordBlocks::k_block_records;
  for (std::size_t number = 0; number < m_blocks.size(); ++number) {
    ByteView view(*m_blocks[number]);
    if (number != skipped_block) {
      parts.push_back(view);
      continue;
    }
    // Records never straddle blocks: the one skipped lies whole in this block.
    auto offset = (index % RecordBlocks::k_block_records) * m_record_size;
    if (offset > 0)
      parts.push_back(view.first(offset));
    if (offset + m_record_size < view.size())
      parts.push_back(view.subspan(offset + m_record_size));
  }
  return parts;
}

std::size_t RecordBlocks::append(ByteView record) {
  assert(record.size() == m_record_size);
  auto index = m_count;
  if (m_last_block.empty())
    m_last_block.reserve(k_block_records * m_record_size);
  m_last_block.insert(m_last_block.end(), record.begin(), record.end());
  ++m_count;
  if (m_last_block.size() == k_block_records * m_record_size) {
    m_full_blocks.push_back(std::make_shared<const Bytes>(std::move(m_last_block)));
    m_last_block = Bytes{};
  }
  m_view.reset();
  return index;
}

std::shared_ptr<const RecordBlocksView> RecordBlocks::view() {
  if (!m_view) {
    auto blocks = m_full_blocks;
    if (!m_last_block.empty())
      blocks.push_back(std::make_shared<const Bytes>(m_last_block));
    m_view = std::make_shared<const RecordBlocksView>(std::move(blocks), m_record_size, m_count);
  }
  return m_view;
}

} // namespace messageu::store
