// The server's log lines.
#include "core/log.hpp"

#include <messageu/util/hex.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <array>
#include <ctime>

namespace messageu::server {

namespace {

constexpr std::array<std::string_view, 4> k_level_names = {"error", "warn", "info", "debug"};

// Lines gathered beyond this size are written without waiting for flush().
constexpr std::size_t k_pending_limit = 64 * 1024;

// "2025-11-26T15:40:01.123Z". The date and time of day change once a second: each thread
// keeps the last second's text.
std::string utc_timestamp() {
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached_text;
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::floor<std::chrono::seconds>(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now - seconds).count();
  auto second = std::chrono::system_clock::to_time_t(seconds);
  if (second != cached_second) {
    cached_second = second;
    cached_text = fmt::format("{:%Y-%m-%dT%H:%M:%S}", fmt::gmtime(second));
  }
  return fmt::format("{}.{:03}Z", cached_text, millis);
}

} // namespace

std::optional<LogLevel> log_level_from_name(std::string_view name) {
  for (std::size_t index = 0; index < k_level_names.size(); ++index)
    if (k_level_names[index] == name)
      return static_cast<LogLevel>(index);
  return std::nullopt;
}

std::string_view log_level_name(LogLevel level) {
  return k_level_names.at(static_cast<std::size_t>(level));
}

std::string format_request_entry(const RequestLogEntry &entry) {
  std::string client = "-";
  if (entry.client)
    client = client_id_to_hex(*entry.client).substr(0, 8);
  std::string result = entry.response_code == 0 ? "none" : std::to_string(entry.response_code);
  auto line = fmt::format("peer={} client={} request={}({}) result={} in={} out={} us={}",
                          entry.peer, client, entry.request, entry.request_code, result,
                          entry.bytes_in, entry.bytes_out, entry.duration.count());
  if (!entry.note.empty())
    line += fmt::format(" note=\"{}\"", entry.note);
  return line;
}

Logger::Logger(LogLevel level, std::FILE *sink) : m_level(level), m_sink(sink) {}

Logger::~Logger() { flush(); }

void Logger::write(LogLevel level, std::string_view message) {
  if (!enabled(level))
    return;
  auto line = fmt::format("{} {} {}\n", utc_timestamp(), log_level_name(level), message);
  std::lock_guard lock(m_mutex);
  m_pending += line;
  if (level <= LogLevel::warn || m_pending.size() >= k_pending_limit)
    flush_locked();
}

void Logger::flush() {
  std::lock_guard lock(m_mutex);
  flush_locked();
}

void Logger::flush_locked() {
  if (m_pending.empty())
    return;
  std::fwrite(m_pending.data(), 1, m_pending.size(), m_sink);
  std::fflush(m_sink);
  m_pending.clear();
}

void Logger::request(const RequestLogEntry &entry) {
  if (enabled(entry.level))
    write(entry.level, format_request_entry(entry));
}

} // namespace messageu::server
