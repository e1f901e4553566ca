// The SQLite store's ContentSink: a content waiting to be inserted with its message. Small
// contents (up to the inline limit) are buffered in memory and go into the message's row;
// larger ones are streamed to a new content file, fsynced with its directory on finish().
//
// It never touches the database, so any one thread may write it (the server's network
// threads), and it may outlive the store. Destroyed before its message was stored, it removes
// its content file.
#pragma once

#include <messageu/store/content_files.hpp>
#include <messageu/store/content_sink.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace messageu::store {

class StagedContent final : public ContentSink {
public:
  // A sink for `size` bytes: inline when size <= inline_limit, else a new file in `files`.
  // Cannot create the file → Errc::storage.
  static Result<std::unique_ptr<StagedContent>>
  begin(std::shared_ptr<const ContentFiles> files, std::uint64_t size, std::uint64_t inline_limit);

  ~StagedContent() override;
  StagedContent(const StagedContent &) = delete;
  StagedContent &operator=(const StagedContent &) = delete;

  std::uint64_t size() const override { return m_size; }
  std::uint64_t written() const override { return m_written; }
  Status write(ByteView bytes) override;
  Status finish() override;
  bool finished() const override { return m_finished; }

  // The content files this content was staged in (to check it belongs to a given store).
  const ContentFiles *files() const { return m_files.get(); }
  bool is_inline() const { return m_file_name.empty(); }
  // The buffered content when inline.
  ByteView inline_bytes() const { return m_inline; }
  // The content file's name when not inline.
  const std::string &file_name() const { return m_file_name; }

  // The content now belongs to a stored message: destruction keeps its content file.
  void mark_stored() { m_stored = true; }

private:
  StagedContent(std::shared_ptr<const ContentFiles> files, std::uint64_t size);

  std::shared_ptr<const ContentFiles> m_files;
  std::uint64_t m_size;
  std::uint64_t m_written = 0;
  Bytes m_inline;
  std::optional<ContentFile> m_file;
  std::string m_file_name;
  bool m_finished = false;
  bool m_stored = false;
};

} // namespace messageu::store
