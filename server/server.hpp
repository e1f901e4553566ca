// The whole server process: opens the store, starts the store thread, listens, serves
// until SIGINT or SIGTERM, then stops accepting, lets the requests in flight finish (for a
// bounded time), closes the database and returns the exit code.
#pragma once

#include "core/log.hpp"
#include "core/options.hpp"

namespace messageu::server {

// Runs the server with `config`; returns the process's exit code (0 after a signal).
int run_server(const ServerConfig &config, Logger &logger);

// --migrate-from: copies config.migrate_from into config.database_path and returns the exit
// code (0 when everything was copied; 64 for a target that holds clients; 74 for a store that
// cannot be opened or fails).
int run_migration(const ServerConfig &config, Logger &logger);

} // namespace messageu::server
