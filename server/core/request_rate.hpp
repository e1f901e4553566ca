// The cap on how fast one connection may send requests (--max-request-rate): a token bucket
// per connection. A connection may send a burst of one second's worth of requests at once and
// then keeps the configured rate on average; requests above it are refused, never delayed, so
// an honest client below the rate sees no difference at all.
#pragma once

#include <chrono>
#include <cstdint>

namespace messageu::server {

// One connection's bucket (kept in its ConnectionState). Starts full on the first request.
struct RequestBucket {
  double tokens = 0;
  std::chrono::steady_clock::time_point refilled{};
  bool started = false;
};

class RequestRateLimit {
public:
  // `per_second` 0: unlimited.
  explicit RequestRateLimit(std::uint32_t per_second = 0) : m_per_second(per_second) {}

  // Takes one request's token from `bucket` at time `now`; false when the connection is above
  // the rate (the bucket is then left empty, not overdrawn). Always true when unlimited.
  bool admit(RequestBucket &bucket, std::chrono::steady_clock::time_point now) const;

  bool unlimited() const { return m_per_second == 0; }
  std::uint32_t per_second() const { return m_per_second; }

private:
  std::uint32_t m_per_second;
};

} // namespace messageu::server
