// The libpq wrapper: results owned by Rows, statements prepared lazily per connection, binary
// parameters and results, pipeline mode, and notifications read from the connection's socket.
#include <messageu/postgres/postgres.hpp>

#include <libpq-fe.h>

#include <poll.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <unordered_set>

namespace messageu::postgres {

namespace {

// Type OIDs of the built-in types the parameters use (pg_type.h, stable across versions).
constexpr unsigned k_bool_oid = 16;
constexpr unsigned k_bytea_oid = 17;
constexpr unsigned k_int8_oid = 20;
constexpr unsigned k_int4_oid = 23;
constexpr unsigned k_text_oid = 25;
constexpr int k_binary = 1;
// Seconds a connection attempt may take, unless the URI says otherwise.
constexpr const char *k_default_connect_timeout = "5";

Error storage_error(std::string message) { return make_error(Errc::storage, std::move(message)); }

// libpq's messages end with a newline; logs want one line.
std::string trimmed(const char *message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

Bytes big_endian(std::uint64_t value, std::size_t size) {
  Bytes bytes(size);
  for (std::size_t i = 0; i < size; ++i)
    bytes[size - 1 - i] = static_cast<Byte>(value >> (8 * i));
  return bytes;
}

struct ResultDeleter {
  void operator()(PGresult *result) const { PQclear(result); }
};
using ResultPointer = std::unique_ptr<PGresult, ResultDeleter>;

bool succeeded(const PGresult *result) {
  auto status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

Error result_error(const PGresult *result, std::string_view what) {
  return storage_error(std::string(what) + ": " + trimmed(PQresultErrorMessage(result)));
}

} // namespace

// --- Parameters ---

Parameters &Parameters::add(unsigned type, Bytes value, bool is_null,
                            std::optional<ByteView> borrowed) {
  m_types.push_back(type);
  m_values.push_back(std::move(value));
  m_borrowed.push_back(borrowed);
  m_nulls.push_back(is_null);
  return *this;
}

Parameters &Parameters::int64(std::int64_t value) {
  return add(k_int8_oid, big_endian(static_cast<std::uint64_t>(value), 8));
}
Parameters &Parameters::int32(std::int32_t value) {
  return add(k_int4_oid, big_endian(static_cast<std::uint32_t>(value), 4));
}
Parameters &Parameters::boolean(bool value) { return add(k_bool_oid, Bytes{Byte{value}}); }
Parameters &Parameters::text(std::string_view value) { return add(k_text_oid, to_bytes(value)); }
Parameters &Parameters::bytes(ByteView value) {
  return add(k_bytea_oid, Bytes(value.begin(), value.end()));
}
Parameters &Parameters::borrowed_bytes(ByteView value) {
  return add(k_bytea_oid, {}, false, value);
}
Parameters &Parameters::null() { return add(0, {}, true); }

// The arrays libpq takes, pointing into a Parameters (and what it borrows), which must outlive
// them.
struct ParameterArrays {
  std::vector<const char *> values;
  std::vector<int> lengths;
  std::vector<int> formats;

  explicit ParameterArrays(const Parameters &parameters) {
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      ByteView value = parameters.m_borrowed[i].value_or(ByteView(parameters.m_values[i]));
      values.push_back(parameters.m_nulls[i] ? nullptr
                                             : reinterpret_cast<const char *>(value.data()));
      lengths.push_back(static_cast<int>(value.size()));
      formats.push_back(k_binary);
    }
  }
};

// --- Statement ---

Statement::Statement(std::string sql) : m_sql(std::move(sql)) {
  static std::atomic<std::uint64_t> counter{0};
  m_name = "messageu_" + std::to_string(++counter);
}

// --- Rows ---

struct Rows::Impl {
  ResultPointer result;
};

Rows::Rows(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Rows::Rows(Rows &&) noexcept = default;
Rows &Rows::operator=(Rows &&) noexcept = default;
Rows::~Rows() = default;

int Rows::count() const { return PQntuples(m_impl->result.get()); }
int Rows::columns() const { return PQnfields(m_impl->result.get()); }

bool Rows::is_null(int row, int column) const {
  return PQgetisnull(m_impl->result.get(), row, column) != 0;
}

std::int64_t Rows::int64(int row, int column) const {
  auto value = bytes(row, column);
  std::uint64_t number = 0;
  for (auto byte : value)
    number = (number << 8) | byte;
  // Sign-extend a smallint or integer.
  if (!value.empty() && value.size() < 8 && (value[0] & 0x80))
    number |= ~std::uint64_t{0} << (8 * value.size());
  return static_cast<std::int64_t>(number);
}

bool Rows::boolean(int row, int column) const {
  auto value = bytes(row, column);
  return !value.empty() && value[0] != 0;
}

std::string Rows::text(int row, int column) const {
  return std::string(as_chars(bytes(row, column)));
}

ByteView Rows::bytes(int row, int column) const {
  auto *result = m_impl->result.get();
  if (PQgetisnull(result, row, column))
    return {};
  return {reinterpret_cast<const Byte *>(PQgetvalue(result, row, column)),
          static_cast<std::size_t>(PQgetlength(result, row, column))};
}

std::int64_t Rows::affected() const {
  const char *count = PQcmdTuples(m_impl->result.get());
  return count && *count ? std::stoll(count) : 0;
}

// --- Connection ---

struct Connection::Impl {
  std::string uri;
  PGconn *connection = nullptr;
  std::unordered_set<std::string> prepared; // statement names prepared on this connection

  ~Impl() { close(); }

  void close() {
    if (connection)
      PQfinish(connection);
    connection = nullptr;
    prepared.clear();
  }

  Status connect() {
    close();
    // A connect_timeout given before the URI is a default that the URI may override: without
    // one, an unreachable host could hold the caller for minutes.
    const char *keywords[] = {"connect_timeout", "dbname", nullptr};
    const char *values[] = {k_default_connect_timeout, uri.c_str(), nullptr};
    connection = PQconnectdbParams(keywords, values, 1);
    if (!connection)
      return make_error(Errc::unavailable, "cannot connect to PostgreSQL: out of memory");
    if (PQstatus(connection) != CONNECTION_OK)
      return make_error(Errc::unavailable,
                        "cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(connection)));
    // Notices (e.g. "relation already exists, skipping") are not errors: keep them off stderr.
    PQsetNoticeProcessor(
        connection, [](void *, const char *) {}, nullptr);
    return {};
  }

  Error connection_error(std::string_view what) const {
    return storage_error(std::string(what) + ": " + trimmed(PQerrorMessage(connection)));
  }

  // Takes a result that must have succeeded, and checks that no other one follows.
  Result<Rows> take(PGresult *raw, std::string_view what) {
    ResultPointer result(raw);
    if (!result)
      return connection_error(what);
    if (!succeeded(result.get()))
      return result_error(result.get(), what);
    return Rows(std::unique_ptr<Rows::Impl>(new Rows::Impl{std::move(result)}));
  }
};

Connection::Connection(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Connection::Connection(Connection &&) noexcept = default;
Connection &Connection::operator=(Connection &&) noexcept = default;
Connection::~Connection() = default;

Result<Connection> Connection::open(const std::string &uri) {
  auto impl = std::make_unique<Impl>();
  impl->uri = uri;
  MESSAGEU_TRY(impl->connect());
  return Connection(std::move(impl));
}

bool Connection::is_broken() const {
  return !m_impl->connection || PQstatus(m_impl->connection) != CONNECTION_OK;
}

Status Connection::reconnect() { return m_impl->connect(); }

Status Connection::exec(std::string_view sql) {
  std::string text(sql);
  MESSAGEU_TRY(m_impl->take(PQexec(m_impl->connection, text.c_str()), text));
  return {};
}

Result<Rows> Connection::query(std::string_view sql, const Parameters &parameters) {
  std::string text(sql);
  ParameterArrays arrays(parameters);
  return m_impl->take(PQexecParams(m_impl->connection, text.c_str(),
                                   static_cast<int>(parameters.size()), parameters.m_types.data(),
                                   arrays.values.data(), arrays.lengths.data(),
                                   arrays.formats.data(), k_binary),
                      text);
}

Status Connection::prepare_if_needed(const Statement &statement, const Parameters &parameters) {
  if (m_impl->prepared.contains(statement.name()))
    return {};
  MESSAGEU_TRY(
      m_impl->take(PQprepare(m_impl->connection, statement.name().c_str(), statement.sql().c_str(),
                             static_cast<int>(parameters.size()), parameters.m_types.data()),
                   statement.sql()));
  m_impl->prepared.insert(statement.name());
  return {};
}

Result<Rows> Connection::run(const Statement &statement, const Parameters &parameters) {
  MESSAGEU_TRY(prepare_if_needed(statement, parameters));
  ParameterArrays arrays(parameters);
  return m_impl->take(PQexecPrepared(m_impl->connection, statement.name().c_str(),
                                     static_cast<int>(parameters.size()), arrays.values.data(),
                                     arrays.lengths.data(), arrays.formats.data(), k_binary),
                      statement.sql());
}

Result<std::vector<Rows>> Connection::pipeline(std::span<PipelineStep> steps) {
  for (auto &step : steps)
    MESSAGEU_TRY(prepare_if_needed(*step.statement, step.parameters));
  auto *connection = m_impl->connection;
  if (!PQenterPipelineMode(connection))
    return m_impl->connection_error("cannot enter pipeline mode");
  // Leaves pipeline mode on every path. After a failure the remaining results are drained; a
  // connection that still cannot leave it is closed (is_broken(), reconnect() opens it anew).
  struct PipelineExit {
    Impl *impl;
    std::size_t results_left;
    ~PipelineExit() {
      auto *connection = impl->connection;
      while (PQpipelineStatus(connection) != PQ_PIPELINE_OFF && !PQexitPipelineMode(connection)) {
        if (results_left-- == 0) {
          impl->close();
          return;
        }
        PQclear(PQgetResult(connection));
      }
    }
  } exit{m_impl.get(), 2 * steps.size() + 2};
  for (auto &step : steps) {
    ParameterArrays arrays(step.parameters);
    if (!PQsendQueryPrepared(connection, step.statement->name().c_str(),
                             static_cast<int>(step.parameters.size()), arrays.values.data(),
                             arrays.lengths.data(), arrays.formats.data(), k_binary))
      return m_impl->connection_error("cannot send " + step.statement->sql());
  }
  if (!PQpipelineSync(connection))
    return m_impl->connection_error("cannot send a pipeline");
  std::vector<Rows> rows;
  std::optional<Error> failure;
  for (auto &step : steps) {
    ResultPointer result(PQgetResult(connection));
    if (!result)
      return m_impl->connection_error(step.statement->sql());
    if (!failure && !succeeded(result.get()))
      failure = result_error(result.get(), step.statement->sql());
    if (!failure)
      rows.push_back(Rows(std::unique_ptr<Rows::Impl>(new Rows::Impl{std::move(result)})));
    PQclear(PQgetResult(connection)); // the null that ends each step's results
  }
  ResultPointer sync(PQgetResult(connection));
  if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC)
    return m_impl->connection_error("pipeline did not end with its sync");
  if (failure)
    return *failure;
  return rows;
}

Status Connection::listen(std::string_view channel) {
  return exec("LISTEN " + std::string(channel));
}

Result<std::vector<Notification>>
Connection::wait_for_notifications(std::chrono::milliseconds timeout) {
  auto *connection = m_impl->connection;
  std::vector<Notification> notifications;
  auto collect = [&] {
    while (PGnotify *notify = PQnotifies(connection)) {
      notifications.push_back({notify->relname, notify->extra ? notify->extra : ""});
      PQfreemem(notify);
    }
  };
  if (!PQconsumeInput(connection))
    return m_impl->connection_error("cannot read notifications");
  collect();
  if (!notifications.empty())
    return notifications;
  pollfd descriptor{PQsocket(connection), POLLIN, 0};
  if (descriptor.fd < 0)
    return m_impl->connection_error("no connection to wait on");
  int ready = ::poll(&descriptor, 1, static_cast<int>(timeout.count()));
  if (ready < 0)
    return storage_error(std::string("cannot wait for notifications: ") + std::strerror(errno));
  if (ready > 0) {
    if (!PQconsumeInput(connection))
      return m_impl->connection_error("cannot read notifications");
    collect();
  }
  return notifications;
}

// --- Transaction ---

Result<Transaction> Transaction::begin(Connection &connection) {
  MESSAGEU_TRY(connection.exec("BEGIN"));
  return Transaction(connection);
}

Transaction::Transaction(Transaction &&other) noexcept
    : m_connection(other.m_connection), m_active(other.m_active) {
  other.m_active = false;
}

Transaction::~Transaction() {
  if (m_active && !m_connection->is_broken())
    (void)m_connection->exec("ROLLBACK");
}

Status Transaction::commit() {
  if (!m_active)
    return make_error(Errc::internal, "transaction already ended");
  m_active = false;
  return m_connection->exec("COMMIT");
}

} // namespace messageu::postgres
