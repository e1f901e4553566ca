// messageu-server: parse the command line, then serve until a signal (server.cpp).
#include "core/log.hpp"
#include "core/options.hpp"
#include "server.hpp"

#include <messageu/util/exit_code.hpp>

#include <exception>

int main(int argc, char **argv) {
  using namespace messageu::server;
  auto parsed = parse_command_line(argc, argv);
  if (!parsed.config)
    return parsed.exit_code;
  Logger logger(parsed.config->log_level);
  try {
    for (const auto &warning : parsed.warnings)
      logger.warn(warning);
    if (parsed.config->migrate_from)
      return run_migration(*parsed.config, logger);
    return run_server(*parsed.config, logger);
  } catch (const std::exception &error) {
    logger.error(std::string("fatal: ") + error.what());
    return messageu::exit_status(messageu::ExitCode::internal);
  }
}
