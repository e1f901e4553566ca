// Which store a --db value names, opened: the one place the server picks its backend.
#pragma once

#include "core/log.hpp"

#include <messageu/store/server_store.hpp>
#include <messageu/util/result.hpp>

#include <memory>
#include <string>

namespace messageu::server {

// Opens the store `database` names: PostgreSQL for a postgresql:// (or postgres://) URI,
// else a SQLite file, created when missing. A PostgreSQL database that does not answer yet is
// not a reason to stay down: the store comes up, the reason is logged as a warning, requests
// that need the database are answered 9000 until it answers. Other failures → the store's
// error, with a message naming the database.
Result<std::unique_ptr<store::ServerStore>> open_store(const std::string &database, Logger &logger);

// The database as the log names it: a PostgreSQL URI without its password.
std::string database_for_log(const std::string &database);

} // namespace messageu::server
