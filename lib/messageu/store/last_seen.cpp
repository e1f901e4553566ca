// The LastSeen text format, shared by the stores.
#include <messageu/store/last_seen.hpp>

#include <cstdio>
#include <ctime>

namespace messageu::store {

std::string format_last_seen(std::chrono::system_clock::time_point time) {
  auto since_epoch = time.time_since_epoch();
  auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  auto milliseconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  std::time_t whole = static_cast<std::time_t>(seconds.count()); // the Unix epoch (C++20)
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d.%03d", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(milliseconds));
  return text;
}

} // namespace messageu::store
