// The latency histogram's bucket arithmetic and percentile walk.
#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace messageu::bench {

std::size_t LatencyHistogram::bucket_of(std::uint64_t value) {
  if (value < k_linear_limit)
    return static_cast<std::size_t>(value);
  // The top 7 bits of the value (64..127) select the sub-bucket within its power of two.
  auto shift = static_cast<unsigned>(std::bit_width(value)) - 1 - k_sub_bucket_bits;
  auto sub_bucket = value >> shift;
  return (static_cast<std::size_t>(shift) << k_sub_bucket_bits) + sub_bucket;
}

std::uint64_t LatencyHistogram::bucket_upper_bound(std::size_t bucket) {
  if (bucket < k_linear_limit)
    return bucket;
  auto shift = (bucket >> k_sub_bucket_bits) - 1;
  auto sub_bucket = (bucket & ((1u << k_sub_bucket_bits) - 1)) + (1u << k_sub_bucket_bits);
  // For the very last bucket this wraps to the largest u64, which is its true bound.
  return ((static_cast<std::uint64_t>(sub_bucket) + 1) << shift) - 1;
}

void LatencyHistogram::record(std::chrono::nanoseconds latency) {
  auto value = static_cast<std::uint64_t>(std::max<std::int64_t>(latency.count(), 0));
  ++m_buckets[bucket_of(value)];
  ++m_count;
}

void LatencyHistogram::merge(const LatencyHistogram &other) {
  for (std::size_t i = 0; i < k_bucket_count; ++i)
    m_buckets[i] += other.m_buckets[i];
  m_count += other.m_count;
}

std::chrono::nanoseconds LatencyHistogram::percentile(double quantile) const {
  if (m_count == 0)
    return std::chrono::nanoseconds{0};
  auto clamped = std::clamp(quantile, 0.0, 1.0);
  auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(clamped * static_cast<double>(m_count))));
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < k_bucket_count; ++bucket) {
    seen += m_buckets[bucket];
    if (seen >= rank)
      return std::chrono::nanoseconds{static_cast<std::int64_t>(
          std::min<std::uint64_t>(bucket_upper_bound(bucket), INT64_MAX))};
  }
  return std::chrono::nanoseconds{INT64_MAX};
}

} // namespace messageu::bench
