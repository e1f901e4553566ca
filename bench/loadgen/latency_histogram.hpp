// A fixed-memory latency histogram with about 1.5% resolution, in the spirit of HdrHistogram:
// values below 128 ns have a bucket each; above, each power of two is split into 64 buckets.
// Recording is one increment, so it stays off the load generator's profile; histograms of
// several threads are merged at the end.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace messageu::bench {

class LatencyHistogram {
public:
  void record(std::chrono::nanoseconds latency);
  // Adds every count of `other` to this one.
  void merge(const LatencyHistogram &other);

  std::uint64_t count() const { return m_count; }
  // The latency at or below which `quantile` (0..1) of the recorded values lie, as the upper
  // bound of the bucket holding it (so it never understates). Zero when nothing was recorded.
  std::chrono::nanoseconds percentile(double quantile) const;

private:
  static constexpr unsigned k_sub_bucket_bits = 6;
  static constexpr std::uint64_t k_linear_limit = 2u << k_sub_bucket_bits; // 128
  // 128 linear buckets, then 64 for each shift of 1..57 (a value's top bit at 7..63).
  static constexpr std::size_t k_bucket_count = (64 - k_sub_bucket_bits + 1) << k_sub_bucket_bits;

  static std::size_t bucket_of(std::uint64_t value);
  static std::uint64_t bucket_upper_bound(std::size_t bucket);

  std::array<std::uint64_t, k_bucket_count> m_buckets{};
  std::uint64_t m_count = 0;
};

} // namespace messageu::bench
