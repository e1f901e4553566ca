// The SQLite wrapper: turns every result code into a Result and keeps sqlite3 handles inside.
#include <messageu/sqlite/sqlite.hpp>

#include <messageu/sqlite/storage_error.hpp>

#include <sqlite3.h>

#include <optional>

namespace messageu::sqlite {

namespace {

// An error for `code` on connection `db` ("prepare: near "SELEC": syntax error").
Error sqlite_error(sqlite3 *db, int code, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  if ((code & 0xff) == SQLITE_FULL)
    return storage_full_error(std::move(message));
  if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
    return storage_damaged_error(std::move(message));
  return storage_error(std::move(message));
}

Status check(sqlite3 *db, int code, std::string_view context) {
  if (code == SQLITE_OK)
    return {};
  return sqlite_error(db, code, context);
}

bool only_separators(std::string_view text) {
  return text.find_first_not_of(" \t\r\n;") == std::string_view::npos;
}

} // namespace

// --- Statement ---

struct Statement::Impl {
  sqlite3_stmt *handle = nullptr;

  explicit Impl(sqlite3_stmt *statement) : handle(statement) {}
  ~Impl() { sqlite3_finalize(handle); }
  Impl(const Impl &) = delete;
  Impl &operator=(const Impl &) = delete;

  sqlite3 *db() const { return sqlite3_db_handle(handle); }
};

Statement::Statement(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Statement::Statement(Statement &&) noexcept = default;
Statement &Statement::operator=(Statement &&) noexcept = default;
Statement::~Statement() = default;

Status Statement::bind_int64(int index, std::int64_t value) {
  return check(m_impl->db(), sqlite3_bind_int64(m_impl->handle, index, value), "bind");
}

Status Statement::bind_text(int index, std::string_view value) {
  return check(m_impl->db(),
               sqlite3_bind_text64(m_impl->handle, index, value.data(), value.size(),
                                   SQLITE_TRANSIENT, SQLITE_UTF8),
               "bind");
}

Status Statement::bind_blob(int index, ByteView value) {
  // A null data pointer would bind NULL, so an empty blob gets a valid pointer.
  static constexpr Byte k_empty = 0;
  const void *data = value.empty() ? &k_empty : value.data();
  return check(m_impl->db(),
               sqlite3_bind_blob64(m_impl->handle, index, data, value.size(), SQLITE_TRANSIENT),
               "bind");
}

Status Statement::bind_null(int index) {
  return check(m_impl->db(), sqlite3_bind_null(m_impl->handle, index), "bind");
}

Result<bool> Statement::step() {
  int code = sqlite3_step(m_impl->handle);
  if (code == SQLITE_ROW)
    return true;
  if (code == SQLITE_DONE)
    return false;
  return sqlite_error(m_impl->db(), code, "step");
}

Status Statement::run() {
  StatementReset reset_on_exit(*this);
  MESSAGEU_TRY(step());
  return {};
}

std::int64_t Statement::column_int64(int index) const {
  return sqlite3_column_int64(m_impl->handle, index);
}

std::string Statement::column_text(int index) const {
  auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_impl->handle, index));
  if (!text)
    return {};
  return std::string(text, column_size(index));
}

Bytes Statement::column_blob(int index) const {
  auto view = column_blob_view(index);
  return Bytes(view.begin(), view.end());
}

ByteView Statement::column_blob_view(int index) const {
  // sqlite3_column_blob must come before sqlite3_column_bytes (SQLite's documented order).
  auto *data = static_cast<const Byte *>(sqlite3_column_blob(m_impl->handle, index));
  auto size = static_cast<std::size_t>(sqlite3_column_bytes(m_impl->handle, index));
  if (!data)
    return {};
  return {data, size};
}

std::size_t Statement::column_size(int index) const {
  return static_cast<std::size_t>(sqlite3_column_bytes(m_impl->handle, index));
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(m_impl->handle, index) == SQLITE_NULL;
}

int Statement::column_count() const { return sqlite3_column_count(m_impl->handle); }

void Statement::reset() {
  // sqlite3_reset repeats the error of the last step, which step() already reported.
  sqlite3_reset(m_impl->handle);
  sqlite3_clear_bindings(m_impl->handle);
}

// --- Database ---

struct Database::Impl {
  sqlite3 *handle = nullptr;
  // Transaction control statements, prepared on first use and kept.
  std::optional<Statement> begin_deferred;
  std::optional<Statement> begin_immediate;
  std::optional<Statement> commit;
  std::optional<Statement> rollback;

  explicit Impl(sqlite3 *db) : handle(db) {}
  ~Impl() {
    begin_deferred.reset();
    begin_immediate.reset();
    commit.reset();
    rollback.reset();
    // close_v2 waits for any statement still alive instead of failing with SQLITE_BUSY.
    sqlite3_close_v2(handle);
  }
  Impl(const Impl &) = delete;
  Impl &operator=(const Impl &) = delete;
};

namespace {

int open_flags(OpenMode mode) {
  switch (mode) {
  case OpenMode::read_write_create: return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  case OpenMode::read_write: return SQLITE_OPEN_READWRITE;
  case OpenMode::read_only: return SQLITE_OPEN_READONLY;
  }
  return SQLITE_OPEN_READONLY;
}

} // namespace

Database::Database(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Database::Database(Database &&) noexcept = default;
Database &Database::operator=(Database &&) noexcept = default;
Database::~Database() = default;

Result<Database> Database::open(const std::filesystem::path &path, OpenMode mode) {
  sqlite3 *handle = nullptr;
  int flags = open_flags(mode) | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int code = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  // Even a failed open may allocate a handle, which carries the message and must be closed.
  auto impl = std::make_unique<Impl>(handle);
  if (code != SQLITE_OK)
    return sqlite_error(handle, code, "open " + path.string());
  return Database(std::move(impl));
}

Result<Database> Database::open_in_memory() {
  return open(":memory:", OpenMode::read_write_create);
}

Status Database::exec(std::string_view sql) {
  std::string text(sql);
  return check(m_impl->handle,
               sqlite3_exec(m_impl->handle, text.c_str(), nullptr, nullptr, nullptr), "exec");
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt *handle = nullptr;
  const char *tail = nullptr;
  int code = sqlite3_prepare_v3(m_impl->handle, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &handle, &tail);
  auto impl = std::make_unique<Statement::Impl>(handle);
  MESSAGEU_TRY(check(m_impl->handle, code, "prepare"));
  if (!handle)
    return make_error(Errc::invalid_argument, "prepare: no SQL statement");
  std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (!only_separators(rest))
    return make_error(Errc::invalid_argument, "prepare: more than one SQL statement");
  return Statement(std::move(impl));
}

Status Database::set_busy_timeout(std::chrono::milliseconds timeout) {
  return check(m_impl->handle,
               sqlite3_busy_timeout(m_impl->handle, static_cast<int>(timeout.count())),
               "busy timeout");
}

Status Database::enable_wal() {
  auto statement = MESSAGEU_TRY(prepare("PRAGMA journal_mode=WAL"));
  MESSAGEU_TRY(statement.step());
  auto mode = statement.column_text(0);
  if (mode != "wal")
    return storage_error("journal_mode=WAL not available (mode is " + mode + ")");
  return {};
}

Status Database::set_synchronous(Synchronous level) {
  switch (level) {
  case Synchronous::off: return exec("PRAGMA synchronous=OFF");
  case Synchronous::normal: return exec("PRAGMA synchronous=NORMAL");
  case Synchronous::full: return exec("PRAGMA synchronous=FULL");
  case Synchronous::extra: return exec("PRAGMA synchronous=EXTRA");
  }
  return make_error(Errc::internal, "unknown synchronous level");
}

Result<std::int64_t> Database::user_version() { return query_int64("PRAGMA user_version"); }

Status Database::set_user_version(std::int64_t version) {
  return exec("PRAGMA user_version=" + std::to_string(version));
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(m_impl->handle);
}

std::int64_t Database::changes() const { return sqlite3_changes64(m_impl->handle); }

bool Database::in_transaction() const { return sqlite3_get_autocommit(m_impl->handle) == 0; }

Result<std::int64_t> Database::query_int64(std::string_view sql) {
  auto statement = MESSAGEU_TRY(prepare(sql));
  if (!MESSAGEU_TRY(statement.step()))
    return storage_error(std::string(sql) + ": no row");
  return statement.column_int64(0);
}

// --- Transaction ---

namespace {

Result<Statement *> cached(Database &database, std::optional<Statement> &slot,
                           std::string_view sql) {
  if (!slot)
    slot.emplace(MESSAGEU_TRY(database.prepare(sql)));
  return &*slot;
}

} // namespace

Result<Transaction> Transaction::begin(Database &database, TransactionMode mode) {
  auto &impl = *database.m_impl;
  Statement *statement =
      mode == TransactionMode::immediate
          ? MESSAGEU_TRY(cached(database, impl.begin_immediate, "BEGIN IMMEDIATE"))
          : MESSAGEU_TRY(cached(database, impl.begin_deferred, "BEGIN DEFERRED"));
  MESSAGEU_TRY(statement->run());
  return Transaction(database);
}

Transaction::Transaction(Transaction &&other) noexcept
    : m_database(other.m_database), m_active(other.m_active) {
  other.m_active = false;
}

Transaction::~Transaction() {
  if (!m_active || !m_database->in_transaction())
    return;
  auto rollback = cached(*m_database, m_database->m_impl->rollback, "ROLLBACK");
  if (rollback)
    (void)(*rollback)->run(); // nothing more can be done about a failed rollback here
}

Status Transaction::commit() {
  if (!m_active)
    return make_error(Errc::internal, "transaction already finished");
  auto *statement = MESSAGEU_TRY(cached(*m_database, m_database->m_impl->commit, "COMMIT"));
  auto status = statement->run();
  // A failed COMMIT may leave the transaction open (SQLITE_BUSY): the destructor rolls it
  // back, so the caller sees all or nothing.
  if (status)
    m_active = false;
  return status;
}

} // namespace messageu::sqlite
