// The SQLite store's StoredContentReaders: a content kept inline in its row (copied out, at most
// the inline limit) or in a content file (read in chunks). Neither touches the database, so any
// one thread may read them, and they may outlive the store. A content file deleted while it is
// being read stays readable until its reader is destroyed (POSIX unlink semantics).
#pragma once

#include <messageu/store/content_file.hpp>
#include <messageu/store/stored_content_reader.hpp>

#include <cstdint>

namespace messageu::store {

class InlineContentReader final : public StoredContentReader {
public:
  explicit InlineContentReader(Bytes content) : m_content(std::move(content)) {}

  std::uint64_t size() const override { return m_content.size(); }
  Result<std::size_t> read(MutableByteView buffer) override;

private:
  Bytes m_content;
  std::size_t m_offset = 0;
};

class ContentFileReader final : public StoredContentReader {
public:
  // Reads `size` bytes from `file`; a file shorter than that is reported as Errc::storage.
  ContentFileReader(ContentFile file, std::uint64_t size) : m_file(std::move(file)), m_size(size) {}

  std::uint64_t size() const override { return m_size; }
  Result<std::size_t> read(MutableByteView buffer) override;

private:
  ContentFile m_file;
  std::uint64_t m_size;
  std::uint64_t m_read = 0;
};

} // namespace messageu::store
