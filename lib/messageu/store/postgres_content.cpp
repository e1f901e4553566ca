// Contents in PostgreSQL: inline buffers, or 1 MiB bytea chunks written and read one at a time.
#include <messageu/store/postgres_content.hpp>

#include <messageu/store/postgres_schema.hpp>

#include <algorithm>
#include <cstring>

namespace messageu::store {

using postgres::Parameters;
using postgres::Statement;

namespace {

// After a failed connection attempt, calls fail at once for this long before the next one.
constexpr std::chrono::seconds k_retry_interval{1};

// An upload whose last chunk is older than an hour is taken for abandoned (its server died)
// and removed by whichever server cleans up next. Counted per chunk, so slow uploads are safe.
const Statement &insert_content() {
  static const Statement statement(
      "INSERT INTO contents (id, size, expires_at) "
      "VALUES (nextval('content_ids'), $1, now() + interval '1 hour') RETURNING id");
  return statement;
}

const Statement &insert_chunk() {
  static const Statement statement(
      "WITH touched AS (UPDATE contents SET expires_at = now() + interval '1 hour' "
      "WHERE id = $1 AND uploading) "
      "INSERT INTO content_chunks (content_id, seq, data) VALUES ($1, $2, $3)");
  return statement;
}

const Statement &delete_content() {
  static const Statement statement("DELETE FROM contents WHERE id = $1");
  return statement;
}

const Statement &select_chunk() {
  static const Statement statement(
      "SELECT data FROM content_chunks WHERE content_id = $1 AND seq = $2");
  return statement;
}

} // namespace

Result<postgres::Connection *> PostgresLink::get() {
  if (m_connection && !m_connection->is_broken() && m_schema_checked)
    return &*m_connection;
  auto now = std::chrono::steady_clock::now();
  if (m_failed_at && now - *m_failed_at < k_retry_interval)
    return *m_failure;
  if (auto connected = connect(); !connected) {
    m_failed_at = now;
    m_failure = connected.error();
    return std::move(connected).error();
  }
  m_failed_at.reset();
  return &*m_connection;
}

Status PostgresLink::connect() {
  if (!m_connection)
    m_connection = MESSAGEU_TRY(postgres::Connection::open(m_uri));
  else if (m_connection->is_broken())
    MESSAGEU_TRY(m_connection->reconnect());
  if (!m_schema_checked) {
    MESSAGEU_TRY(ensure_postgres_schema(*m_connection));
    m_schema_checked = true;
  }
  return {};
}

// --- sink ---

PostgresContentSink::PostgresContentSink(std::shared_ptr<PostgresLink> link, std::uint64_t size,
                                         std::optional<std::int64_t> content_id)
    : m_link(std::move(link)), m_size(size), m_content_id(content_id) {}

Result<std::unique_ptr<PostgresContentSink>>
PostgresContentSink::begin(std::shared_ptr<PostgresLink> link, std::uint64_t size,
                           std::uint64_t inline_limit) {
  std::optional<std::int64_t> content_id;
  if (size > inline_limit) {
    auto *connection = MESSAGEU_TRY(link->get());
    auto rows = MESSAGEU_TRY(
        connection->run(insert_content(), Parameters{}.int64(static_cast<std::int64_t>(size))));
    content_id = rows.int64(0, 0);
  }
  std::unique_ptr<PostgresContentSink> sink(
      new PostgresContentSink(std::move(link), size, content_id));
  sink->m_buffer.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(size, k_chunk_size)));
  return sink;
}

PostgresContentSink::~PostgresContentSink() {
  if (!m_content_id || m_stored)
    return;
  // Best effort: what stays behind expires and is removed by a later clean-up.
  if (auto connection = m_link->get())
    (void)(*connection)->run(delete_content(), Parameters{}.int64(*m_content_id));
}

Status PostgresContentSink::write(ByteView bytes) {
  if (m_finished)
    return make_error(Errc::internal, "write after finish");
  if (bytes.size() > m_size - m_written)
    return make_error(Errc::size_mismatch, "more bytes than the declared size");
  while (!bytes.empty()) {
    auto room = m_content_id ? k_chunk_size - m_buffer.size() : bytes.size();
    auto part = bytes.first(std::min(room, bytes.size()));
    m_buffer.insert(m_buffer.end(), part.begin(), part.end());
    m_written += part.size();
    bytes = bytes.subspan(part.size());
    if (m_content_id && m_buffer.size() == k_chunk_size)
      MESSAGEU_TRY(write_chunk());
  }
  return {};
}

Status PostgresContentSink::write_chunk() {
  auto *connection = MESSAGEU_TRY(m_link->get());
  MESSAGEU_TRY(connection->run(
      insert_chunk(),
      Parameters{}.int64(*m_content_id).int32(m_next_chunk).borrowed_bytes(m_buffer)));
  ++m_next_chunk;
  m_buffer.clear();
  return {};
}

Status PostgresContentSink::finish() {
  if (m_finished)
    return make_error(Errc::internal, "finish called twice");
  if (m_written != m_size)
    return make_error(Errc::size_mismatch, std::to_string(m_written) + " bytes written of " +
                                               std::to_string(m_size) + " declared");
  // Each chunk was committed as it was written; the last one may be partial.
  if (m_content_id && !m_buffer.empty())
    MESSAGEU_TRY(write_chunk());
  m_finished = true;
  return {};
}

// --- source ---

Status PostgresContentReader::read_chunk() {
  m_chunk_rows.reset(); // one chunk in memory at a time
  m_chunk = {};
  auto *connection = MESSAGEU_TRY(m_link->get());
  auto rows = MESSAGEU_TRY(
      connection->run(select_chunk(), Parameters{}.int64(m_content_id).int32(m_next_chunk)));
  if (rows.empty())
    return make_error(Errc::storage,
                      "content " + std::to_string(m_content_id) + " ends before its recorded size");
  // The chunk is read from the result itself, not copied.
  m_chunk_rows.emplace(std::move(rows));
  m_chunk = m_chunk_rows->bytes(0, 0);
  m_chunk_offset = 0;
  ++m_next_chunk;
  return {};
}

Result<std::size_t> PostgresContentReader::read(MutableByteView buffer) {
  if (m_read == m_size || buffer.empty())
    return std::size_t{0};
  if (m_chunk_offset == m_chunk.size())
    MESSAGEU_TRY(read_chunk());
  auto count = std::min(
      {buffer.size(), m_chunk.size() - m_chunk_offset, static_cast<std::size_t>(m_size - m_read)});
  std::memcpy(buffer.data(), m_chunk.data() + m_chunk_offset, count);
  m_chunk_offset += count;
  m_read += count;
  return count;
}

} // namespace messageu::store
