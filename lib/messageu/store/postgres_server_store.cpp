// The PostgreSQL server store: every call one or two indexed statements on the shared
// database, the batch of a group commit in one pipeline.
#include <messageu/store/postgres_server_store.hpp>

#include <messageu/store/content_readers.hpp>
#include <messageu/store/last_seen.hpp>
#include <messageu/store/postgres_content.hpp>

#include <algorithm>
#include <set>

namespace messageu::store {

using postgres::Parameters;
using postgres::PipelineStep;
using postgres::Rows;
using postgres::Statement;

namespace {

// How often delete_messages() removes the contents whose grace period is over.
constexpr std::chrono::minutes k_clean_up_interval{1};

// Every statement the store runs, prepared once per connection on first use.
struct Statements {
  Statement insert_client{"INSERT INTO clients (id, name, public_key, last_seen_ms) "
                          "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"};
  Statement name_exists{"SELECT EXISTS (SELECT 1 FROM clients WHERE name = $1)"};
  // ASCII letters only, as the index clients_by_folded_name folds them.
  Statement folded_name_exists{
      "SELECT EXISTS (SELECT 1 FROM clients WHERE "
      "translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = "
      "translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'))"};
  Statement find_client{
      "SELECT id, name, public_key, last_seen_ms, protected FROM clients WHERE id = $1"};
  Statement list_clients{"SELECT id, name FROM clients ORDER BY registered"};
  // LastSeen is not worth waiting for a flush of the write-ahead log.
  Statement relaxed_commit{"SELECT set_config('synchronous_commit', 'off', true)"};
  // Delivered to every listening server when the transaction commits (stored_message_channel).
  Statement notify_stored{"SELECT pg_notify('messageu_stored', $1)"};
  Statement touch_client{
      "UPDATE clients SET last_seen_ms = greatest(last_seen_ms, $2) WHERE id = $1"};
  Statement protect_client{"UPDATE clients SET protected = true WHERE id = $1"};
  Statement insert_message{
      "WITH owned AS (UPDATE contents SET uploading = false, expires_at = NULL WHERE id = $6) "
      "INSERT INTO messages (id, to_client, from_client, type, content_size, content, content_id) "
      "VALUES (next_free_message_id(), $1, $2, $3, $4, $5, $6) RETURNING id"};
  Statement pending_messages{"SELECT id, from_client, type, content_size FROM messages "
                             "WHERE to_client = $1 AND deleted_at IS NULL ORDER BY seq"};
  Statement has_pending{
      "SELECT EXISTS (SELECT 1 FROM messages WHERE to_client = $1 AND deleted_at IS NULL)"};
  Statement pending_totals{"SELECT count(*), coalesce(sum(content_size), 0)::bigint "
                           "FROM messages WHERE to_client = $1 AND deleted_at IS NULL"};
  Statement pending_from_sender{
      "SELECT count(*), coalesce(sum(content_size), 0)::bigint, "
      "count(*) FILTER (WHERE from_client = $2), "
      "coalesce(sum(content_size) FILTER (WHERE from_client = $2), 0)::bigint "
      "FROM messages WHERE to_client = $1 AND deleted_at IS NULL"};
  Statement message_content{"SELECT content_size, content, content_id FROM messages WHERE id = $1"};
  // The row and its content stay for an hour, deleted_at set: a pull through another server
  // that listed the message before may still be sending it.
  Statement delete_message{
      "WITH gone AS (UPDATE messages SET deleted_at = now() "
      "WHERE id = $1 AND to_client = $2 AND deleted_at IS NULL RETURNING content_id), "
      "released AS (UPDATE contents SET expires_at = now() + interval '1 hour' "
      "WHERE id IN (SELECT content_id FROM gone)) "
      "SELECT count(*) FROM gone"};
  // Messages first: their contents expire at the same time, and a row still names its content.
  Statement remove_deleted_messages{
      "DELETE FROM messages WHERE deleted_at < now() - interval '1 hour'"};
  Statement remove_expired_contents{"DELETE FROM contents WHERE expires_at < now()"};
};

const Statements &statements() {
  static const Statements instance;
  return instance;
}

Error corrupt(std::string what) { return make_error(Errc::storage, "corrupt database: " + what); }

Result<ClientId> client_id_at(const Rows &rows, int row, int column) {
  auto bytes = rows.bytes(row, column);
  if (bytes.size() != k_client_id_size)
    return corrupt("a client id of " + std::to_string(bytes.size()) + " bytes");
  ClientId id{};
  std::copy(bytes.begin(), bytes.end(), id.begin());
  return id;
}

Result<MessageType> message_type_at(const Rows &rows, int row, int column) {
  auto value = rows.int64(row, column);
  if (value < 1 || value > 4)
    return corrupt("message type " + std::to_string(value));
  return static_cast<MessageType>(value);
}

std::int64_t unix_milliseconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

Error unknown_client(const ClientId &id) {
  return make_error(Errc::unknown_user, "no client with id " + client_id_to_hex(id));
}

} // namespace

struct PostgresServerStore::Impl {
  std::shared_ptr<PostgresLink> link;
  std::chrono::steady_clock::time_point last_clean_up{};

  Result<Rows> run(const Statement &statement, const Parameters &parameters = {}) {
    auto *connection = MESSAGEU_TRY(link->get());
    return connection->run(statement, parameters);
  }

  Result<bool> exists(const Statement &statement, const Parameters &parameters) {
    auto rows = MESSAGEU_TRY(run(statement, parameters));
    return rows.boolean(0, 0);
  }

  Status update_client(const Statement &statement, const ClientId &id) {
    auto rows = MESSAGEU_TRY(run(statement, Parameters{}.bytes(id)));
    if (rows.affected() == 0)
      return unknown_client(id);
    return {};
  }
};

PostgresServerStore::PostgresServerStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PostgresServerStore::~PostgresServerStore() = default;

bool PostgresServerStore::is_postgres_uri(std::string_view database) {
  return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

Result<std::unique_ptr<PostgresServerStore>> PostgresServerStore::open(const std::string &uri) {
  auto store = connect_later(uri);
  MESSAGEU_TRY(store->m_impl->link->get());
  return store;
}

std::unique_ptr<PostgresServerStore> PostgresServerStore::connect_later(const std::string &uri) {
  auto impl = std::make_unique<Impl>();
  impl->link = std::make_shared<PostgresLink>(uri);
  return std::unique_ptr<PostgresServerStore>(new PostgresServerStore(std::move(impl)));
}

// --- clients ---

Status PostgresServerStore::add_client(const ClientId &id, std::string_view name,
                                       const PublicKeyBytes &public_key) {
  const auto &sql = statements();
  auto now = unix_milliseconds(std::chrono::system_clock::now());
  auto inserted = MESSAGEU_TRY(m_impl->run(
      sql.insert_client, Parameters{}.bytes(id).text(name).bytes(public_key).int64(now)));
  if (inserted.affected() == 1)
    return {};
  // Nothing inserted: the name or the id is registered already (by any server).
  if (MESSAGEU_TRY(m_impl->exists(sql.name_exists, Parameters{}.text(name))))
    return make_error(Errc::name_taken, "the name " + std::string(name) + " is taken");
  return make_error(Errc::invalid_argument, "client id already registered");
}

Result<bool> PostgresServerStore::name_in_use_ignoring_case(std::string_view name) {
  return m_impl->exists(statements().folded_name_exists, Parameters{}.text(name));
}

Result<std::optional<ClientRecord>> PostgresServerStore::find_client(const ClientId &id) {
  auto rows = MESSAGEU_TRY(m_impl->run(statements().find_client, Parameters{}.bytes(id)));
  if (rows.empty())
    return std::optional<ClientRecord>{};
  ClientRecord record;
  record.id = MESSAGEU_TRY(client_id_at(rows, 0, 0));
  record.name = rows.text(0, 1);
  auto key = rows.bytes(0, 2);
  if (key.size() != k_public_key_size)
    return corrupt("a public key of " + std::to_string(key.size()) + " bytes");
  std::copy(key.begin(), key.end(), record.public_key.begin());
  record.last_seen = format_last_seen(
      std::chrono::system_clock::time_point(std::chrono::milliseconds(rows.int64(0, 3))));
  record.is_protected = rows.boolean(0, 4);
  return std::optional<ClientRecord>(std::move(record));
}

Result<std::vector<ClientSummary>> PostgresServerStore::list_clients() {
  auto rows = MESSAGEU_TRY(m_impl->run(statements().list_clients));
  std::vector<ClientSummary> list;
  list.reserve(static_cast<std::size_t>(rows.count()));
  for (int row = 0; row < rows.count(); ++row)
    list.push_back({MESSAGEU_TRY(client_id_at(rows, row, 0)), rows.text(row, 1)});
  return list;
}

Status PostgresServerStore::touch(const ClientId &id, std::chrono::system_clock::time_point when) {
  const auto &sql = statements();
  auto *connection = MESSAGEU_TRY(m_impl->link->get());
  std::vector<PipelineStep> steps;
  steps.push_back({&sql.relaxed_commit, {}});
  steps.push_back({&sql.touch_client, Parameters{}.bytes(id).int64(unix_milliseconds(when))});
  auto results = MESSAGEU_TRY(connection->pipeline(steps));
  if (results[1].affected() == 0)
    return unknown_client(id);
  return {};
}

std::shared_ptr<const ClientSnapshot> PostgresServerStore::snapshot() const {
  // One empty snapshot for every store: nothing is ever published into it.
  static const auto k_empty = SnapshotPublisher().current();
  return k_empty;
}

Status PostgresServerStore::set_protected(const ClientId &id) {
  return m_impl->update_client(statements().protect_client, id);
}

// --- messages ---

Result<std::unique_ptr<ContentSink>> PostgresServerStore::begin_content(std::uint64_t size) {
  if (size > k_max_content_size)
    return make_error(Errc::too_large,
                      "content of " + std::to_string(size) + " bytes is above the maximum");
  auto sink = MESSAGEU_TRY(PostgresContentSink::begin(m_impl->link, size, k_inline_content_limit));
  return std::unique_ptr<ContentSink>(std::move(sink));
}

namespace {

// The contents of a batch, checked to be made on `link` and finished.
Result<std::vector<PostgresContentSink *>> batch_contents(std::span<NewMessage> messages,
                                                          const PostgresLink &link) {
  std::vector<PostgresContentSink *> contents;
  contents.reserve(messages.size());
  for (auto &message : messages) {
    auto *content = dynamic_cast<PostgresContentSink *>(message.content.get());
    if (!content || content->link() != &link)
      return make_error(Errc::invalid_argument, "message content not made by this store");
    if (!content->finished())
      return make_error(Errc::invalid_argument, "message content not finished");
    contents.push_back(content);
  }
  return contents;
}

Parameters message_row(const NewMessage &message, const PostgresContentSink &content) {
  Parameters row;
  row.bytes(message.to).bytes(message.from).int32(static_cast<std::int32_t>(message.type));
  row.int64(static_cast<std::int64_t>(content.size()));
  if (content.is_inline())
    row.bytes(content.inline_bytes()).null();
  else
    row.null().int64(*content.content_id());
  return row;
}

} // namespace

Result<std::vector<MessageId>>
PostgresServerStore::insert_messages(std::span<NewMessage> messages) {
  std::vector<MessageId> ids;
  if (messages.empty())
    return ids;
  auto contents = MESSAGEU_TRY(batch_contents(messages, *m_impl->link));
  std::vector<PipelineStep> steps;
  steps.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i)
    steps.push_back({&statements().insert_message, message_row(messages[i], *contents[i])});
  // Each recipient once: the servers where it waits (PROTOCOL.md §11) wake at the commit.
  std::set<ClientId> recipients;
  for (const auto &message : messages)
    if (recipients.insert(message.to).second)
      steps.push_back(
          {&statements().notify_stored, Parameters{}.text(client_id_to_hex(message.to))});
  // One pipeline: the rows go in one round trip and commit together at its end.
  auto *connection = MESSAGEU_TRY(m_impl->link->get());
  auto results = MESSAGEU_TRY(connection->pipeline(steps));
  ids.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    ids.push_back(static_cast<MessageId>(results[i].int64(0, 0)));
    contents[i]->mark_stored();
  }
  return ids;
}

Result<std::vector<StoredMessage>> PostgresServerStore::pending_messages(const ClientId &to) {
  auto rows = MESSAGEU_TRY(m_impl->run(statements().pending_messages, Parameters{}.bytes(to)));
  std::vector<StoredMessage> messages;
  messages.reserve(static_cast<std::size_t>(rows.count()));
  for (int row = 0; row < rows.count(); ++row) {
    StoredMessage message;
    message.id = static_cast<MessageId>(rows.int64(row, 0));
    message.from = MESSAGEU_TRY(client_id_at(rows, row, 1));
    message.type = MESSAGEU_TRY(message_type_at(rows, row, 2));
    message.content_size = static_cast<std::uint64_t>(rows.int64(row, 3));
    messages.push_back(message);
  }
  return messages;
}

Result<bool> PostgresServerStore::has_pending(const ClientId &to) {
  return m_impl->exists(statements().has_pending, Parameters{}.bytes(to));
}

Result<PendingTotals> PostgresServerStore::pending_totals(const ClientId &to) {
  auto rows = MESSAGEU_TRY(m_impl->run(statements().pending_totals, Parameters{}.bytes(to)));
  return PendingTotals{static_cast<std::uint64_t>(rows.int64(0, 0)),
                       static_cast<std::uint64_t>(rows.int64(0, 1))};
}

Result<PendingFromSender> PostgresServerStore::pending_totals(const ClientId &to,
                                                              const ClientId &from) {
  auto rows = MESSAGEU_TRY(
      m_impl->run(statements().pending_from_sender, Parameters{}.bytes(to).bytes(from)));
  auto count = [&](int column) { return static_cast<std::uint64_t>(rows.int64(0, column)); };
  return PendingFromSender{{count(0), count(1)}, {count(2), count(3)}};
}

Result<std::unique_ptr<StoredContentReader>> PostgresServerStore::open_content(MessageId id) {
  auto rows = MESSAGEU_TRY(m_impl->run(statements().message_content, Parameters{}.int64(id)));
  if (rows.empty())
    return make_error(Errc::invalid_argument, "no message with id " + std::to_string(id));
  auto size = static_cast<std::uint64_t>(rows.int64(0, 0));
  if (rows.is_null(0, 2)) {
    auto content = rows.bytes(0, 1);
    if (content.size() != size)
      return corrupt("message " + std::to_string(id) + " has a content of the wrong size");
    return std::unique_ptr<StoredContentReader>(
        new InlineContentReader(Bytes(content.begin(), content.end())));
  }
  return std::unique_ptr<StoredContentReader>(
      new PostgresContentReader(m_impl->link, rows.int64(0, 2), size));
}

Result<std::size_t> PostgresServerStore::delete_messages(const ClientId &to,
                                                         std::span<const MessageId> ids) {
  if (ids.empty())
    return std::size_t{0};
  std::vector<PipelineStep> steps;
  steps.reserve(ids.size());
  for (auto id : ids)
    steps.push_back({&statements().delete_message, Parameters{}.int64(id).bytes(to)});
  auto *connection = MESSAGEU_TRY(m_impl->link->get());
  auto results = MESSAGEU_TRY(connection->pipeline(steps));
  std::size_t deleted = 0;
  for (const auto &result : results)
    deleted += static_cast<std::size_t>(result.int64(0, 0));
  if (std::chrono::steady_clock::now() - m_impl->last_clean_up >= k_clean_up_interval)
    (void)remove_expired_contents(); // best effort: the next one tries again
  return deleted;
}

Result<std::size_t> PostgresServerStore::remove_expired_contents() {
  m_impl->last_clean_up = std::chrono::steady_clock::now();
  auto *connection = MESSAGEU_TRY(m_impl->link->get());
  std::vector<PipelineStep> steps;
  steps.push_back({&statements().remove_deleted_messages, {}});
  steps.push_back({&statements().remove_expired_contents, {}});
  auto results = MESSAGEU_TRY(connection->pipeline(steps));
  return static_cast<std::size_t>(results[1].affected());
}

} // namespace messageu::store
