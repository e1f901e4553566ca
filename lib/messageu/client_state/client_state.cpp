// The client's state.db on the SQLite wrapper: schema, prepared statements and the
// operations of ClientState.
#include <messageu/client_state/client_state.hpp>

#include <messageu/sqlite/sqlite.hpp>
#include <messageu/sqlite/storage_error.hpp>
#include <messageu/util/hex.hpp>
#include <messageu/util/unique_fd.hpp>
#include <messageu/util/utc_time.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace messageu::client_state {
namespace {

// 1: the first schema. 2: spool rows may name a decrypted file (the plaintext_* columns).
// 3: servers remember the dialect they speak (the dialect column). 4: spool rows record when
// the message reached this client (the received column).
constexpr std::int64_t k_schema_version = 4;

constexpr std::string_view k_schema = R"sql(
CREATE TABLE IF NOT EXISTS users (
  id          BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
  name        TEXT NOT NULL DEFAULT '',
  pinned_key  BLOB CHECK (pinned_key IS NULL OR length(pinned_key) = 160),
  offered_key BLOB CHECK (offered_key IS NULL OR length(offered_key) = 160),
  first_seen  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS users_by_name ON users (name, last_seen);
CREATE TABLE IF NOT EXISTS symmetric_keys (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  peer     BLOB NOT NULL CHECK (length(peer) = 16),
  key      BLOB NOT NULL CHECK (length(key) = 16),
  added    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS symmetric_keys_by_peer ON symmetric_keys (peer, sequence);
CREATE TABLE IF NOT EXISTS spool (
  sequence     INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id   INTEGER NOT NULL,
  sender       BLOB NOT NULL CHECK (length(sender) = 16),
  type         INTEGER NOT NULL,
  content      BLOB,
  content_path TEXT,
  content_size INTEGER NOT NULL,
  plaintext_key    BLOB CHECK (plaintext_key IS NULL OR length(plaintext_key) = 16),
  plaintext_tail   BLOB,
  plaintext_size   INTEGER,
  plaintext_sha256 BLOB CHECK (plaintext_sha256 IS NULL OR length(plaintext_sha256) = 32),
  received     INTEGER
);
CREATE INDEX IF NOT EXISTS spool_by_message ON spool (sender, message_id);
CREATE TABLE IF NOT EXISTS servers (
  endpoint TEXT PRIMARY KEY NOT NULL,
  protocol INTEGER NOT NULL,
  updated  INTEGER NOT NULL,
  dialect  TEXT
);
)sql";

// From schema 1: the columns of a decrypted spool file. A NULL plaintext_key is a raw
// content, which is what every schema 1 row is.
constexpr std::string_view k_upgrade_to_2 = R"sql(
ALTER TABLE spool ADD COLUMN plaintext_key BLOB
  CHECK (plaintext_key IS NULL OR length(plaintext_key) = 16);
ALTER TABLE spool ADD COLUMN plaintext_tail BLOB;
ALTER TABLE spool ADD COLUMN plaintext_size INTEGER;
ALTER TABLE spool ADD COLUMN plaintext_sha256 BLOB
  CHECK (plaintext_sha256 IS NULL OR length(plaintext_sha256) = 32);
)sql";

// From schema 2: the dialect a server speaks, NULL until `--dialect auto` has found it.
constexpr std::string_view k_upgrade_to_3 = R"sql(
ALTER TABLE servers ADD COLUMN dialect TEXT;
)sql";

// From schema 3: when each spooled message arrived. Rows spooled before the upgrade keep NULL:
// their time was not recorded, and the time of the upgrade would be a guess.
constexpr std::string_view k_upgrade_to_4 = R"sql(
ALTER TABLE spool ADD COLUMN received INTEGER;
)sql";

constexpr std::string_view k_user_columns =
    "id, name, pinned_key, offered_key, first_seen, last_seen";

// Creates the file with mode 0600 before SQLite opens it (SQLite would create it 0644), and
// narrows the mode of an existing one: it holds keys. SQLite gives its -wal and -shm files
// the database file's mode.
Status prepare_private_file(const std::filesystem::path &path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd)
    return sqlite::storage_error("cannot create " + path.string() + ": " + std::strerror(errno));
  struct stat status {};
  bool ok = ::fstat(fd.get(), &status) == 0 &&
            ((status.st_mode & 0077) == 0 || ::fchmod(fd.get(), status.st_mode & 0700) == 0);
  if (!ok)
    return sqlite::storage_error("cannot restrict the mode of " + path.string() + ": " +
                                 std::strerror(errno));
  return {};
}

template <std::size_t N> std::array<Byte, N> to_array(ByteView bytes) {
  std::array<Byte, N> out{};
  std::copy_n(bytes.begin(), std::min(N, bytes.size()), out.begin());
  return out;
}

template <std::size_t N>
std::optional<std::array<Byte, N>> optional_array(sqlite::Statement &row, int column) {
  if (row.column_is_null(column))
    return std::nullopt;
  return to_array<N>(row.column_blob_view(column));
}

KnownUser read_user(sqlite::Statement &row) {
  KnownUser user;
  user.id = to_array<k_client_id_size>(row.column_blob_view(0));
  user.name = row.column_text(1);
  user.pinned_key = optional_array<k_public_key_size>(row, 2);
  user.offered_key = optional_array<k_public_key_size>(row, 3);
  user.first_seen = row.column_int64(4);
  user.last_seen = row.column_int64(5);
  return user;
}

SpooledMessage read_spooled(sqlite::Statement &row) {
  SpooledMessage message;
  message.row_id = row.column_int64(0);
  message.message_id = static_cast<MessageId>(row.column_int64(1));
  message.sender = to_array<k_client_id_size>(row.column_blob_view(2));
  message.type = static_cast<MessageType>(row.column_int64(3));
  message.content = row.column_blob(4);
  if (!row.column_is_null(5))
    message.content_path = std::filesystem::path(row.column_text(5));
  message.content_size = static_cast<std::uint64_t>(row.column_int64(6));
  if (!row.column_is_null(7)) {
    DecryptedContent decrypted;
    decrypted.key = to_array<k_symmetric_key_size>(row.column_blob_view(7));
    decrypted.ciphertext_tail = row.column_blob(8);
    decrypted.plaintext_size = static_cast<std::uint64_t>(row.column_int64(9));
    decrypted.sha256 = to_array<32>(row.column_blob_view(10));
    message.decrypted = std::move(decrypted);
  }
  if (!row.column_is_null(11))
    message.received = row.column_int64(11);
  return message;
}

std::int64_t protocol_number(ServerProtocol protocol) {
  return static_cast<std::int64_t>(protocol);
}

// Every statement ClientState runs, prepared once when the database is opened.
struct Statements {
  sqlite::Statement upsert_user, find_by_name, find_by_id, all_users, insert_pinned_user,
      set_pinned_key, set_offered_key, newest_key, insert_key, prune_keys, list_keys, find_spooled,
      insert_spooled, list_spooled, delete_spooled, find_server, upsert_server, find_server_dialect,
      upsert_server_dialect;
};

// Prepares each statement in turn. (Not inside one braced initializer: returning an error from
// the middle of one would skip destroying the statements already made.)
Result<Statements> prepare_statements(sqlite::Database &database) {
  auto users = std::string(k_user_columns);
  auto upsert_user = MESSAGEU_TRY(
      database.prepare("INSERT INTO users (id, name, first_seen, last_seen) VALUES (?1, ?2, ?3, "
                       "?3) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                       "last_seen = excluded.last_seen"));
  auto find_by_name = MESSAGEU_TRY(
      database.prepare("SELECT " + users +
                       " FROM users WHERE name = ?1 ORDER BY last_seen DESC, rowid DESC LIMIT 1"));
  auto find_by_id = MESSAGEU_TRY(database.prepare("SELECT " + users + " FROM users WHERE id = ?1"));
  auto all_users =
      MESSAGEU_TRY(database.prepare("SELECT " + users + " FROM users ORDER BY name, id"));
  auto insert_pinned_user =
      MESSAGEU_TRY(database.prepare("INSERT INTO users (id, pinned_key, first_seen, last_seen) "
                                    "VALUES (?1, ?2, ?3, ?3)"));
  auto set_pinned_key = MESSAGEU_TRY(
      database.prepare("UPDATE users SET pinned_key = ?2, offered_key = NULL WHERE id = ?1"));
  auto set_offered_key =
      MESSAGEU_TRY(database.prepare("UPDATE users SET offered_key = ?2 WHERE id = ?1"));
  auto newest_key = MESSAGEU_TRY(database.prepare("SELECT key FROM symmetric_keys WHERE peer = ?1 "
                                                  "ORDER BY sequence DESC LIMIT 1"));
  auto insert_key = MESSAGEU_TRY(
      database.prepare("INSERT INTO symmetric_keys (peer, key, added) VALUES (?1, ?2, ?3)"));
  auto prune_keys = MESSAGEU_TRY(
      database.prepare("DELETE FROM symmetric_keys WHERE peer = ?1 AND sequence NOT IN "
                       "(SELECT sequence FROM symmetric_keys WHERE peer = ?1 "
                       "ORDER BY sequence DESC LIMIT ?2)"));
  auto list_keys = MESSAGEU_TRY(
      database.prepare("SELECT key FROM symmetric_keys WHERE peer = ?1 ORDER BY sequence DESC"));
  auto find_spooled = MESSAGEU_TRY(database.prepare("SELECT type, content_size, content FROM spool "
                                                    "WHERE sender = ?1 AND message_id = ?2"));
  auto insert_spooled = MESSAGEU_TRY(
      database.prepare("INSERT INTO spool (message_id, sender, type, content, content_path, "
                       "content_size, plaintext_key, plaintext_tail, plaintext_size, "
                       "plaintext_sha256, received) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  auto list_spooled = MESSAGEU_TRY(database.prepare(
      "SELECT sequence, message_id, sender, type, content, content_path, content_size, "
      "plaintext_key, plaintext_tail, plaintext_size, plaintext_sha256, received FROM spool "
      "ORDER BY sequence"));
  auto delete_spooled = MESSAGEU_TRY(database.prepare("DELETE FROM spool WHERE sequence = ?1"));
  auto find_server =
      MESSAGEU_TRY(database.prepare("SELECT protocol FROM servers WHERE endpoint = ?1"));
  auto upsert_server = MESSAGEU_TRY(
      database.prepare("INSERT INTO servers (endpoint, protocol, updated) VALUES (?1, ?2, ?3) "
                       "ON CONFLICT (endpoint) DO UPDATE SET protocol = excluded.protocol, "
                       "updated = excluded.updated"));
  auto find_server_dialect =
      MESSAGEU_TRY(database.prepare("SELECT dialect FROM servers WHERE endpoint = ?1"));
  // A server first met through its dialect has protocol 0 (unknown) until CHALLENGE tells.
  auto upsert_server_dialect =
      MESSAGEU_TRY(database.prepare("INSERT INTO servers (endpoint, protocol, updated, dialect) "
                                    "VALUES (?1, 0, ?3, ?2) ON CONFLICT (endpoint) DO UPDATE SET "
                                    "dialect = excluded.dialect, updated = excluded.updated"));
  return Statements{std::move(upsert_user),
                    std::move(find_by_name),
                    std::move(find_by_id),
                    std::move(all_users),
                    std::move(insert_pinned_user),
                    std::move(set_pinned_key),
                    std::move(set_offered_key),
                    std::move(newest_key),
                    std::move(insert_key),
                    std::move(prune_keys),
                    std::move(list_keys),
                    std::move(find_spooled),
                    std::move(insert_spooled),
                    std::move(list_spooled),
                    std::move(delete_spooled),
                    std::move(find_server),
                    std::move(upsert_server),
                    std::move(find_server_dialect),
                    std::move(upsert_server_dialect)};
}

} // namespace

// The connection and its statements. Members are destroyed in reverse order, so the
// statements are finalized before the connection closes.
struct ClientState::Impl {
  sqlite::Database database;
  Statements statements;

  Result<std::optional<KnownUser>> single_user(sqlite::Statement &statement);
  Result<bool> spool_holds(const SpooledMessage &message, bool compare_content);
  Status bind_decrypted(sqlite::Statement &insert, const SpooledMessage &message);
};

// Binds ?7 to ?10 of insert_spooled: the decrypted file's columns, or NULLs.
Status ClientState::Impl::bind_decrypted(sqlite::Statement &insert, const SpooledMessage &message) {
  const auto &decrypted = message.decrypted;
  if (!decrypted || !message.content_path) {
    for (int column = 7; column <= 10; ++column)
      MESSAGEU_TRY(insert.bind_null(column));
    return {};
  }
  MESSAGEU_TRY(insert.bind_blob(7, decrypted->key));
  MESSAGEU_TRY(insert.bind_blob(8, decrypted->ciphertext_tail));
  MESSAGEU_TRY(insert.bind_int64(9, static_cast<std::int64_t>(decrypted->plaintext_size)));
  return insert.bind_blob(10, decrypted->sha256);
}

Result<std::optional<KnownUser>> ClientState::Impl::single_user(sqlite::Statement &statement) {
  sqlite::StatementReset reset(statement);
  if (!MESSAGEU_TRY(statement.step()))
    return std::optional<KnownUser>();
  return std::optional<KnownUser>(read_user(statement));
}

// True when the spool holds `message` (same sender, id, type and size; and the same inline
// bytes when `compare_content`).
Result<bool> ClientState::Impl::spool_holds(const SpooledMessage &message, bool compare_content) {
  sqlite::StatementReset reset(statements.find_spooled);
  MESSAGEU_TRY(statements.find_spooled.bind_blob(1, message.sender));
  MESSAGEU_TRY(statements.find_spooled.bind_int64(2, message.message_id));
  while (MESSAGEU_TRY(statements.find_spooled.step())) {
    if (statements.find_spooled.column_int64(0) != static_cast<std::int64_t>(message.type) ||
        static_cast<std::uint64_t>(statements.find_spooled.column_int64(1)) != message.content_size)
      continue;
    auto stored = statements.find_spooled.column_blob_view(2);
    if (!compare_content ||
        std::equal(stored.begin(), stored.end(), message.content.begin(), message.content.end()))
      return true;
  }
  return false;
}

ClientState::ClientState(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ClientState::ClientState(ClientState &&other) noexcept = default;
ClientState &ClientState::operator=(ClientState &&other) noexcept = default;
ClientState::~ClientState() = default;

namespace {

// The connection to `path` with its schema created or upgraded.
Result<sqlite::Database> open_database(const std::filesystem::path &path) {
  auto database = MESSAGEU_TRY(sqlite::Database::open(path, sqlite::OpenMode::read_write));
  // Read-only commands may run beside one that holds the profile lock.
  MESSAGEU_TRY(database.set_busy_timeout(std::chrono::seconds(10)));
  MESSAGEU_TRY(database.enable_wal());
  MESSAGEU_TRY(database.set_synchronous(sqlite::Synchronous::full));
  {
    auto transaction = MESSAGEU_TRY(sqlite::Transaction::begin(database));
    auto version = MESSAGEU_TRY(database.user_version());
    if (version > k_schema_version)
      return sqlite::storage_error(path.string() + " was written by a newer messageu (schema " +
                                   std::to_string(version) + ")");
    if (version < k_schema_version) {
      // A fresh database gets the whole schema; an older one gets the columns it lacks.
      if (version == 0)
        MESSAGEU_TRY(database.exec(k_schema));
      if (version == 1)
        MESSAGEU_TRY(database.exec(k_upgrade_to_2));
      if (version == 1 || version == 2)
        MESSAGEU_TRY(database.exec(k_upgrade_to_3));
      if (version >= 1 && version <= 3)
        MESSAGEU_TRY(database.exec(k_upgrade_to_4));
      MESSAGEU_TRY(database.set_user_version(k_schema_version));
    }
    MESSAGEU_TRY(transaction.commit());
  }
  return database;
}

// A damaged file fails the same way at every run: say which file it is and what to do.
Error explain_damage(const std::filesystem::path &path, Error error) {
  if (!sqlite::is_storage_damaged(error))
    return error;
  return sqlite::storage_damaged_error(
      path.string() + " is damaged or is not a messageu state.db (" + error.message +
      "); move it aside (e.g. mv " + path.string() + " " + path.string() +
      ".damaged) and run messageu again: a new one is made, and keys are fetched and "
      "exchanged again as needed");
}

} // namespace

Result<ClientState> ClientState::open(const std::filesystem::path &path) {
  MESSAGEU_TRY(prepare_private_file(path));
  auto database = open_database(path);
  if (!database)
    return explain_damage(path, std::move(database).error());
  auto statements = prepare_statements(*database);
  if (!statements)
    return explain_damage(path, std::move(statements).error());
  return ClientState(std::unique_ptr<Impl>(new Impl{std::move(*database), std::move(*statements)}));
}

Status ClientState::upsert_users(std::span<const UserListing> users) {
  auto transaction = MESSAGEU_TRY(sqlite::Transaction::begin(m_impl->database));
  auto now = unix_seconds_now();
  auto &statement = m_impl->statements.upsert_user;
  for (const auto &user : users) {
    sqlite::StatementReset reset(statement);
    MESSAGEU_TRY(statement.bind_blob(1, user.id));
    MESSAGEU_TRY(statement.bind_text(2, user.name));
    MESSAGEU_TRY(statement.bind_int64(3, now));
    MESSAGEU_TRY(statement.run());
  }
  return transaction.commit();
}

Result<std::optional<KnownUser>> ClientState::find_user_by_name(std::string_view name) {
  MESSAGEU_TRY(m_impl->statements.find_by_name.bind_text(1, name));
  return m_impl->single_user(m_impl->statements.find_by_name);
}

Result<std::optional<KnownUser>> ClientState::find_user_by_id(const ClientId &id) {
  MESSAGEU_TRY(m_impl->statements.find_by_id.bind_blob(1, id));
  return m_impl->single_user(m_impl->statements.find_by_id);
}

Result<std::vector<KnownUser>> ClientState::all_users() {
  auto &statement = m_impl->statements.all_users;
  sqlite::StatementReset reset(statement);
  std::vector<KnownUser> users;
  while (MESSAGEU_TRY(statement.step()))
    users.push_back(read_user(statement));
  return users;
}

Result<KeyRecord> ClientState::record_key(const ClientId &id, const PublicKeyBytes &key,
                                          const KeyDecision &decide) {
  auto transaction = MESSAGEU_TRY(sqlite::Transaction::begin(m_impl->database));
  auto user = MESSAGEU_TRY(find_user_by_id(id));
  auto run = [](sqlite::Statement &statement, const ClientId &user_id, ByteView value) -> Status {
    sqlite::StatementReset reset(statement);
    MESSAGEU_TRY(statement.bind_blob(1, user_id));
    MESSAGEU_TRY(statement.bind_blob(2, value));
    return statement.run();
  };
  auto record = decide(user);
  if (record == KeyRecord::pin && !user) {
    auto &insert = m_impl->statements.insert_pinned_user;
    sqlite::StatementReset reset(insert);
    MESSAGEU_TRY(insert.bind_blob(1, id));
    MESSAGEU_TRY(insert.bind_blob(2, key));
    MESSAGEU_TRY(insert.bind_int64(3, unix_seconds_now()));
    MESSAGEU_TRY(insert.run());
  } else if (record == KeyRecord::pin) {
    MESSAGEU_TRY(run(m_impl->statements.set_pinned_key, id, key));
  } else {
    MESSAGEU_TRY(run(m_impl->statements.set_offered_key, id, key));
  }
  MESSAGEU_TRY(transaction.commit());
  return record;
}

Status ClientState::replace_pinned_key(const ClientId &id, const PublicKeyBytes &key) {
  auto &statement = m_impl->statements.set_pinned_key;
  sqlite::StatementReset reset(statement);
  MESSAGEU_TRY(statement.bind_blob(1, id));
  MESSAGEU_TRY(statement.bind_blob(2, key));
  MESSAGEU_TRY(statement.run());
  if (m_impl->database.changes() == 0)
    return make_error(Errc::unknown_user, "no known user with id " + client_id_to_hex(id));
  return {};
}

Status ClientState::add_symmetric_key(const ClientId &peer, const AesKeyBytes &key) {
  auto transaction = MESSAGEU_TRY(sqlite::Transaction::begin(m_impl->database));
  {
    auto &newest = m_impl->statements.newest_key;
    sqlite::StatementReset reset(newest);
    MESSAGEU_TRY(newest.bind_blob(1, peer));
    if (MESSAGEU_TRY(newest.step()) && std::ranges::equal(newest.column_blob_view(0), key))
      return {};
  }
  auto &insert = m_impl->statements.insert_key;
  sqlite::StatementReset insert_reset(insert);
  MESSAGEU_TRY(insert.bind_blob(1, peer));
  MESSAGEU_TRY(insert.bind_blob(2, key));
  MESSAGEU_TRY(insert.bind_int64(3, unix_seconds_now()));
  MESSAGEU_TRY(insert.run());
  auto &prune = m_impl->statements.prune_keys;
  sqlite::StatementReset prune_reset(prune);
  MESSAGEU_TRY(prune.bind_blob(1, peer));
  MESSAGEU_TRY(prune.bind_int64(2, static_cast<std::int64_t>(k_symmetric_key_history)));
  MESSAGEU_TRY(prune.run());
  return transaction.commit();
}

Result<std::vector<AesKeyBytes>> ClientState::symmetric_keys(const ClientId &peer) {
  auto &statement = m_impl->statements.list_keys;
  sqlite::StatementReset reset(statement);
  MESSAGEU_TRY(statement.bind_blob(1, peer));
  std::vector<AesKeyBytes> keys;
  while (MESSAGEU_TRY(statement.step()))
    keys.push_back(to_array<k_symmetric_key_size>(statement.column_blob_view(0)));
  return keys;
}

Status ClientState::spool_messages(std::span<const SpooledMessage> messages) {
  auto transaction = MESSAGEU_TRY(sqlite::Transaction::begin(m_impl->database));
  auto &insert = m_impl->statements.insert_spooled;
  auto now = unix_seconds_now();
  for (const auto &message : messages) {
    bool inline_content = !message.content_path.has_value();
    if (MESSAGEU_TRY(m_impl->spool_holds(message, inline_content)))
      continue;
    sqlite::StatementReset reset(insert);
    MESSAGEU_TRY(insert.bind_int64(1, message.message_id));
    MESSAGEU_TRY(insert.bind_blob(2, message.sender));
    MESSAGEU_TRY(insert.bind_int64(3, static_cast<std::int64_t>(message.type)));
    MESSAGEU_TRY(inline_content ? insert.bind_blob(4, message.content) : insert.bind_null(4));
    MESSAGEU_TRY(inline_content ? insert.bind_null(5)
                                : insert.bind_text(5, message.content_path->string()));
    MESSAGEU_TRY(insert.bind_int64(6, static_cast<std::int64_t>(message.content_size)));
    MESSAGEU_TRY(m_impl->bind_decrypted(insert, message));
    MESSAGEU_TRY(insert.bind_int64(11, message.received.value_or(now)));
    MESSAGEU_TRY(insert.run());
  }
  // synchronous=FULL: the commit returns once the WAL is synced.
  return transaction.commit();
}

Result<bool> ClientState::is_spooled(const ClientId &sender, MessageId message_id, MessageType type,
                                     std::uint64_t content_size) {
  SpooledMessage probe;
  probe.sender = sender;
  probe.message_id = message_id;
  probe.type = type;
  probe.content_size = content_size;
  return m_impl->spool_holds(probe, false);
}

Result<std::vector<SpooledMessage>> ClientState::spooled_messages() {
  auto &statement = m_impl->statements.list_spooled;
  sqlite::StatementReset reset(statement);
  std::vector<SpooledMessage> messages;
  while (MESSAGEU_TRY(statement.step()))
    messages.push_back(read_spooled(statement));
  return messages;
}

Status ClientState::remove_spooled(std::int64_t row_id) {
  auto &statement = m_impl->statements.delete_spooled;
  sqlite::StatementReset reset(statement);
  MESSAGEU_TRY(statement.bind_int64(1, row_id));
  return statement.run();
}

Result<ServerProtocol> ClientState::remembered_server_protocol(std::string_view endpoint_text) {
  auto &statement = m_impl->statements.find_server;
  sqlite::StatementReset reset(statement);
  MESSAGEU_TRY(statement.bind_text(1, endpoint_text));
  if (!MESSAGEU_TRY(statement.step()))
    return ServerProtocol::unknown;
  auto value = statement.column_int64(0);
  if (value == protocol_number(ServerProtocol::authenticated))
    return ServerProtocol::authenticated;
  if (value == protocol_number(ServerProtocol::classic))
    return ServerProtocol::classic;
  return ServerProtocol::unknown;
}

Status ClientState::remember_server_protocol(std::string_view endpoint_text,
                                             ServerProtocol protocol, const ProtocolCheck &check) {
  if (protocol == ServerProtocol::unknown)
    return make_error(Errc::invalid_argument, "a server's protocol cannot be forgotten");
  auto transaction = MESSAGEU_TRY(sqlite::Transaction::begin(m_impl->database));
  if (check) {
    auto remembered = MESSAGEU_TRY(remembered_server_protocol(endpoint_text));
    MESSAGEU_TRY(check(remembered));
  }
  auto &statement = m_impl->statements.upsert_server;
  sqlite::StatementReset reset(statement);
  MESSAGEU_TRY(statement.bind_text(1, endpoint_text));
  MESSAGEU_TRY(statement.bind_int64(2, protocol_number(protocol)));
  MESSAGEU_TRY(statement.bind_int64(3, unix_seconds_now()));
  MESSAGEU_TRY(statement.run());
  return transaction.commit();
}

Result<std::optional<std::string>>
ClientState::remembered_server_dialect(std::string_view endpoint_text) {
  auto &statement = m_impl->statements.find_server_dialect;
  sqlite::StatementReset reset(statement);
  MESSAGEU_TRY(statement.bind_text(1, endpoint_text));
  if (!MESSAGEU_TRY(statement.step()) || statement.column_is_null(0))
    return std::optional<std::string>{};
  return std::optional<std::string>{statement.column_text(0)};
}

Status ClientState::remember_server_dialect(std::string_view endpoint_text,
                                            std::string_view dialect_name) {
  auto &statement = m_impl->statements.upsert_server_dialect;
  sqlite::StatementReset reset(statement);
  MESSAGEU_TRY(statement.bind_text(1, endpoint_text));
  MESSAGEU_TRY(statement.bind_text(2, dialect_name));
  MESSAGEU_TRY(statement.bind_int64(3, unix_seconds_now()));
  return statement.run();
}

} // namespace messageu::client_state
