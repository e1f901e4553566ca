// The whole server process: opens the store, starts the store thread, listens, serves
// until SIGINT or SIGTERM, then stops accepting, lets the requests in flight finish (for a
// bounded time), closes the database and returns the exit code.
#pragma once

#include "core/log.hpp"
#include "core/options.hpp"

namespace messageu::server {

// Runs the server with `config`; returns the process's exit code (0 after a signal). With
// config.migrate_from, copies that database into the configured one instead, and returns.
int run_server(const ServerConfig &config, Logger &logger);

} // namespace messageu::server
