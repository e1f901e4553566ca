// RFC 3339 formatting with gmtime_r, which knows the calendar (leap years, negative times).
#include <messageu/util/utc_time.hpp>

#include <array>
#include <chrono>
#include <ctime>

namespace messageu {

std::string rfc3339_utc(std::int64_t seconds) {
  auto time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  if (::gmtime_r(&time, &parts) == nullptr)
    return "1970-01-01T00:00:00Z";
  std::array<char, 32> text{};
  auto length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return std::string(text.data(), length);
}

std::int64_t unix_seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace messageu
