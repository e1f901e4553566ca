// A small C++ wrapper over SQLite: Database (one connection), Statement (a prepared statement
// with typed binds and column getters) and Transaction (RAII, rolls back unless committed).
// This layer is the only code that includes <sqlite3.h>; no SQLite type appears here.
//
// Every SQLite failure becomes an Errc::storage error whose message carries SQLite's own text;
// an out-of-space failure (SQLITE_FULL) is also recognisable with is_storage_full().
//
// Threads: a Database and the Statements prepared on it must be used by one thread at a time
// (the connection is opened in SQLite's multi-thread mode, without its internal mutex).
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/result.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace messageu::sqlite {

class Database;

// A prepared statement. Bind indexes and column indexes follow SQLite: binds count from 1,
// columns from 0. A Statement must not outlive the Database that prepared it.
class Statement {
public:
  Statement(Statement &&) noexcept;
  Statement &operator=(Statement &&) noexcept;
  ~Statement();

  // Binds a value to parameter `index` (1-based). An index out of range → Errc::storage.
  // Text and blobs are copied, so the arguments need not outlive the call.
  Status bind_int64(int index, std::int64_t value);
  Status bind_text(int index, std::string_view value);
  Status bind_blob(int index, ByteView value);
  Status bind_null(int index);

  // Runs the statement one step: true when a row is available through the column getters,
  // false when the statement has finished. A constraint violation, a full disk, a busy
  // database... → Errc::storage.
  Result<bool> step();

  // Steps once, ignoring any row, then resets: for INSERT, UPDATE, DELETE and pragmas that
  // are run for their effect.
  Status run();

  // Getters for the current row (only valid after step() returned true). `index` must be a
  // valid column index (0-based). A NULL reads as 0, "" or no bytes.
  std::int64_t column_int64(int index) const;
  std::string column_text(int index) const;
  Bytes column_blob(int index) const;
  // A view into SQLite's buffer, valid until the next step(), reset() or destruction.
  ByteView column_blob_view(int index) const;
  // Size in bytes of a text or blob column.
  std::size_t column_size(int index) const;
  bool column_is_null(int index) const;
  int column_count() const;

  // Makes the statement ready to run again and clears its bindings. Reset statements hold no
  // read transaction open, so reset a statement as soon as its rows are read.
  void reset();

private:
  friend class Database;
  struct Impl;
  explicit Statement(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> m_impl;
};

// Resets a statement when the scope ends, whatever path leaves it.
class StatementReset {
public:
  explicit StatementReset(Statement &statement) : m_statement(statement) {}
  ~StatementReset() { m_statement.reset(); }
  StatementReset(const StatementReset &) = delete;
  StatementReset &operator=(const StatementReset &) = delete;

private:
  Statement &m_statement;
};

enum class OpenMode {
  read_write_create, // create the file when missing
  read_write,        // the file must exist
  read_only,
};

// The durability levels of PRAGMA synchronous.
enum class Synchronous { off, normal, full, extra };

// One connection to a database file (or to a private in-memory database).
class Database {
public:
  // Opens `path`. A missing file with read_write or read_only, an unreadable file or one that
  // is not a database (detected on first use) → Errc::storage.
  static Result<Database> open(const std::filesystem::path &path,
                               OpenMode mode = OpenMode::read_write_create);
  // A new, empty database private to this connection, gone when it closes.
  static Result<Database> open_in_memory();

  Database(Database &&) noexcept;
  Database &operator=(Database &&) noexcept;
  ~Database();

  // Runs one or more SQL statements that return no rows needed by the caller.
  Status exec(std::string_view sql);
  // Prepares one statement. SQL with a second statement after the first → Errc::invalid_argument;
  // a syntax error or an unknown table → Errc::storage.
  Result<Statement> prepare(std::string_view sql);

  // How long a statement waits for another connection's lock before failing with "busy".
  Status set_busy_timeout(std::chrono::milliseconds timeout);
  // Switches to write-ahead logging; a database that cannot use WAL (in memory) → Errc::storage.
  Status enable_wal();
  Status set_synchronous(Synchronous level);
  // PRAGMA user_version: the schema version kept in the database header.
  Result<std::int64_t> user_version();
  Status set_user_version(std::int64_t version);

  // The rowid of the last successful INSERT on this connection.
  std::int64_t last_insert_rowid() const;
  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  std::int64_t changes() const;
  // True while an explicit transaction is open.
  bool in_transaction() const;

private:
  friend class Transaction;
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);

  Result<std::int64_t> query_int64(std::string_view sql);

  std::unique_ptr<Impl> m_impl;
};

enum class TransactionMode {
  deferred,  // takes locks when first needed (read transactions)
  immediate, // takes the write lock at once (write transactions: no upgrade deadlock)
};

// An explicit transaction. Rolls back on destruction unless commit() succeeded. Transactions
// do not nest: beginning one while another is open on the same Database → Errc::storage.
class Transaction {
public:
  static Result<Transaction> begin(Database &database,
                                   TransactionMode mode = TransactionMode::immediate);

  Transaction(Transaction &&other) noexcept;
  Transaction &operator=(Transaction &&) = delete;
  Transaction(const Transaction &) = delete;
  ~Transaction();

  // Commits. On failure (full disk, I/O error) the transaction is rolled back: nothing of it
  // is kept, and the error is returned. Calling it twice → Errc::internal.
  Status commit();

private:
  explicit Transaction(Database &database) : m_database(&database) {}

  Database *m_database;
  bool m_active = true;
};

} // namespace messageu::sqlite
