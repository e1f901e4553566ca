// The PostgreSQL store's contents. A sink buffers a small content (up to the inline limit) in
// memory for its message's row; a larger one gets a row in `contents` at once and is written
// as 1 MiB rows of `content_chunks` as it arrives, so memory stays bounded whatever the size
// and no transaction stays open for a whole upload. A source reads such a content back one
// chunk at a time.
//
// Both use the store's connection: like the store, they must be used on the store's thread.
// They keep the connection alive, so they may outlive the store.
#pragma once

#include <messageu/postgres/postgres.hpp>
#include <messageu/store/content_sink.hpp>
#include <messageu/store/stored_content_reader.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace messageu::store {

// The store's connection, shared with its sinks and sources. It connects on first use, checks
// (or creates) the schema on its first connection, and reconnects when the connection broke;
// after a failed attempt it fails at once for a second rather than wait on the database at
// every call.
class PostgresLink {
public:
  explicit PostgresLink(std::string uri) : m_uri(std::move(uri)) {}

  // The connection, (re)connected first if needed. Unreachable → Errc::unavailable; a schema
  // of an unknown version → Errc::storage.
  Result<postgres::Connection *> get();

private:
  Status connect();

  std::string m_uri;
  std::optional<postgres::Connection> m_connection;
  bool m_schema_checked = false;
  std::optional<std::chrono::steady_clock::time_point> m_failed_at;
  std::optional<Error> m_failure;
};

class PostgresContentSink final : public ContentSink {
public:
  // The size of each content_chunks row.
  static constexpr std::size_t k_chunk_size = 1024 * 1024;

  // A sink for `size` bytes: inline when size <= inline_limit, else a new `contents` row.
  static Result<std::unique_ptr<PostgresContentSink>>
  begin(std::shared_ptr<PostgresLink> link, std::uint64_t size, std::uint64_t inline_limit);

  ~PostgresContentSink() override;
  PostgresContentSink(const PostgresContentSink &) = delete;
  PostgresContentSink &operator=(const PostgresContentSink &) = delete;

  std::uint64_t size() const override { return m_size; }
  std::uint64_t written() const override { return m_written; }
  Status write(ByteView bytes) override;
  Status finish() override;
  bool finished() const override { return m_finished; }

  // The link this content was made on (to check it belongs to a given store).
  const PostgresLink *link() const { return m_link.get(); }
  bool is_inline() const { return !m_content_id; }
  ByteView inline_bytes() const { return m_buffer; }
  // The `contents` row when not inline.
  std::optional<std::int64_t> content_id() const { return m_content_id; }

  // The content now belongs to a stored message: destruction keeps it.
  void mark_stored() { m_stored = true; }

private:
  PostgresContentSink(std::shared_ptr<PostgresLink> link, std::uint64_t size,
                      std::optional<std::int64_t> content_id);
  Status write_chunk();

  std::shared_ptr<PostgresLink> m_link;
  std::uint64_t m_size;
  std::optional<std::int64_t> m_content_id;
  Bytes m_buffer; // the inline content, or the next chunk
  std::int32_t m_next_chunk = 0;
  std::uint64_t m_written = 0;
  bool m_finished = false;
  bool m_stored = false;
};

class PostgresContentReader final : public StoredContentReader {
public:
  PostgresContentReader(std::shared_ptr<PostgresLink> link, std::int64_t content_id,
                        std::uint64_t size)
      : m_link(std::move(link)), m_content_id(content_id), m_size(size) {}

  std::uint64_t size() const override { return m_size; }
  Result<std::size_t> read(MutableByteView buffer) override;

private:
  Status read_chunk();

  std::shared_ptr<PostgresLink> m_link;
  std::int64_t m_content_id;
  std::uint64_t m_size;
  std::uint64_t m_read = 0;
  std::optional<postgres::Rows> m_chunk_rows; // the result holding the current chunk
  ByteView m_chunk;
  std::size_t m_chunk_offset = 0;
  std::int32_t m_next_chunk = 0;
};

} // namespace messageu::store
