// The per-step deadlines of a connection (slowloris bounds) and the rank that picks who makes
// room when the server is full, on a clock the test moves by hand.
#include "core/connection_deadline.hpp"

#include <gtest/gtest.h>

namespace messageu::server {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const auto k_start = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);

DeadlineOptions options() {
  DeadlineOptions options;
  options.idle_timeout = seconds(60);
  options.request_timeout = seconds(10);
  options.min_receive_rate = 1000;
  options.min_send_rate = 2000;
  return options;
}

TEST(ConnectionDeadline, AnIdleConnectionHasTheIdleTimeout) {
  ConnectionDeadline deadline(options(), k_start);
  EXPECT_EQ(deadline.deadline(), k_start + seconds(60));
  EXPECT_NE(deadline.reason().find("idle timeout"), std::string::npos);
}

TEST(ConnectionDeadline, ARequestsFixedPartHasItsTimeoutFromTheFirstByteWhateverTrickles) {
  ConnectionDeadline deadline(options(), k_start);
  deadline.begin_request(k_start + seconds(5));
  // A byte every second re-arms nothing: the fixed part must be whole 10 s after it began.
  for (int second = 6; second < 15; ++second)
    deadline.progress(1, k_start + seconds(second));
  EXPECT_EQ(deadline.deadline(), k_start + seconds(15));
  EXPECT_TRUE(deadline.expired(k_start + seconds(15)));
  EXPECT_NE(deadline.reason().find("request timeout"), std::string::npos);
}

TEST(ConnectionDeadline, AContentMustKeepTheMinimumReceiveRate) {
  ConnectionDeadline deadline(options(), k_start);
  deadline.begin_request(k_start);
  deadline.begin_receiving(k_start);
  EXPECT_EQ(deadline.deadline(), k_start + seconds(10));
  // 500 bytes a second, half the minimum: each second earns half a second.
  for (int second = 1; second <= 20; ++second)
    deadline.progress(500, k_start + seconds(second));
  EXPECT_EQ(deadline.deadline(), k_start + seconds(20));
  EXPECT_TRUE(deadline.expired(k_start + seconds(20)));
  EXPECT_NE(deadline.reason().find("receive rate below 1000"), std::string::npos);
}

TEST(ConnectionDeadline, AContentAtTheMinimumRateNeverExpires) {
  ConnectionDeadline deadline(options(), k_start);
  deadline.begin_request(k_start);
  deadline.begin_receiving(k_start);
  for (int second = 1; second <= 100; ++second) {
    deadline.progress(1000, k_start + seconds(second));
    EXPECT_FALSE(deadline.expired(k_start + seconds(second)));
  }
}

TEST(ConnectionDeadline, AFastStartBuysAtMostTheWindowOfStall) {
  ConnectionDeadline deadline(options(), k_start);
  deadline.begin_request(k_start);
  deadline.begin_receiving(k_start);
  deadline.progress(100'000'000, k_start + seconds(1));
  EXPECT_EQ(deadline.deadline(), k_start + seconds(11));
}

TEST(ConnectionDeadline, AnAnswerMustBeReadAtTheMinimumSendRate) {
  ConnectionDeadline deadline(options(), k_start);
  deadline.begin_sending(k_start);
  deadline.progress(4000, k_start + seconds(5)); // 2 s earned
  EXPECT_EQ(deadline.deadline(), k_start + seconds(12));
  EXPECT_NE(deadline.reason().find("send rate below 2000"), std::string::npos);
}

TEST(ConnectionDeadline, WithTheRateOffAStallIsBoundByTheIdleTimeout) {
  auto relaxed = options();
  relaxed.min_receive_rate = 0;
  ConnectionDeadline deadline(relaxed, k_start);
  deadline.begin_request(k_start);
  deadline.begin_receiving(k_start);
  deadline.progress(1, k_start + seconds(30));
  EXPECT_EQ(deadline.deadline(), k_start + seconds(90));
}

TEST(ConnectionDeadline, TimeWaitingForTheDatabaseIsNotThePeers) {
  ConnectionDeadline deadline(options(), k_start);
  deadline.begin_request(k_start);
  deadline.pause(k_start + seconds(2));
  EXPECT_FALSE(deadline.expired(k_start + seconds(100)));
  deadline.resume(k_start + seconds(32));
  EXPECT_EQ(deadline.deadline(), k_start + seconds(40));
}

TEST(ConnectionDeadline, AWaitIsNotCutShortByTheIdleOrRequestTimeout) {
  ConnectionDeadline deadline(options(), k_start);
  deadline.begin_request(k_start);
  deadline.begin_waiting(k_start, k_start + seconds(300));
  EXPECT_FALSE(deadline.expired(k_start + seconds(299)));
  // Only a backstop a request timeout after the wait's end, should its answer not come.
  EXPECT_EQ(deadline.deadline(), k_start + seconds(310));
  EXPECT_NE(deadline.reason().find("wait"), std::string::npos);
  // A waiting connection makes room like an idle one, once past the grace.
  EXPECT_EQ(deadline.eviction_rank(k_start + seconds(6))->first, 0);
}

TEST(ConnectionDeadline, RanksTheLongestIdleFirstThenTheSlowestThenTheJustAccepted) {
  ConnectionDeadline idle_early(options(), k_start);
  ConnectionDeadline idle_late(options(), k_start + seconds(5));
  ConnectionDeadline slow(options(), k_start);
  slow.begin_request(k_start);
  slow.progress(3, k_start + seconds(3));
  ConnectionDeadline fast(options(), k_start);
  fast.begin_request(k_start);
  fast.progress(23, k_start);
  ConnectionDeadline busy(options(), k_start);
  busy.begin_request(k_start);
  busy.pause(k_start);
  ConnectionDeadline just_accepted(options(), k_start + milliseconds(5900));
  auto now = k_start + seconds(6);
  EXPECT_LT(*idle_early.eviction_rank(now), *idle_late.eviction_rank(now));
  EXPECT_LT(*idle_late.eviction_rank(now), *slow.eviction_rank(now));
  EXPECT_LT(*slow.eviction_rank(now), *fast.eviction_rank(now));
  EXPECT_LT(*fast.eviction_rank(now), *just_accepted.eviction_rank(now));
  EXPECT_FALSE(busy.eviction_rank(now));
}

} // namespace
} // namespace messageu::server
