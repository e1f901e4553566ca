// Staging of a content before its message is inserted: memory for small, content file for large.
#include <messageu/store/staged_content.hpp>

namespace messageu::store {

StagedContent::StagedContent(std::shared_ptr<const ContentFiles> files, std::uint64_t size)
    : m_files(std::move(files)), m_size(size) {}

Result<std::unique_ptr<StagedContent>>
StagedContent::begin(std::shared_ptr<const ContentFiles> files, std::uint64_t size,
                     std::uint64_t inline_limit) {
  std::unique_ptr<StagedContent> content(new StagedContent(std::move(files), size));
  if (size <= inline_limit) {
    content->m_inline.reserve(static_cast<std::size_t>(size));
  } else {
    content->m_file.emplace(MESSAGEU_TRY(content->m_files->create()));
    content->m_file_name = content->m_file->name();
  }
  return content;
}

StagedContent::~StagedContent() {
  m_file.reset(); // close before removing
  if (!m_stored && !m_file_name.empty())
    (void)m_files->remove(m_file_name); // what fails here is an orphan, removed at next open
}

Status StagedContent::write(ByteView bytes) {
  if (m_finished)
    return make_error(Errc::internal, "write to a finished content");
  if (bytes.size() > m_size - m_written)
    return make_error(Errc::size_mismatch,
                      "content longer than its declared size " + std::to_string(m_size));
  if (is_inline())
    m_inline.insert(m_inline.end(), bytes.begin(), bytes.end());
  else
    MESSAGEU_TRY(m_file->write_all(bytes));
  m_written += bytes.size();
  return {};
}

Status StagedContent::finish() {
  if (m_finished)
    return make_error(Errc::internal, "content finished twice");
  if (m_written != m_size)
    return make_error(Errc::size_mismatch, "content has " + std::to_string(m_written) +
                                               " of its declared " + std::to_string(m_size) +
                                               " bytes");
  if (!is_inline()) {
    // The file's data, then its directory entry, must be on disk before a row names it.
    MESSAGEU_TRY(m_file->sync());
    m_file->close();
    MESSAGEU_TRY(m_files->sync_directory());
  }
  m_finished = true;
  return {};
}

} // namespace messageu::store
