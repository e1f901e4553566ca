// messageu-server --migrate-from: open both stores, copy, report.
#include "server.hpp"
#include "store_opening.hpp"

#include <messageu/store/postgres_server_store.hpp>
#include <messageu/store/sqlite_server_store.hpp>
#include <messageu/store/store_migration.hpp>
#include <messageu/util/exit_code.hpp>

#include <fmt/format.h>

#include <filesystem>

namespace messageu::server {

namespace {

int migration_failure(Logger &logger, const Error &error) {
  logger.error(error.message);
  logger.flush();
  return exit_status(error.code == Errc::invalid_argument ? ExitCode::usage : ExitCode::io_error);
}

// The target must answer now: unlike a server, a migration has nothing to wait for.
Result<std::unique_ptr<store::ServerStore>> open_target(const std::string &database,
                                                        Logger &logger) {
  if (!store::PostgresServerStore::is_postgres_uri(database))
    return open_store(database, logger);
  auto store = store::PostgresServerStore::open(database);
  if (!store)
    return make_error(store.error().code,
                      fmt::format("cannot open the database {}: {}", database_for_log(database),
                                  store.error().message));
  return std::unique_ptr<store::ServerStore>(std::move(*store));
}

} // namespace

int run_migration(const ServerConfig &config, Logger &logger) {
  const auto &source_path = *config.migrate_from;
  // Opening creates a missing database: a mistyped source must not become an empty one.
  if (std::error_code error; !std::filesystem::is_regular_file(source_path, error))
    return migration_failure(
        logger, make_error(Errc::io_error,
                           fmt::format("--migrate-from {}: no such database file", source_path)));
  auto source = store::SqliteServerStore::open(source_path);
  if (!source)
    return migration_failure(
        logger, make_error(source.error().code, fmt::format("cannot open the database {}: {}",
                                                            source_path, source.error().message)));
  auto target = open_target(config.database_path, logger);
  if (!target)
    return migration_failure(logger, target.error());
  logger.info(
      fmt::format("migrating {} into {}", source_path, database_for_log(config.database_path)));
  auto copied = store::migrate_store(**source, **target);
  if (!copied)
    return migration_failure(logger, copied.error());
  logger.info(fmt::format("migrated {} clients and {} waiting messages ({} bytes of content) "
                          "from {} into {}",
                          copied->clients, copied->messages, copied->content_bytes, source_path,
                          database_for_log(config.database_path)));
  logger.flush();
  return 0;
}

} // namespace messageu::server
