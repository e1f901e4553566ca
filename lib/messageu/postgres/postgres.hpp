// A small C++ wrapper over libpq, PostgreSQL's C client: Connection (one session, opened from
// a libpq URI), Statement (SQL prepared once per connection, on first use), Parameters (sent
// in binary), Rows (a result read as values), Transaction (RAII, rolls back unless
// committed), a pipeline that sends several statements in one round trip, and LISTEN/NOTIFY.
// This layer is the only code that includes <libpq-fe.h>; no libpq type appears here.
//
// Every failure becomes an Errc::storage error carrying libpq's own message, except a failure
// to connect, which is Errc::unavailable; a connection that broke (the server restarted, the
// network failed) says so with is_broken() and is reopened with reconnect().
//
// Threads: a Connection must be used by one thread at a time.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/result.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace messageu::postgres {

// The values bound to a statement's $1, $2, ... in order, each sent in binary with its type,
// so the SQL needs no casts. Text and bytes are copied, except by borrowed_bytes().
class Parameters {
public:
  Parameters &int64(std::int64_t value);
  Parameters &int32(std::int32_t value);
  Parameters &boolean(bool value);
  Parameters &text(std::string_view value);
  Parameters &bytes(ByteView value);
  // Bytes that are not copied (a large chunk): they must outlive these Parameters' use.
  Parameters &borrowed_bytes(ByteView value);
  Parameters &null();

  std::size_t size() const { return m_values.size(); }

private:
  friend class Connection;
  friend struct ParameterArrays;
  Parameters &add(unsigned type, Bytes value, bool is_null = false,
                  std::optional<ByteView> borrowed = std::nullopt);

  std::vector<unsigned> m_types;
  std::vector<Bytes> m_values;                     // copied values
  std::vector<std::optional<ByteView>> m_borrowed; // or values borrowed from the caller
  std::vector<bool> m_nulls;
};

// SQL prepared on each connection the first time it runs there (PREPARE costs a round trip;
// later runs send only the name and the values). The types of the first run's Parameters fix
// those of the statement.
class Statement {
public:
  explicit Statement(std::string sql);

  const std::string &sql() const { return m_sql; }
  const std::string &name() const { return m_name; }

private:
  std::string m_sql;
  std::string m_name;
};

// The rows of a result, with every column in binary. Getters take a row and a column index
// (both 0-based), which must be in range.
class Rows {
public:
  Rows(Rows &&) noexcept;
  Rows &operator=(Rows &&) noexcept;
  ~Rows();

  int count() const;
  int columns() const;
  bool empty() const { return count() == 0; }

  bool is_null(int row, int column) const;
  // A smallint, integer or bigint column; NULL reads as 0.
  std::int64_t int64(int row, int column) const;
  bool boolean(int row, int column) const;
  std::string text(int row, int column) const;
  // A view into the result, valid as long as these Rows.
  ByteView bytes(int row, int column) const;
  // Rows affected by an INSERT, UPDATE or DELETE.
  std::int64_t affected() const;

private:
  friend class Connection;
  struct Impl;
  explicit Rows(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> m_impl;
};

// One statement of a pipeline and its values.
struct PipelineStep {
  const Statement *statement;
  Parameters parameters;
};

struct Notification {
  std::string channel;
  std::string payload;
};

class Connection {
public:
  // Connects to `uri` (postgresql://..., or key=value pairs), waiting at most 5 s unless the
  // URI sets connect_timeout. Unreachable server, refused authentication, malformed URI →
  // Errc::unavailable.
  static Result<Connection> open(const std::string &uri);

  Connection(Connection &&) noexcept;
  Connection &operator=(Connection &&) noexcept;
  ~Connection();

  // Runs one or more SQL statements without parameters (simple query protocol).
  Status exec(std::string_view sql);
  // Runs SQL once with parameters, unprepared (for statements run rarely).
  Result<Rows> query(std::string_view sql, const Parameters &parameters = {});
  // Runs a statement, preparing it on this connection first if needed.
  Result<Rows> run(const Statement &statement, const Parameters &parameters = {});
  // Runs the steps in pipeline mode: everything is sent at once and read back in one round
  // trip. The steps run in one implicit transaction unless they include their own BEGIN and
  // COMMIT; the first failure aborts the rest and is returned.
  Result<std::vector<Rows>> pipeline(std::span<PipelineStep> steps);

  // LISTEN on `channel` (an SQL identifier chosen by the caller, not user input).
  Status listen(std::string_view channel);
  // Waits up to `timeout` for notifications and returns those that arrived (none on timeout).
  Result<std::vector<Notification>> wait_for_notifications(std::chrono::milliseconds timeout);

  // True when the connection to the server is lost: every call fails until reconnect().
  bool is_broken() const;
  // Opens the connection again with the same URI; prepared statements are prepared anew.
  // Failure → Errc::unavailable (and the connection stays broken).
  Status reconnect();

private:
  friend class Transaction;
  struct Impl;
  explicit Connection(std::unique_ptr<Impl> impl);

  Status prepare_if_needed(const Statement &statement, const Parameters &parameters);

  std::unique_ptr<Impl> m_impl;
};

// An explicit transaction. Rolls back on destruction unless commit() succeeded.
class Transaction {
public:
  static Result<Transaction> begin(Connection &connection);

  Transaction(Transaction &&other) noexcept;
  Transaction &operator=(Transaction &&) = delete;
  Transaction(const Transaction &) = delete;
  ~Transaction();

  // Commits (durably, with the server's default synchronous_commit). On failure nothing of
  // the transaction is kept and the error is returned. Calling it twice → Errc::internal.
  Status commit();

private:
  explicit Transaction(Connection &connection) : m_connection(&connection) {}

  Connection *m_connection;
  bool m_active = true;
};

} // namespace messageu::postgres
