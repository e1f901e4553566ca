// The command line of messageu-server (CLI.md §7) and the configuration it produces. Parsing
// is separate from running so that the rules (the port file fallback, the size ceiling, the
// log level names) live in one tested place.
#pragma once

#include "core/connection_deadline.hpp"
#include "core/log.hpp"
#include "core/pending_quota.hpp"

#include <messageu/util/exit_code.hpp>
#include <messageu/util/result.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace messageu::server {

// The largest content a message may declare: what the protocol's u32 size field allows.
inline constexpr std::uint64_t k_max_message_size_ceiling = 0xFFFF'FFFFull;
inline constexpr std::uint16_t k_default_port = 1357;
inline constexpr std::chrono::milliseconds k_default_idle_timeout{60'000};
inline constexpr std::size_t k_default_max_connections = 10'000;
inline constexpr std::size_t k_default_max_connections_per_address = 64;

struct ServerConfig {
  std::uint16_t port = k_default_port; // 0: any free port
  std::string bind_address;            // empty: every interface
  std::string database_path = "defensive.db";
  std::string migrate_from; // set: copy this SQLite database into database_path, then exit
  std::uint64_t max_message_size = k_max_message_size_ceiling;
  std::chrono::milliseconds idle_timeout = k_default_idle_timeout;
  std::chrono::milliseconds request_timeout = k_default_request_timeout;
  std::uint64_t min_receive_rate = k_default_min_receive_rate; // bytes/s; 0: off
  std::uint64_t min_send_rate = k_default_min_send_rate;       // bytes/s; 0: off
  std::size_t max_connections = k_default_max_connections;
  std::size_t max_connections_per_address = k_default_max_connections_per_address;
  // Caps on what waits for one recipient; 0: no cap.
  std::uint64_t max_pending_messages = k_default_max_pending_messages;
  std::uint64_t max_pending_bytes = k_default_max_pending_bytes;
  // Percent of those caps one sender's messages to a recipient may take (1 to 100).
  std::uint32_t max_pending_share = k_default_max_pending_share;
  std::uint32_t max_request_rate = 0; // requests per second per connection; 0: unlimited
  LogLevel log_level = LogLevel::info;
  bool require_auth = false;
  bool classic_only = false; // --protocol 2
};

// What the command line asks for: run with a configuration, or exit at once with a code
// (after --help or --version, which print their text, or after a usage error).
struct ParsedCommandLine {
  std::optional<ServerConfig> config; // set: run the server
  int exit_code = 0;                  // when config is empty
  std::vector<std::string> warnings;  // to log once the logger exists (e.g. missing port file)
};

// Parses argv. Prints --help / --version text on stdout and usage errors on stderr. The port
// comes from --port, else the --port-file (default myport.info; missing → a warning and
// 1357; present but not a port → exit 78). --max-message-size above 4 GiB − 1, a
// non-positive --idle-timeout or --request-timeout, a zero --max-connections or
// --max-connections-per-address, a negative --min-receive-rate or --min-send-rate, a negative or
// non-integer --max-pending-messages, --max-pending-bytes or --max-request-rate (0 turns each
// off), a --max-pending-share outside 1 to 100, an unknown --log-level,
// --protocol other than 2 or 3, or --require-auth with --protocol 2 → exit 64.
ParsedCommandLine parse_command_line(int argc, const char *const *argv);

} // namespace messageu::server
