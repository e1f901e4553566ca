// The LastSeen times waiting to be written.
#include <messageu/store/seen_times.hpp>

#include <algorithm>

namespace messageu::store {

namespace {

// LastSeen times wait in memory at most about this long.
constexpr std::chrono::seconds k_write_interval{1};

} // namespace

void SeenTimes::record(const ClientId &id, Time when) {
  std::lock_guard lock(m_mutex);
  auto [kept, added] = m_times.try_emplace(id, when);
  if (!added)
    kept->second = std::max(kept->second, when);
}

std::optional<SeenTimes::Time> SeenTimes::latest(const ClientId &id) const {
  std::lock_guard lock(m_mutex);
  auto found = m_times.find(id);
  if (found == m_times.end())
    return std::nullopt;
  return found->second;
}

bool SeenTimes::due() const {
  std::lock_guard lock(m_mutex);
  return !m_times.empty() && std::chrono::steady_clock::now() - m_taken >= k_write_interval;
}

SeenTimes::Times SeenTimes::take() {
  Times taken;
  std::lock_guard lock(m_mutex);
  taken.swap(m_times);
  m_taken = std::chrono::steady_clock::now();
  return taken;
}

void SeenTimes::restore(const Times &times) {
  for (const auto &[id, when] : times)
    record(id, when);
}

Status SeenTimes::flush(const std::function<Status(const Times &)> &write) {
  auto times = take();
  if (times.empty())
    return {};
  auto written = write(times);
  if (!written)
    restore(times);
  return written;
}

} // namespace messageu::store
