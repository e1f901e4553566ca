// Reading stored contents back, inline or in a file.
#include <messageu/store/content_readers.hpp>

#include <messageu/sqlite/storage_error.hpp>

#include <algorithm>
#include <cstring>

namespace messageu::store {

Result<std::size_t> InlineContentReader::read(MutableByteView buffer) {
  std::size_t count = std::min(buffer.size(), m_content.size() - m_offset);
  if (count > 0)
    std::memcpy(buffer.data(), m_content.data() + m_offset, count);
  m_offset += count;
  return count;
}

Result<std::size_t> ContentFileReader::read(MutableByteView buffer) {
  std::uint64_t remaining = m_size - m_read;
  if (remaining == 0 || buffer.empty())
    return std::size_t{0};
  auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), remaining));
  std::size_t count = MESSAGEU_TRY(m_file.read(buffer.first(wanted)));
  if (count == 0)
    return sqlite::storage_error("content file " + m_file.name() + " ends after " +
                                 std::to_string(m_read) + " of " + std::to_string(m_size) +
                                 " bytes");
  m_read += count;
  return count;
}

} // namespace messageu::store
