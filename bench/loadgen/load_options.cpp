// The load generator's command line, parsed with CLI11; CLI11's exceptions stay in here.
#include "load_options.hpp"

#include <messageu/util/exit_code.hpp>

#include <CLI/CLI.hpp>

#include <cmath>
#include <iostream>
#include <map>
#include <string>

namespace messageu::bench {
namespace {

const std::map<std::string, LoadOperation> k_operations = {
    {"list", LoadOperation::list},
    {"getkey", LoadOperation::getkey},
    {"send", LoadOperation::send},
    {"pull", LoadOperation::pull},
    {"register", LoadOperation::register_client},
    {"mix", LoadOperation::mix},
};

const std::map<std::string, ConnectionMode> k_modes = {
    {"per-request", ConnectionMode::per_request},
    {"persistent", ConnectionMode::persistent},
};

} // namespace

std::string_view load_operation_name(LoadOperation operation) {
  for (const auto &[name, value] : k_operations)
    if (value == operation)
      return name;
  return "unknown";
}

std::string_view connection_mode_name(ConnectionMode mode) {
  return mode == ConnectionMode::per_request ? "per-request" : "persistent";
}

ParsedOptions parse_load_options(int argc, const char *const *argv) {
  CLI::App app{"Drives a MessageU server with concurrent connections and prints its rate and "
               "latency percentiles."};
  std::string server;
  std::string dialect = "2025a";
  std::string operation;
  std::string mode;
  double duration_seconds = 0;
  LoadOptions options;
  app.add_option("--server", server, "HOST:PORT of the server")->required();
  app.add_option("--dialect", dialect, "protocol codes to speak: 2025a, 2022, 2021c or 2026")
      ->capture_default_str();
  app.add_option("--op", operation, "list, getkey, send, pull, register or mix")
      ->required()
      ->check(CLI::IsMember(k_operations));
  app.add_option("--mode", mode, "per-request or persistent")
      ->required()
      ->check(CLI::IsMember(k_modes));
  app.add_option("--connections", options.connections, "concurrent connections (workers)")
      ->required()
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--duration", duration_seconds, "seconds of load after setup")
      ->required()
      ->check(CLI::Range(0.1, 86'400.0));
  app.add_option("--payload", options.payload_size, "content bytes of each send (type 3)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 64u << 20));
  app.add_option("--threads", options.threads, "io_context threads driving the workers")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_flag("--json", options.json, "print one JSON line instead of a human line");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &error) {
    auto code = app.exit(error);
    return {std::nullopt, code == 0 ? 0 : exit_status(ExitCode::usage)};
  }

  auto endpoint = parse_endpoint(server, "--server");
  if (!endpoint) {
    std::cerr << endpoint.error().message << '\n';
    return {std::nullopt, exit_status(ExitCode::usage)};
  }
  auto known_dialect = protocol::dialect_from_name(dialect);
  if (!known_dialect) {
    std::cerr << "--dialect: unknown dialect " << dialect << '\n';
    return {std::nullopt, exit_status(ExitCode::usage)};
  }
  options.server = *endpoint;
  options.dialect = *known_dialect;
  options.operation = k_operations.at(operation);
  options.mode = k_modes.at(mode);
  options.duration = std::chrono::milliseconds{std::llround(duration_seconds * 1000)};
  return {options, 0};
}

} // namespace messageu::bench
