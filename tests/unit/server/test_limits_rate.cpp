// The token bucket behind --max-request-rate, on a clock the test moves by hand.
#include "core/request_rate.hpp"

#include <gtest/gtest.h>

namespace messageu::server {
namespace {

using std::chrono::milliseconds;

const auto k_start = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);

int admitted(const RequestRateLimit &limit, RequestBucket &bucket,
             std::chrono::steady_clock::time_point now, int attempts) {
  int count = 0;
  for (int index = 0; index < attempts; ++index)
    count += limit.admit(bucket, now) ? 1 : 0;
  return count;
}

TEST(RequestRateLimit, AdmitsABurstOfOneSecondsWorthAtOnce) {
  RequestRateLimit limit(10);
  RequestBucket bucket;
  EXPECT_EQ(admitted(limit, bucket, k_start, 25), 10);
}

TEST(RequestRateLimit, RefillsAtTheConfiguredRate) {
  RequestRateLimit limit(10);
  RequestBucket bucket;
  EXPECT_EQ(admitted(limit, bucket, k_start, 10), 10);
  EXPECT_EQ(admitted(limit, bucket, k_start + milliseconds(500), 10), 5);
  EXPECT_EQ(admitted(limit, bucket, k_start + milliseconds(550), 10), 0);
}

TEST(RequestRateLimit, NeverStoresMoreThanOneSecondsWorth) {
  RequestRateLimit limit(4);
  RequestBucket bucket;
  EXPECT_EQ(admitted(limit, bucket, k_start, 1), 1);
  EXPECT_EQ(admitted(limit, bucket, k_start + std::chrono::hours(2), 100), 4);
}

TEST(RequestRateLimit, SustainsTheRateForAClientThatKeepsBelowIt) {
  RequestRateLimit limit(100);
  RequestBucket bucket;
  // 50 requests every 500 ms for a minute: exactly the rate, never refused.
  for (int step = 0; step < 120; ++step)
    ASSERT_EQ(admitted(limit, bucket, k_start + milliseconds(500) * step, 50), 50) << step;
}

TEST(RequestRateLimit, IgnoresAClockThatGoesBack) {
  RequestRateLimit limit(2);
  RequestBucket bucket;
  EXPECT_EQ(admitted(limit, bucket, k_start, 2), 2);
  EXPECT_EQ(admitted(limit, bucket, k_start - std::chrono::seconds(5), 2), 0);
}

TEST(RequestRateLimit, AdmitsEverythingWhenUnlimited) {
  RequestRateLimit limit(0);
  RequestBucket bucket;
  EXPECT_TRUE(limit.unlimited());
  EXPECT_EQ(admitted(limit, bucket, k_start, 100'000), 100'000);
}

} // namespace
} // namespace messageu::server
