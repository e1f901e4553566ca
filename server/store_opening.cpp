// The server's choice of backend.
#include "store_opening.hpp"

#include <messageu/store/postgres_server_store.hpp>
#include <messageu/store/sqlite_server_store.hpp>

#include <fmt/format.h>

namespace messageu::server {

namespace {

Error naming(const std::string &database, const Error &error) {
  return make_error(error.code, fmt::format("cannot open the database {}: {}",
                                            database_for_log(database), error.message));
}

} // namespace

std::string database_for_log(const std::string &database) {
  if (!store::PostgresServerStore::is_postgres_uri(database))
    return database;
  auto scheme_end = database.find("://") + 3;
  auto at = database.find('@', scheme_end);
  auto colon = database.find(':', scheme_end);
  if (at == std::string::npos || colon == std::string::npos || colon > at)
    return database;
  return database.substr(0, colon + 1) + "***" + database.substr(at);
}

Result<std::unique_ptr<store::ServerStore>> open_store(const std::string &database,
                                                       Logger &logger) {
  if (!store::PostgresServerStore::is_postgres_uri(database)) {
    auto store = store::SqliteServerStore::open(database);
    if (!store)
      return naming(database, store.error());
    return std::unique_ptr<store::ServerStore>(std::move(*store));
  }
  auto store = store::PostgresServerStore::open(database);
  if (store)
    return std::unique_ptr<store::ServerStore>(std::move(*store));
  if (store.error().code != Errc::unavailable)
    return naming(database, store.error());
  logger.warn(fmt::format("the database {} does not answer ({}): serving anyway, requests that "
                          "need it are answered 9000 until it does",
                          database_for_log(database), store.error().message));
  return std::unique_ptr<store::ServerStore>(store::PostgresServerStore::connect_later(database));
}

} // namespace messageu::server
