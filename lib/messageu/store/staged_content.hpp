// The SQLite store's ContentSink: a content waiting to be inserted with its message. Small
// contents (up to the inline limit) are buffered in memory and go into the message's row;
// larger ones are streamed to a new spool file, fsynced with its directory on finish().
//
// It never touches the database, so any one thread may write it (the server's network
// threads), and it may outlive the store. Destroyed before its message was stored, it removes
// its spool file.
#pragma once

#include <messageu/store/content_sink.hpp>
#include <messageu/store/spool.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace messageu::store {

class StagedContent final : public ContentSink {
public:
  // A sink for `size` bytes: inline when size <= inline_limit, else a new file in `spool`.
  // Cannot create the file → Errc::storage.
  static Result<std::unique_ptr<StagedContent>>
  begin(std::shared_ptr<const Spool> spool, std::uint64_t size, std::uint64_t inline_limit);

  ~StagedContent() override;
  StagedContent(const StagedContent &) = delete;
  StagedContent &operator=(const StagedContent &) = delete;

  std::uint64_t size() const override { return m_size; }
  std::uint64_t written() const override { return m_written; }
  Status write(ByteView bytes) override;
  Status finish() override;
  bool finished() const override { return m_finished; }

  // The spool this content was staged in (to check it belongs to a given store).
  const Spool *spool() const { return m_spool.get(); }
  bool is_inline() const { return m_spool_name.empty(); }
  // The buffered content when inline.
  ByteView inline_bytes() const { return m_inline; }
  // The spool file's name when not inline.
  const std::string &spool_name() const { return m_spool_name; }

  // The content now belongs to a stored message: destruction keeps its spool file.
  void mark_stored() { m_stored = true; }

private:
  StagedContent(std::shared_ptr<const Spool> spool, std::uint64_t size);

  std::shared_ptr<const Spool> m_spool;
  std::uint64_t m_size;
  std::uint64_t m_written = 0;
  Bytes m_inline;
  std::optional<SpoolFile> m_file;
  std::string m_spool_name;
  bool m_finished = false;
  bool m_stored = false;
};

} // namespace messageu::store
