// The SQLite server store: clients, messages with contents inline or in files, group commit.
#include <messageu/store/sqlite_server_store.hpp>

#include <messageu/sqlite/storage_error.hpp>
#include <messageu/store/content_files.hpp>
#include <messageu/store/content_readers.hpp>
#include <messageu/store/last_seen.hpp>
#include <messageu/store/message_id_allocator.hpp>
#include <messageu/store/seen_times.hpp>
#include <messageu/store/server_schema.hpp>
#include <messageu/store/server_statements.hpp>
#include <messageu/store/staged_content.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace messageu::store {

namespace {

// How long a statement waits for a lock held by another connection (a reader, a backup).
constexpr std::chrono::milliseconds k_busy_timeout{5000};
// Free pages (4 KiB each) tolerated in the file before deletes give them back.
constexpr std::int64_t k_free_pages_before_vacuum = 256;
// The persisted id counter runs this far ahead of the ids handed out, so that most commits
// need not write it (a page less per commit); a restart skips the ids reserved but not used.
constexpr std::uint64_t k_reserved_message_ids = 4096;

// Client ids are random (version 4 UUIDs): any eight of their bytes hash them well.
struct ClientIdHash {
  std::size_t operator()(const ClientId &id) const noexcept {
    std::uint64_t value = 0;
    std::memcpy(&value, id.data(), sizeof value);
    return static_cast<std::size_t>(value);
  }
};

Result<ClientId> column_client_id(const sqlite::Statement &statement, int index) {
  auto bytes = statement.column_blob_view(index);
  if (bytes.size() != k_client_id_size)
    return sqlite::storage_error("corrupt database: a client id of " +
                                 std::to_string(bytes.size()) + " bytes");
  ClientId id{};
  std::copy(bytes.begin(), bytes.end(), id.begin());
  return id;
}

Result<MessageType> column_message_type(const sqlite::Statement &statement, int index) {
  auto value = statement.column_int64(index);
  if (value < 1 || value > 4)
    return sqlite::storage_error("corrupt database: message type " + std::to_string(value));
  return static_cast<MessageType>(value);
}

// Runs a statement that has one integer result.
Result<std::int64_t> query_int64(sqlite::Database &database, std::string_view sql) {
  auto statement = MESSAGEU_TRY(database.prepare(sql));
  if (!MESSAGEU_TRY(statement.step()))
    return sqlite::storage_error(std::string(sql) + ": no row");
  return statement.column_int64(0);
}

// The staged contents of a batch, checked to be this store's and finished.
Result<std::vector<StagedContent *>> staged_contents(std::span<NewMessage> messages,
                                                     const ContentFiles &files) {
  std::vector<StagedContent *> contents;
  contents.reserve(messages.size());
  for (auto &message : messages) {
    auto *content = dynamic_cast<StagedContent *>(message.content.get());
    if (!content || content->files() != &files)
      return make_error(Errc::invalid_argument, "message content not made by this store");
    if (!content->finished())
      return make_error(Errc::invalid_argument, "message content not finished");
    contents.push_back(content);
  }
  return contents;
}

} // namespace

// What waits for one recipient, in stored order, with the totals of each sender: the
// per-sender share of the pending caps reads them at every send, so they are kept, not counted.
struct WaitingMessages {
  std::vector<StoredMessage> messages;
  std::uint64_t bytes = 0;
  std::unordered_map<ClientId, PendingTotals, ClientIdHash> by_sender;

  void add(const StoredMessage &message) {
    messages.push_back(message);
    bytes += message.content_size;
    auto &sender = by_sender[message.from];
    sender.count += 1;
    sender.bytes += message.content_size;
  }

  void remove_all_of(const std::unordered_set<MessageId> &ids) {
    std::erase_if(messages, [&](const StoredMessage &message) {
      if (!ids.contains(message.id))
        return false;
      take_off_totals(message);
      return true;
    });
  }

  void take_off_totals(const StoredMessage &message) {
    bytes -= message.content_size;
    auto sender = by_sender.find(message.from);
    if (sender == by_sender.end())
      return;
    sender->second.count -= 1;
    sender->second.bytes -= message.content_size;
    if (sender->second.count == 0)
      by_sender.erase(sender);
  }
};

struct SqliteServerStore::Impl {
  sqlite::Database database;
  std::shared_ptr<ContentFiles> files;
  ServerStatements statements;
  MessageId last_message_id = 0;  // the last id handed out
  std::uint64_t ids_reserved = 0; // how far the persisted counter is ahead of last_message_id
  std::int64_t last_sequence = 0; // the stored order of the newest message
  // The waiting messages of each recipient (about 40 bytes each), read from the table at open
  // and kept exact by this store's own writes, as the clients are: a pull and the pending
  // caps read them here, and the table needs no index by recipient, whose pages a batch of
  // sends to many recipients would otherwise scatter its commit over.
  std::unordered_map<ClientId, WaitingMessages, ClientIdHash> waiting{};
  // LastSeen times not written yet. find_client() reads through them.
  SeenTimes touches{};
  // Every request looks up its sender, so the clients found are kept in memory. This process
  // is the database's only writer (the content directory's lock), and clients are never removed, so
  // the copies stay true as long as this store's own writes update them.
  std::unordered_map<ClientId, ClientRecord, ClientIdHash> clients{};
  std::optional<std::vector<ClientSummary>> client_list{}; // reset by each registration
  // What other threads read: told every change committed here, published before it returns.
  SnapshotPublisher published{};

  // Prepares the statements and loads the counters of an open database with the schema.
  static Result<std::unique_ptr<Impl>> create(sqlite::Database database,
                                              std::shared_ptr<ContentFiles> files);

  Status insert_message(MessageId id, const NewMessage &message, const StagedContent &content);
  Result<bool> message_id_in_use(MessageId id);
  Result<std::optional<MessageId>> allocate_message_id();
  void remember_waiting(const NewMessage &message, MessageId id, std::uint64_t size);
  void forget_waiting(const ClientId &to, const std::unordered_set<MessageId> &ids);
  Status load_counter();
  Result<std::unordered_set<std::string>> load_messages();
  Status remove_orphan_content_files(const std::unordered_set<std::string> &referenced);
  void reclaim_free_pages();
  Status update_client(sqlite::Statement &statement, const ClientId &id);
  Result<std::optional<ClientRecord>> load_client(const ClientId &id);
  Result<std::vector<ClientSummary>> load_client_list();
  Status load_snapshot();
  Status flush_touches();
  Status write_touches(const SeenTimes::Times &times);
  // Writes the LastSeen times when a second has passed since the last write (best effort).
  void write_touches_if_due();
};

SqliteServerStore::SqliteServerStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
SqliteServerStore::~SqliteServerStore() {
  // Best effort: at worst the last second of LastSeen updates is lost, as in a crash.
  if (m_impl)
    (void)flush_touches();
}

std::filesystem::path
SqliteServerStore::content_directory_for(const std::filesystem::path &database_path) {
  auto directory = database_path;
  directory += ".spool";
  return directory;
}

const std::filesystem::path &SqliteServerStore::content_directory() const {
  return m_impl->files->directory();
}

Result<std::unique_ptr<SqliteServerStore>>
SqliteServerStore::open(const std::filesystem::path &path) {
  // The content directory's lock comes first: a second server on this database stops here, before
  // it could take the first one's content files for orphans.
  auto files = MESSAGEU_TRY(ContentFiles::open(content_directory_for(path)));
  auto database = MESSAGEU_TRY(sqlite::Database::open(path));
  MESSAGEU_TRY(database.set_busy_timeout(k_busy_timeout));
  MESSAGEU_TRY(ensure_server_schema(database));
  MESSAGEU_TRY(database.enable_wal());
  MESSAGEU_TRY(database.set_synchronous(sqlite::Synchronous::full));
  // Debian's SQLite defaults to secure_delete=ON, which rewrites every freed page: deleting
  // pulled messages then needs as much free disk as they occupy, so a full disk could never
  // be relieved by pulls. FAST zeroes freed content only where that costs no extra I/O.
  MESSAGEU_TRY(database.exec("PRAGMA secure_delete=FAST"));
  auto impl = MESSAGEU_TRY(Impl::create(std::move(database), std::move(files)));
  return std::unique_ptr<SqliteServerStore>(new SqliteServerStore(std::move(impl)));
}

Result<std::unique_ptr<SqliteServerStore>> SqliteServerStore::open_in_memory() {
  auto files = MESSAGEU_TRY(ContentFiles::open_temporary());
  auto database = MESSAGEU_TRY(sqlite::Database::open_in_memory());
  MESSAGEU_TRY(ensure_server_schema(database));
  auto impl = MESSAGEU_TRY(Impl::create(std::move(database), std::move(files)));
  return std::unique_ptr<SqliteServerStore>(new SqliteServerStore(std::move(impl)));
}

Result<std::unique_ptr<SqliteServerStore::Impl>>
SqliteServerStore::Impl::create(sqlite::Database database, std::shared_ptr<ContentFiles> files) {
  auto statements = MESSAGEU_TRY(ServerStatements::prepare(database));
  std::unique_ptr<Impl> impl(
      new Impl{std::move(database), std::move(files), std::move(statements)});
  MESSAGEU_TRY(impl->load_counter());
  auto referenced = MESSAGEU_TRY(impl->load_messages());
  MESSAGEU_TRY(impl->remove_orphan_content_files(referenced));
  MESSAGEU_TRY(impl->load_snapshot());
  return impl;
}

// Every client in registration order, with whether messages wait for it (the waiting lists
// are loaded first).
Status SqliteServerStore::Impl::load_snapshot() {
  auto statement = MESSAGEU_TRY(
      database.prepare("SELECT ID, UserName, PublicKey, Protected FROM clients ORDER BY rowid"));
  while (MESSAGEU_TRY(statement.step())) {
    auto id = MESSAGEU_TRY(column_client_id(statement, 0));
    auto key_bytes = statement.column_blob_view(2);
    if (key_bytes.size() != k_public_key_size)
      return sqlite::storage_error("corrupt database: a public key of " +
                                   std::to_string(key_bytes.size()) + " bytes");
    PublicKeyBytes key{};
    std::copy(key_bytes.begin(), key_bytes.end(), key.begin());
    published.add_client(id, statement.column_text(1), key, statement.column_int64(3) != 0,
                         waiting.contains(id));
  }
  published.publish();
  return {};
}

Status SqliteServerStore::Impl::load_counter() {
  auto last_id = MESSAGEU_TRY(
      query_int64(database, "SELECT Value FROM store_state WHERE Name = 'last_message_id'"));
  if (last_id < 0 || last_id > k_last_message_id)
    return sqlite::storage_error("corrupt database: last message id " + std::to_string(last_id));
  last_message_id = static_cast<MessageId>(last_id);
  return {};
}

// Reads every message once: the waiting lists, the newest stored order, and the content files
// still named (returned).
Result<std::unordered_set<std::string>> SqliteServerStore::Impl::load_messages() {
  std::unordered_set<std::string> referenced;
  auto statement = MESSAGEU_TRY(database.prepare(
      "SELECT ID, ToClient, FromClient, Type, ContentSize, SpoolFile, Seq FROM messages "
      "ORDER BY Seq"));
  while (MESSAGEU_TRY(statement.step())) {
    StoredMessage message;
    message.id = static_cast<MessageId>(statement.column_int64(0));
    auto to = MESSAGEU_TRY(column_client_id(statement, 1));
    message.from = MESSAGEU_TRY(column_client_id(statement, 2));
    message.type = MESSAGEU_TRY(column_message_type(statement, 3));
    message.content_size = static_cast<std::uint64_t>(statement.column_int64(4));
    if (!statement.column_is_null(5))
      referenced.insert(statement.column_text(5));
    last_sequence = statement.column_int64(6);
    waiting[to].add(message);
  }
  return referenced;
}

Status SqliteServerStore::Impl::remove_orphan_content_files(
    const std::unordered_set<std::string> &referenced) {
  MESSAGEU_TRY(files->remove_unreferenced(
      [&](std::string_view name) { return referenced.contains(std::string(name)); }));
  return {};
}

// --- clients ---

Status SqliteServerStore::add_client(const ClientId &id, std::string_view name,
                                     const PublicKeyBytes &public_key) {
  auto &statements = m_impl->statements;
  auto transaction = MESSAGEU_TRY(sqlite::Transaction::begin(m_impl->database));
  {
    sqlite::StatementReset reset(statements.client_name_exists);
    MESSAGEU_TRY(statements.client_name_exists.bind_text(1, name));
    if (MESSAGEU_TRY(statements.client_name_exists.step()))
      return make_error(Errc::name_taken, "the name " + std::string(name) + " is taken");
  }
  {
    sqlite::StatementReset reset(statements.client_id_exists);
    MESSAGEU_TRY(statements.client_id_exists.bind_blob(1, id));
    if (MESSAGEU_TRY(statements.client_id_exists.step()))
      return make_error(Errc::invalid_argument, "client id already registered");
  }
  auto &insert = statements.insert_client;
  MESSAGEU_TRY(insert.bind_blob(1, id));
  MESSAGEU_TRY(insert.bind_text(2, name));
  MESSAGEU_TRY(insert.bind_blob(3, public_key));
  // The list is rebuilt on the next call, whether this commit succeeds or not.
  m_impl->client_list.reset();
  MESSAGEU_TRY(insert.run());
  MESSAGEU_TRY(transaction.commit());
  m_impl->published.add_client(id, name, public_key);
  m_impl->published.publish();
  m_impl->write_touches_if_due();
  return {};
}

Result<bool> SqliteServerStore::name_in_use_ignoring_case(std::string_view name) {
  auto &statement = m_impl->statements.client_folded_name;
  sqlite::StatementReset reset(statement);
  MESSAGEU_TRY(statement.bind_text(1, name));
  return statement.step();
}

Result<std::optional<ClientRecord>> SqliteServerStore::find_client(const ClientId &id) {
  auto &impl = *m_impl;
  auto cached = impl.clients.find(id);
  if (cached == impl.clients.end()) {
    auto loaded = MESSAGEU_TRY(impl.load_client(id));
    if (!loaded)
      return std::optional<ClientRecord>{};
    cached = impl.clients.emplace(id, std::move(*loaded)).first;
  }
  std::optional<ClientRecord> record(cached->second);
  if (auto touched = impl.touches.latest(id))
    record->last_seen = format_last_seen(*touched);
  impl.write_touches_if_due();
  return record;
}

Result<std::optional<ClientRecord>> SqliteServerStore::Impl::load_client(const ClientId &id) {
  auto &statement = statements.find_client;
  sqlite::StatementReset reset(statement);
  MESSAGEU_TRY(statement.bind_blob(1, id));
  if (!MESSAGEU_TRY(statement.step()))
    return std::optional<ClientRecord>{};
  ClientRecord record;
  record.id = MESSAGEU_TRY(column_client_id(statement, 0));
  record.name = statement.column_text(1);
  auto key = statement.column_blob_view(2);
  if (key.size() != k_public_key_size)
    return sqlite::storage_error("corrupt database: a public key of " + std::to_string(key.size()) +
                                 " bytes");
  std::copy(key.begin(), key.end(), record.public_key.begin());
  record.last_seen = statement.column_text(3);
  record.is_protected = statement.column_int64(4) != 0;
  return std::optional<ClientRecord>(std::move(record));
}

Result<std::vector<ClientSummary>> SqliteServerStore::list_clients() {
  auto &impl = *m_impl;
  if (!impl.client_list)
    impl.client_list = MESSAGEU_TRY(impl.load_client_list());
  return *impl.client_list;
}

Result<std::vector<ClientSummary>> SqliteServerStore::Impl::load_client_list() {
  auto &statement = statements.list_clients;
  sqlite::StatementReset reset(statement);
  std::vector<ClientSummary> list;
  while (MESSAGEU_TRY(statement.step()))
    list.push_back({MESSAGEU_TRY(column_client_id(statement, 0)), statement.column_text(1)});
  return list;
}

Status SqliteServerStore::Impl::update_client(sqlite::Statement &statement, const ClientId &id) {
  sqlite::StatementReset reset(statement);
  MESSAGEU_TRY(statement.bind_blob(1, id));
  MESSAGEU_TRY(statement.step());
  if (database.changes() == 0)
    return make_error(Errc::unknown_user, "no client with id " + client_id_to_hex(id));
  return {};
}

Status SqliteServerStore::touch(const ClientId &id, std::chrono::system_clock::time_point when) {
  // The snapshot knows every client committed, and any thread may read it.
  if (!m_impl->published.current()->contains(id))
    return make_error(Errc::unknown_user, "no client with id " + client_id_to_hex(id));
  m_impl->touches.record(id, when);
  return {};
}

Status SqliteServerStore::flush_touches() { return m_impl->flush_touches(); }

Status SqliteServerStore::Impl::flush_touches() {
  return touches.flush([this](const SeenTimes::Times &times) {
    // LastSeen is not worth an fsync: commit it without one (WAL stays consistent, and the
    // next synced commit makes it durable too), then restore full durability.
    auto written = statements.synchronous_normal.run();
    if (written)
      written = write_touches(times);
    if (auto restored = statements.synchronous_full.run(); written && !restored)
      written = restored;
    return written;
  });
}

void SqliteServerStore::Impl::write_touches_if_due() {
  if (touches.due())
    (void)flush_touches(); // bookkeeping: a failure keeps them for the next try
}

Status SqliteServerStore::Impl::write_touches(const SeenTimes::Times &times) {
  auto transaction = MESSAGEU_TRY(sqlite::Transaction::begin(database));
  auto &statement = statements.touch_client;
  std::vector<std::pair<ClientRecord *, std::string>> written;
  for (const auto &[id, time] : times) {
    sqlite::StatementReset reset(statement);
    auto text = format_last_seen(time);
    MESSAGEU_TRY(statement.bind_blob(1, id));
    MESSAGEU_TRY(statement.bind_text(2, text));
    MESSAGEU_TRY(statement.step());
    if (auto cached = clients.find(id); cached != clients.end())
      written.emplace_back(&cached->second, std::move(text));
  }
  MESSAGEU_TRY(transaction.commit());
  for (auto &[record, text] : written)
    record->last_seen = std::move(text);
  return {};
}

Status SqliteServerStore::set_protected(const ClientId &id) {
  MESSAGEU_TRY(m_impl->update_client(m_impl->statements.protect_client, id));
  if (auto cached = m_impl->clients.find(id); cached != m_impl->clients.end())
    cached->second.is_protected = true;
  m_impl->published.set_protected(id);
  m_impl->published.publish();
  return {};
}

// --- messages ---

std::shared_ptr<const ClientSnapshot> SqliteServerStore::snapshot() const {
  return m_impl->published.current();
}

Result<std::unique_ptr<ContentSink>> SqliteServerStore::begin_content(std::uint64_t size) {
  if (size > k_max_content_size)
    return make_error(Errc::too_large,
                      "content of " + std::to_string(size) + " bytes is above the maximum");
  auto content = MESSAGEU_TRY(StagedContent::begin(m_impl->files, size, k_inline_content_limit));
  return std::unique_ptr<ContentSink>(std::move(content));
}

Result<bool> SqliteServerStore::Impl::message_id_in_use(MessageId id) {
  auto &statement = statements.message_id_in_use;
  sqlite::StatementReset reset(statement);
  MESSAGEU_TRY(statement.bind_int64(1, id));
  return statement.step();
}

Status SqliteServerStore::Impl::insert_message(MessageId id, const NewMessage &message,
                                               const StagedContent &content) {
  auto &insert = statements.insert_message;
  sqlite::StatementReset reset(insert);
  MESSAGEU_TRY(insert.bind_int64(1, id));
  MESSAGEU_TRY(insert.bind_blob(2, message.to));
  MESSAGEU_TRY(insert.bind_blob(3, message.from));
  MESSAGEU_TRY(insert.bind_int64(4, static_cast<std::int64_t>(message.type)));
  if (content.is_inline()) {
    MESSAGEU_TRY(insert.bind_blob(5, content.inline_bytes()));
    MESSAGEU_TRY(insert.bind_null(7));
  } else {
    MESSAGEU_TRY(insert.bind_null(5));
    MESSAGEU_TRY(insert.bind_text(7, content.file_name()));
  }
  MESSAGEU_TRY(insert.bind_int64(6, static_cast<std::int64_t>(content.size())));
  MESSAGEU_TRY(insert.bind_int64(8, last_sequence + 1));
  MESSAGEU_TRY(insert.step());
  ++last_sequence;
  return {};
}

// The next free id. When it lies beyond the persisted counter, the counter moves ahead of it
// (returned: the caller writes it in the same transaction).
Result<std::optional<MessageId>> SqliteServerStore::Impl::allocate_message_id() {
  auto in_use = [&](MessageId id) { return message_id_in_use(id); };
  auto id = MESSAGEU_TRY(next_message_id(last_message_id, k_last_message_id, in_use));
  auto distance = message_id_distance(last_message_id, id);
  last_message_id = id;
  if (distance <= ids_reserved) {
    ids_reserved -= distance;
    return std::optional<MessageId>{};
  }
  ids_reserved = k_reserved_message_ids;
  return std::optional<MessageId>(advance_message_id(id, k_reserved_message_ids));
}

void SqliteServerStore::Impl::remember_waiting(const NewMessage &message, MessageId id,
                                               std::uint64_t size) {
  waiting[message.to].add({id, message.from, message.type, size});
}

void SqliteServerStore::Impl::forget_waiting(const ClientId &to,
                                             const std::unordered_set<MessageId> &ids) {
  auto found = waiting.find(to);
  if (found == waiting.end())
    return;
  auto &list = found->second;
  list.remove_all_of(ids);
  if (list.messages.empty())
    waiting.erase(found);
}

Result<std::vector<MessageId>> SqliteServerStore::insert_messages(std::span<NewMessage> messages) {
  std::vector<MessageId> ids;
  if (messages.empty())
    return ids;
  auto contents = MESSAGEU_TRY(staged_contents(messages, *m_impl->files));
  auto &impl = *m_impl;
  // On failure the counters go back to where they were, with the rolled-back rows.
  auto saved_id = impl.last_message_id;
  auto saved_reserved = impl.ids_reserved;
  auto saved_sequence = impl.last_sequence;
  auto restore = [&](Error error) {
    impl.last_message_id = saved_id;
    impl.ids_reserved = saved_reserved;
    impl.last_sequence = saved_sequence;
    return error;
  };
  auto transaction = MESSAGEU_TRY(sqlite::Transaction::begin(impl.database));
  std::optional<MessageId> counter;
  ids.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto allocated = impl.allocate_message_id();
    if (!allocated)
      return restore(std::move(allocated).error());
    if (*allocated)
      counter = *allocated;
    if (auto status = impl.insert_message(impl.last_message_id, messages[i], *contents[i]); !status)
      return restore(std::move(status).error());
    ids.push_back(impl.last_message_id);
  }
  if (counter) {
    auto &save = impl.statements.save_last_message_id;
    if (auto status = save.bind_int64(1, *counter); !status)
      return restore(std::move(status).error());
    if (auto status = save.run(); !status)
      return restore(std::move(status).error());
  }
  if (auto status = transaction.commit(); !status)
    return restore(std::move(status).error());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    impl.remember_waiting(messages[i], ids[i], contents[i]->size());
    impl.published.set_has_messages(messages[i].to, true);
    contents[i]->mark_stored();
  }
  impl.published.publish();
  impl.write_touches_if_due();
  return ids;
}

Result<std::vector<StoredMessage>> SqliteServerStore::pending_messages(const ClientId &to) {
  auto found = m_impl->waiting.find(to);
  if (found == m_impl->waiting.end())
    return std::vector<StoredMessage>{};
  return found->second.messages;
}

Result<bool> SqliteServerStore::has_pending(const ClientId &to) {
  return m_impl->waiting.contains(to);
}

Result<PendingTotals> SqliteServerStore::pending_totals(const ClientId &to) {
  auto found = m_impl->waiting.find(to);
  if (found == m_impl->waiting.end())
    return PendingTotals{};
  return PendingTotals{found->second.messages.size(), found->second.bytes};
}

Result<PendingFromSender> SqliteServerStore::pending_totals(const ClientId &to,
                                                            const ClientId &from) {
  auto found = m_impl->waiting.find(to);
  if (found == m_impl->waiting.end())
    return PendingFromSender{};
  const auto &list = found->second;
  PendingFromSender totals{{list.messages.size(), list.bytes}, {}};
  if (auto sender = list.by_sender.find(from); sender != list.by_sender.end())
    totals.from_sender = sender->second;
  return totals;
}

Result<std::unique_ptr<StoredContentReader>> SqliteServerStore::open_content(MessageId id) {
  auto &statement = m_impl->statements.message_content;
  sqlite::StatementReset reset(statement);
  MESSAGEU_TRY(statement.bind_int64(1, id));
  if (!MESSAGEU_TRY(statement.step()))
    return make_error(Errc::invalid_argument, "no message with id " + std::to_string(id));
  auto size = static_cast<std::uint64_t>(statement.column_int64(1));
  if (statement.column_is_null(2)) {
    auto content = statement.column_blob(0);
    if (content.size() != size)
      return sqlite::storage_error("corrupt database: message " + std::to_string(id) +
                                   " has a content of the wrong size");
    return std::unique_ptr<StoredContentReader>(new InlineContentReader(std::move(content)));
  }
  auto file = MESSAGEU_TRY(m_impl->files->open_file(statement.column_text(2)));
  return std::unique_ptr<StoredContentReader>(new ContentFileReader(std::move(file), size));
}

Result<std::size_t> SqliteServerStore::delete_messages(const ClientId &to,
                                                       std::span<const MessageId> ids) {
  if (ids.empty())
    return std::size_t{0};
  auto &statement = m_impl->statements.delete_message;
  auto transaction = MESSAGEU_TRY(sqlite::Transaction::begin(m_impl->database));
  std::unordered_set<MessageId> deleted;
  std::vector<std::string> content_files;
  for (auto id : ids) {
    sqlite::StatementReset reset(statement);
    MESSAGEU_TRY(statement.bind_int64(1, id));
    MESSAGEU_TRY(statement.bind_blob(2, to));
    if (!MESSAGEU_TRY(statement.step()))
      continue; // not held for `to`, or already deleted
    deleted.insert(id);
    if (!statement.column_is_null(0))
      content_files.push_back(statement.column_text(0));
  }
  MESSAGEU_TRY(transaction.commit());
  m_impl->forget_waiting(to, deleted);
  m_impl->published.set_has_messages(to, m_impl->waiting.contains(to));
  m_impl->published.publish();
  // Files go only after the rows are gone for good, so no row ever names a missing file.
  // A file that cannot be removed now is an orphan, removed at the next open.
  for (const auto &name : content_files)
    (void)m_impl->files->remove(name);
  m_impl->reclaim_free_pages();
  return deleted.size();
}

void SqliteServerStore::Impl::reclaim_free_pages() {
  auto &count = statements.freelist_count;
  sqlite::StatementReset reset(count);
  auto row = count.step();
  if (!row || !*row || count.column_int64(0) < k_free_pages_before_vacuum)
    return;
  count.reset();
  // Best effort: the deletes are committed whatever happens here.
  (void)database.exec("PRAGMA incremental_vacuum");
}

} // namespace messageu::store
