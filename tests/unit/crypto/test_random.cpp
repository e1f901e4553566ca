// random_bytes and fill_random: sizes, fresh output each call, and use from several threads.
#include <messageu/crypto/random.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

namespace messageu::crypto {
namespace {

TEST(Random, ReturnsTheRequestedNumberOfBytes) {
  EXPECT_TRUE(random_bytes(0).empty());
  EXPECT_EQ(random_bytes(1).size(), 1u);
  EXPECT_EQ(random_bytes(32).size(), 32u);
}

TEST(Random, GivesDifferentBytesOnEveryCall) {
  std::set<Bytes> seen;
  for (int call = 0; call < 100; ++call)
    seen.insert(random_bytes(16));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Random, FillsALargeBufferWithEveryByteValue) {
  // Larger than one getrandom() call returns, so the loop over partial reads is exercised.
  Bytes buffer(std::size_t{40} << 20, 0);
  fill_random(buffer);
  std::vector<std::size_t> counts(256, 0);
  for (auto byte : buffer)
    ++counts[byte];
  // Each value is expected about 164k times; a buffer left zero or half filled fails this.
  EXPECT_GT(*std::min_element(counts.begin(), counts.end()), 150'000u);
  EXPECT_LT(*std::max_element(counts.begin(), counts.end()), 180'000u);
}

TEST(Random, ThreadsGetDifferentBytes) {
  constexpr int k_threads = 4;
  std::vector<Bytes> results(k_threads);
  std::vector<std::thread> threads;
  threads.reserve(k_threads);
  for (int index = 0; index < k_threads; ++index)
    threads.emplace_back([&results, index] { results[index] = random_bytes(32); });
  for (auto &thread : threads)
    thread.join();
  std::set<Bytes> distinct(results.begin(), results.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(k_threads));
}

} // namespace
} // namespace messageu::crypto
