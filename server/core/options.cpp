// messageu-server's command line, parsed with CLI11.
#include "core/options.hpp"

#include <messageu/util/endpoint.hpp>
#include <messageu/util/files.hpp>
#include <messageu/util/version.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <iostream>

namespace messageu::server {

namespace {

// Large enough for a port number with spaces and a newline; anything bigger is not a port.
constexpr std::size_t k_max_port_file_size = 4096;

struct RawOptions {
  std::uint16_t port = 0;
  bool port_given = false;
  std::string port_file = "myport.info";
  std::string bind_address;
  std::string database_path = "defensive.db";
  std::string migrate_from;
  std::uint64_t max_message_size = k_max_message_size_ceiling;
  double idle_timeout_seconds = 60;
  double request_timeout_seconds = 10;
  std::uint64_t min_receive_rate = k_default_min_receive_rate;
  std::uint64_t min_send_rate = k_default_min_send_rate;
  std::size_t max_connections = k_default_max_connections;
  std::size_t max_connections_per_address = k_default_max_connections_per_address;
  std::uint64_t max_pending_messages = k_default_max_pending_messages;
  std::uint64_t max_pending_bytes = k_default_max_pending_bytes;
  std::uint32_t max_pending_share = k_default_max_pending_share;
  std::uint32_t max_request_rate = 0;
  std::string log_level = "info";
  bool require_auth = false;
  int protocol = 3;
};

// A count or size: digits only. Unsigned options alone would take "-5" as 2^64 − 5.
const CLI::Validator k_non_negative_integer(
    [](std::string &text) -> std::string {
      if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return "not a non-negative integer: " + text;
      return {};
    },
    "NONNEGATIVE");

// An option holding a count, size or rate, where 0 turns the bound off.
template <typename Value>
void add_count_option(CLI::App &app, const std::string &name, Value &value,
                      const std::string &description) {
  app.add_option(name, value, description)->capture_default_str()->check(k_non_negative_integer);
}

// An option holding a value that must be above 0 (a duration in seconds, a connection cap).
template <typename Value>
void add_positive_option(CLI::App &app, const std::string &name, Value &value,
                         const std::string &description) {
  app.add_option(name, value, description)->capture_default_str()->check(CLI::PositiveNumber);
}

// The caps that protect the server from one recipient's backlog and one connection's flood.
void declare_limit_options(CLI::App &app, RawOptions &raw) {
  add_count_option(app, "--max-pending-messages", raw.max_pending_messages,
                   "Messages that may wait for one recipient; a send above it is refused "
                   "(0: no cap)");
  add_count_option(app, "--max-pending-bytes", raw.max_pending_bytes,
                   "Bytes of content that may wait for one recipient; a send above it is "
                   "refused (0: no cap)");
  app.add_option("--max-pending-share", raw.max_pending_share,
                 "Percent of each of those caps that one sender's messages to a recipient may "
                 "take (1-100; 100: no per-sender share)")
      ->capture_default_str()
      ->check(k_non_negative_integer)
      ->check(CLI::Range(std::uint32_t{1}, k_max_pending_share_ceiling));
  add_count_option(app, "--max-request-rate", raw.max_request_rate,
                   "Requests per second one connection may send (bursts of one second's "
                   "worth); excess requests are refused (0: no cap)");
}

// The bounds on how long a peer may hold a connection, and how many it may hold.
void declare_connection_options(CLI::App &app, RawOptions &raw) {
  add_positive_option(app, "--idle-timeout", raw.idle_timeout_seconds,
                      "Seconds a connection may wait between requests, or stall without "
                      "progress, before it is closed");
  add_positive_option(app, "--request-timeout", raw.request_timeout_seconds,
                      "Seconds a request's header and fixed part may take from its first "
                      "byte; also the window over which the minimum rates are averaged");
  add_count_option(app, "--min-receive-rate", raw.min_receive_rate,
                   "Bytes per second a message's content must arrive at, on average; a "
                   "slower sender is closed (0: no minimum)");
  add_count_option(app, "--min-send-rate", raw.min_send_rate,
                   "Bytes per second a client must read an answer at, on average; a slower "
                   "reader is closed (0: no minimum)");
  add_positive_option(app, "--max-connections", raw.max_connections,
                      "Connections served at once; above it a newcomer takes the place of the "
                      "connection idle longest, or else of the slowest one");
  add_positive_option(app, "--max-connections-per-address", raw.max_connections_per_address,
                      "Connections one IP address may hold at once; more from it are closed at "
                      "once");
}

// Declares every option; returns --port's option, whose count says whether it was given.
CLI::Option *declare_options(CLI::App &app, RawOptions &raw) {
  auto *port = app.add_option("--port", raw.port, "TCP port to listen on; 0 takes any free port");
  app.add_option("--port-file", raw.port_file,
                 "File holding the port when --port is not given (missing: port 1357)")
      ->capture_default_str();
  app.add_option("--bind", raw.bind_address, "Address to listen on (default: all interfaces)");
  app.add_option("--db", raw.database_path,
                 "SQLite database, created when missing, or a PostgreSQL URI "
                 "(postgresql://...) whose schema is created when missing")
      ->envname("MESSAGEU_DB")
      ->capture_default_str();
  app.add_option("--migrate-from", raw.migrate_from,
                 "Copy the clients and waiting messages of this SQLite database into the --db "
                 "database, which must have no clients yet, then exit");
  app.add_option("--max-message-size", raw.max_message_size,
                 "Largest message content accepted, in bytes (at most 4294967295)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, k_max_message_size_ceiling));
  declare_connection_options(app, raw);
  declare_limit_options(app, raw);
  app.add_option("--log-level", raw.log_level, "error, warn, info or debug")
      ->capture_default_str()
      ->check(CLI::IsMember({"error", "warn", "info", "debug"}));
  app.add_flag("--require-auth", raw.require_auth,
               "Treat every account as protected: send and pull only on an authenticated "
               "connection (protocol version 3)");
  app.add_option("--protocol", raw.protocol,
                 "3 (default): classic protocol and its version-3 extension; 2: a classic "
                 "server only, for testing clients against one")
      ->capture_default_str()
      ->check(CLI::IsMember({2, 3}));
  app.set_version_flag("--version", "messageu-server " + std::string(k_version));
  return port;
}

// The port from --port, else from the port file; a missing file falls back to 1357.
Result<std::uint16_t> resolve_port(const RawOptions &raw, std::vector<std::string> &warnings) {
  if (raw.port_given)
    return raw.port;
  auto text = read_file(raw.port_file, k_max_port_file_size);
  if (!text && text.error().code == Errc::file_not_found) {
    warnings.push_back(
        fmt::format("{} not found: using the default port {}", raw.port_file, k_default_port));
    return k_default_port;
  }
  if (!text)
    return make_error(Errc::config, fmt::format("{}: {}", raw.port_file, text.error().message));
  auto port = parse_port_file_text(*text);
  if (!port)
    return make_error(Errc::config, fmt::format("{}: {}", raw.port_file, port.error().message));
  return *port;
}

std::chrono::milliseconds to_milliseconds(double seconds) {
  auto millis = std::llround(seconds * 1000.0);
  return std::chrono::milliseconds(std::max<long long>(millis, 1));
}

} // namespace

ParsedCommandLine parse_command_line(int argc, const char *const *argv) {
  CLI::App app{"messageu-server: the MessageU store-and-forward server", "messageu-server"};
  RawOptions raw;
  auto *port_option = declare_options(app, raw);
  ParsedCommandLine parsed;
  try {
    app.parse(argc, argv);
    raw.port_given = port_option->count() > 0;
    if (raw.require_auth && raw.protocol == 2)
      throw CLI::ValidationError("--require-auth", "needs --protocol 3");
  } catch (const CLI::ParseError &error) {
    int code = app.exit(error, std::cout, std::cerr);
    parsed.exit_code = code == 0 ? 0 : exit_status(ExitCode::usage);
    return parsed;
  }
  auto port = resolve_port(raw, parsed.warnings);
  if (!port) {
    std::cerr << "messageu-server: " << port.error().message << "\n";
    parsed.exit_code = exit_status(ExitCode::config);
    return parsed;
  }
  ServerConfig config;
  config.port = *port;
  config.bind_address = raw.bind_address;
  config.database_path = raw.database_path;
  config.migrate_from = raw.migrate_from;
  config.max_message_size = raw.max_message_size;
  config.idle_timeout = to_milliseconds(raw.idle_timeout_seconds);
  config.request_timeout = to_milliseconds(raw.request_timeout_seconds);
  config.min_receive_rate = raw.min_receive_rate;
  config.min_send_rate = raw.min_send_rate;
  config.max_connections = raw.max_connections;
  config.max_connections_per_address = raw.max_connections_per_address;
  config.max_pending_messages = raw.max_pending_messages;
  config.max_pending_bytes = raw.max_pending_bytes;
  config.max_pending_share = raw.max_pending_share;
  config.max_request_rate = raw.max_request_rate;
  config.log_level = log_level_from_name(raw.log_level).value_or(LogLevel::info);
  config.require_auth = raw.require_auth;
  config.classic_only = raw.protocol == 2;
  parsed.config = config;
  return parsed;
}

} // namespace messageu::server
