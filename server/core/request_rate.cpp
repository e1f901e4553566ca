// The per-connection token bucket behind --max-request-rate.
#include "core/request_rate.hpp"

#include <algorithm>

namespace messageu::server {

bool RequestRateLimit::admit(RequestBucket &bucket,
                             std::chrono::steady_clock::time_point now) const {
  if (unlimited())
    return true;
  // The burst a connection may send at once: one second's worth.
  auto capacity = static_cast<double>(m_per_second);
  if (!bucket.started) {
    bucket = RequestBucket{capacity, now, true};
  } else if (now > bucket.refilled) {
    std::chrono::duration<double> elapsed = now - bucket.refilled;
    bucket.tokens = std::min(capacity, bucket.tokens + elapsed.count() * capacity);
    bucket.refilled = now;
  }
  if (bucket.tokens < 1.0)
    return false;
  bucket.tokens -= 1.0;
  return true;
}

} // namespace messageu::server
