// The PostgreSQL server store: every call one or two indexed statements on the shared
// database, the batch of a group commit in one pipeline, and the snapshot kept true by the
// other servers' notices.
#include <messageu/store/postgres_server_store.hpp>

#include <messageu/store/content_readers.hpp>
#include <messageu/store/last_seen.hpp>
#include <messageu/store/postgres_content.hpp>
#include <messageu/store/postgres_watch.hpp>
#include <messageu/store/seen_times.hpp>

#include <algorithm>
#include <mutex>
#include <set>
#include <utility>

namespace messageu::store {

using postgres::Parameters;
using postgres::PipelineStep;
using postgres::Rows;
using postgres::Statement;

namespace {

// How often delete_messages() removes the contents whose grace period is over.
constexpr std::chrono::minutes k_clean_up_interval{1};

// The channels every server LISTENs on, each notice's payload a client id in hex: a client
// registered or protected, and messages stored for a recipient (also what wakes its waits).
constexpr const char *k_clients_channel = "messageu_clients";
constexpr const char *k_stored_channel = "messageu_stored";

// The snapshot's view of clients: id, name, key, protection, and whether messages wait.
std::string client_state_query(std::string_view tail) {
  return "SELECT c.id, c.name, c.public_key, c.protected, EXISTS (SELECT 1 FROM messages m "
         "WHERE m.to_client = c.id AND m.deleted_at IS NULL) FROM clients c " +
         std::string(tail);
}

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
  // Delivered to every listening server when the transaction commits (k_*_channel).
  Statement notify_stored{"SELECT pg_notify('messageu_stored', $1)"};
  Statement notify_client{"SELECT pg_notify('messageu_clients', $1)"};
  // What the snapshot holds of a client, and of all of them (a reload).
  Statement client_state{client_state_query("WHERE c.id = $1")};
  Statement all_client_states{client_state_query("ORDER BY c.registered")};
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

Result<PublicKeyBytes> public_key_at(const Rows &rows, int row, int column) {
  auto bytes = rows.bytes(row, column);
  if (bytes.size() != k_public_key_size)
    return corrupt("a public key of " + std::to_string(bytes.size()) + " bytes");
  PublicKeyBytes key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

Error unknown_client(const ClientId &id) {
  return make_error(Errc::unknown_user, "no client with id " + client_id_to_hex(id));
}

// What the watch's thread heard, in order, until the store's thread takes it.
class OtherServersNews {
public:
  enum class Kind { listening, lost, client, stored };
  struct Event {
    Kind kind;
    ClientId id{};
  };

  // True when nothing was waiting before: the store's thread must be told.
  bool add(Event event) {
    std::lock_guard lock(m_mutex);
    m_events.push_back(event);
    return m_events.size() == 1;
  }
  std::vector<Event> take() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_events, {});
  }

private:
  std::mutex m_mutex;
  std::vector<Event> m_events;
};

} // namespace

struct PostgresServerStore::Impl {
  std::string uri;
  std::shared_ptr<PostgresLink> link;
  std::chrono::steady_clock::time_point last_clean_up{};
  // LastSeen times not written yet; find_client() reads through them.
  SeenTimes touches{};
  // What other threads read; up to date only while the watch listens and a reload succeeded.
  SnapshotPublisher published{};
  bool listening = false; // the watch listens: every change from now on is heard
  bool reload_due = false;
  OtherServersNews news{};
  std::unique_ptr<DatabaseWatch> watch; // last: its thread uses the members above

  Result<Rows> run(const Statement &statement, const Parameters &parameters = {}) {
    auto *connection = MESSAGEU_TRY(link->get());
    return connection->run(statement, parameters);
  }

  Result<bool> exists(const Statement &statement, const Parameters &parameters) {
    auto rows = MESSAGEU_TRY(run(statement, parameters));
    return rows.boolean(0, 0);
  }

  // Runs `statement` on `id` and notifies the clients' channel, in one transaction.
  Result<std::vector<Rows>> change_client(const Statement &statement, Parameters parameters,
                                          const ClientId &id) {
    auto *connection = MESSAGEU_TRY(link->get());
    std::vector<PipelineStep> steps;
    steps.push_back({&statement, std::move(parameters)});
    steps.push_back({&statements().notify_client, Parameters{}.text(client_id_to_hex(id))});
    return connection->pipeline(steps);
  }

  // Publishes each row of client_state / all_client_states: new clients are added, known
  // ones get their flags.
  Status apply_client_states(const Rows &rows) {
    for (int row = 0; row < rows.count(); ++row) {
      auto id = MESSAGEU_TRY(client_id_at(rows, row, 0));
      bool is_protected = rows.boolean(row, 3);
      bool has_messages = rows.boolean(row, 4);
      if (!published.knows(id)) {
        published.add_client(id, rows.text(row, 1), MESSAGEU_TRY(public_key_at(rows, row, 2)),
                             is_protected, has_messages);
        continue;
      }
      if (is_protected)
        published.set_protected(id);
      published.set_has_messages(id, has_messages);
    }
    return {};
  }

  Status reload() {
    auto rows = MESSAGEU_TRY(run(statements().all_client_states));
    MESSAGEU_TRY(apply_client_states(rows));
    published.set_up_to_date(true);
    reload_due = false;
    return {};
  }

  Status read_clients_again(const std::set<ClientId> &ids) {
    if (ids.empty())
      return {};
    auto *connection = MESSAGEU_TRY(link->get());
    std::vector<PipelineStep> steps;
    for (const auto &id : ids)
      steps.push_back({&statements().client_state, Parameters{}.bytes(id)});
    auto results = MESSAGEU_TRY(connection->pipeline(steps));
    for (const auto &rows : results)
      MESSAGEU_TRY(apply_client_states(rows));
    return {};
  }

  // Writes the LastSeen times without waiting for the flush; returns how many clients exist.
  Result<std::size_t> write_touches(const SeenTimes::Times &times) {
    const auto &sql = statements();
    auto *connection = MESSAGEU_TRY(link->get());
    std::vector<PipelineStep> steps;
    steps.reserve(times.size() + 1);
    steps.push_back({&sql.relaxed_commit, {}});
    for (const auto &[id, time] : times)
      steps.push_back({&sql.touch_client, Parameters{}.bytes(id).int64(unix_milliseconds(time))});
    auto results = MESSAGEU_TRY(connection->pipeline(steps));
    std::size_t updated = 0;
    for (std::size_t i = 1; i < results.size(); ++i)
      updated += static_cast<std::size_t>(results[i].affected());
    return updated;
  }

  Status flush_touches() {
    return touches.flush([this](const SeenTimes::Times &times) -> Status {
      MESSAGEU_TRY(write_touches(times));
      return {};
    });
  }

  void write_touches_if_due() {
    if (touches.due())
      (void)flush_touches(); // bookkeeping: a failure keeps them for the next try
  }

  void hear(OtherServersNews::Event event, const std::function<void()> &on_news) {
    if (news.add(event))
      on_news();
  }
};

PostgresServerStore::PostgresServerStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {
  // Up to date once the watch listens and the clients are loaded.
  m_impl->published.set_up_to_date(false);
  m_impl->published.publish();
}

PostgresServerStore::~PostgresServerStore() {
  stop_following();
  // Best effort: at worst the last second of LastSeen updates is lost, as in a crash.
  (void)m_impl->flush_touches();
}

void PostgresServerStore::follow_other_servers(
    std::function<void()> on_news, std::function<void(const std::string &)> on_problem) {
  using Kind = OtherServersNews::Kind;
  auto *impl = m_impl.get();
  DatabaseWatch::Handlers handlers;
  handlers.on_listening = [impl, on_news] { impl->hear({Kind::listening}, on_news); };
  handlers.on_lost = [impl, on_news] { impl->hear({Kind::lost}, on_news); };
  handlers.on_notice = [impl, on_news](const postgres::Notification &notice) {
    auto id = client_id_from_hex(notice.payload);
    if (!id)
      return; // not ours: the channels are shared with whatever else uses the database
    impl->hear({notice.channel == k_stored_channel ? Kind::stored : Kind::client, *id}, on_news);
  };
  handlers.on_problem = std::move(on_problem);
  m_impl->watch = std::make_unique<DatabaseWatch>(
      m_impl->uri, std::vector<std::string>{k_clients_channel, k_stored_channel},
      std::move(handlers));
}

void PostgresServerStore::stop_following() { m_impl->watch.reset(); }

std::vector<ClientId> PostgresServerStore::catch_up() {
  using Kind = OtherServersNews::Kind;
  auto &impl = *m_impl;
  std::vector<ClientId> stored;
  std::set<ClientId> changed_clients;
  for (const auto &event : impl.news.take()) {
    switch (event.kind) {
    case Kind::lost:
      impl.published.set_up_to_date(false);
      impl.listening = impl.reload_due = false; // until the watch listens again
      break;
    case Kind::listening: impl.listening = impl.reload_due = true; break;
    case Kind::client: changed_clients.insert(event.id); break;
    case Kind::stored:
      impl.published.set_has_messages(event.id, true);
      stored.push_back(event.id);
      break;
    }
  }
  // A reload reads everything, the notices' clients included.
  auto applied = impl.reload_due ? impl.reload() : impl.read_clients_again(changed_clients);
  if (!applied) {
    // Notices were heard and not applied: the snapshot is not true any more.
    impl.published.set_up_to_date(false);
    impl.reload_due = impl.listening;
  }
  impl.published.publish();
  impl.write_touches_if_due();
  return stored;
}

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
  impl->uri = uri;
  impl->link = std::make_shared<PostgresLink>(uri);
  return std::unique_ptr<PostgresServerStore>(new PostgresServerStore(std::move(impl)));
}

// --- clients ---

Status PostgresServerStore::add_client(const ClientId &id, std::string_view name,
                                       const PublicKeyBytes &public_key) {
  const auto &sql = statements();
  auto now = unix_milliseconds(std::chrono::system_clock::now());
  auto results = MESSAGEU_TRY(m_impl->change_client(
      sql.insert_client, Parameters{}.bytes(id).text(name).bytes(public_key).int64(now), id));
  if (results[0].affected() == 1) {
    m_impl->published.add_client(id, name, public_key);
    m_impl->published.publish();
    return {};
  }
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
  record.public_key = MESSAGEU_TRY(public_key_at(rows, 0, 2));
  std::chrono::system_clock::time_point last_seen{std::chrono::milliseconds(rows.int64(0, 3))};
  if (auto touched = m_impl->touches.latest(id))
    last_seen = std::max(last_seen, *touched);
  record.last_seen = format_last_seen(last_seen);
  record.is_protected = rows.boolean(0, 4);
  // Registered through another server and not heard of yet: published from now on, with
  // messages assumed waiting until a pull says otherwise.
  if (!m_impl->published.knows(id)) {
    m_impl->published.add_client(id, record.name, record.public_key, record.is_protected, true);
    m_impl->published.publish();
  }
  m_impl->write_touches_if_due();
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
  // A client published exists (clients are never removed): its time waits in memory.
  if (m_impl->published.current()->contains(id)) {
    m_impl->touches.record(id, when);
    return {};
  }
  // Not published: the store's thread only, as every other call.
  auto updated = MESSAGEU_TRY(m_impl->write_touches({{id, when}}));
  if (updated == 0)
    return unknown_client(id);
  return {};
}

Status PostgresServerStore::flush_touches() { return m_impl->flush_touches(); }

std::shared_ptr<const ClientSnapshot> PostgresServerStore::snapshot() const {
  return m_impl->published.current();
}

Status PostgresServerStore::set_protected(const ClientId &id) {
  auto results =
      MESSAGEU_TRY(m_impl->change_client(statements().protect_client, Parameters{}.bytes(id), id));
  if (results[0].affected() == 0)
    return unknown_client(id);
  m_impl->published.set_protected(id);
  m_impl->published.publish();
  return {};
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
  for (const auto &recipient : recipients)
    m_impl->published.set_has_messages(recipient, true);
  m_impl->published.publish();
  m_impl->write_touches_if_due();
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
  // A message another server stores after this read notifies, and sets the flag again.
  m_impl->published.set_has_messages(to, !messages.empty());
  m_impl->published.publish();
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
  steps.push_back({&statements().has_pending, Parameters{}.bytes(to)});
  auto *connection = MESSAGEU_TRY(m_impl->link->get());
  auto results = MESSAGEU_TRY(connection->pipeline(steps));
  std::size_t deleted = 0;
  for (std::size_t i = 0; i < ids.size(); ++i)
    deleted += static_cast<std::size_t>(results[i].int64(0, 0));
  m_impl->published.set_has_messages(to, results.back().boolean(0, 0));
  m_impl->published.publish();
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
