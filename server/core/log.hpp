// The server's log on stderr: one line per event, prefixed with the UTC time and the level,
// filtered by --log-level. Every request gets one line saying who asked what and how it
// ended; message contents, keys, nonces and proofs are never logged.
#pragma once

#include <messageu/util/ids.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace messageu::server {

enum class LogLevel : std::uint8_t { error = 0, warn = 1, info = 2, debug = 3 };

// "error", "warn", "info", "debug"; anything else → nullopt.
std::optional<LogLevel> log_level_from_name(std::string_view name);
std::string_view log_level_name(LogLevel level);

// What the log says about one request.
struct RequestLogEntry {
  std::string peer;               // "127.0.0.1:51234"
  std::optional<ClientId> client; // the header's id; empty for register
  std::string request;            // "send", or "unknown" for an unknown code
  std::uint16_t request_code = 0;
  std::uint16_t response_code = 0; // 0 when no answer was written (connection lost)
  std::uint64_t bytes_in = 0;      // header and payload
  std::uint64_t bytes_out = 0;     // header and payload
  std::chrono::microseconds duration{0};
  std::string note;                // why it failed, without secrets; may be empty
  LogLevel level = LogLevel::info; // warn for a failed proof, error for a storage failure
};

// The request line's text after the time and level:
// `peer=127.0.0.1:51234 client=64f3f639 request=send(603) result=2103 in=44 out=27 us=153`
// followed by ` note="..."` when there is a note. Only the first 8 hex digits of the id.
std::string format_request_entry(const RequestLogEntry &entry);

// Thread-safe: each line is written whole, under a lock. Warnings and errors are written at
// once; info and debug lines (one per request) gather in memory and are written together
// when flush() is called (the server does every k_log_flush_interval), when 64 KiB have
// gathered, with the next warning or error, and when the logger is destroyed: one write per
// request would cost a busy server a third of its rate.
inline constexpr std::chrono::milliseconds k_log_flush_interval{200};

class Logger {
public:
  explicit Logger(LogLevel level = LogLevel::info, std::FILE *sink = stderr);
  ~Logger();
  Logger(const Logger &) = delete;
  Logger &operator=(const Logger &) = delete;

  bool enabled(LogLevel level) const { return level <= m_level; }
  void set_level(LogLevel level) { m_level = level; }

  void write(LogLevel level, std::string_view message);
  void error(std::string_view message) { write(LogLevel::error, message); }
  void warn(std::string_view message) { write(LogLevel::warn, message); }
  void info(std::string_view message) { write(LogLevel::info, message); }
  void debug(std::string_view message) { write(LogLevel::debug, message); }

  // Writes the entry at its own level.
  void request(const RequestLogEntry &entry);

  // Writes the lines gathered so far.
  void flush();

private:
  void flush_locked();

  LogLevel m_level;
  std::FILE *m_sink;
  std::mutex m_mutex;
  std::string m_pending; // lines not written yet
};

} // namespace messageu::server
