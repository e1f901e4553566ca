// The registry of live sessions.
#include "session_registry.hpp"

#include "session.hpp"

#include <algorithm>
#include <vector>

namespace messageu::server {

namespace {

// Sessions may remove themselves while they are being stopped: work on a copy.
template <typename Sessions>
std::vector<std::shared_ptr<Session>> live_sessions(const Sessions &sessions) {
  std::vector<std::shared_ptr<Session>> live;
  for (const auto &[key, entry] : sessions)
    if (auto session = entry.session.lock())
      live.push_back(std::move(session));
  return live;
}

} // namespace

void SessionRegistry::add(const std::shared_ptr<Session> &session) {
  if (m_sessions.emplace(session.get(), Entry{session, session->address()}).second)
    ++m_per_address[session->address()];
}

void SessionRegistry::remove(const Session *session) {
  auto found = m_sessions.find(session);
  if (found == m_sessions.end())
    return;
  if (auto count = m_per_address.find(found->second.address);
      count != m_per_address.end() && --count->second == 0)
    m_per_address.erase(count);
  m_sessions.erase(found);
  if (m_sessions.empty() && m_on_empty) {
    auto on_empty = std::move(m_on_empty);
    m_on_empty = nullptr;
    on_empty();
  }
}

std::size_t SessionRegistry::count_from(const std::string &address) const {
  auto found = m_per_address.find(address);
  return found == m_per_address.end() ? 0 : found->second;
}

std::vector<std::shared_ptr<Session>>
SessionRegistry::eviction_candidates(std::chrono::steady_clock::time_point now,
                                     std::size_t count) const {
  // One scan keeps the `count` lowest ranks in a max-heap: it runs only when the server is
  // full, and the caller takes several at a time so that a flood of newcomers does not scan
  // every connection for each one.
  using Ranked = std::pair<EvictionRank, Session *>;
  std::vector<Ranked> heap;
  heap.reserve(count + 1);
  for (const auto &[key, entry] : m_sessions) {
    auto session = entry.session.lock();
    if (!session)
      continue;
    auto rank = session->eviction_rank(now);
    if (!rank || (heap.size() == count && !(*rank < heap.front().first)))
      continue;
    heap.emplace_back(*rank, session.get());
    std::push_heap(heap.begin(), heap.end());
    if (heap.size() > count) {
      std::pop_heap(heap.begin(), heap.end());
      heap.pop_back();
    }
  }
  std::sort_heap(heap.begin(), heap.end());
  std::vector<std::shared_ptr<Session>> chosen;
  for (const auto &[rank, session] : heap)
    if (auto found = m_sessions.find(session); found != m_sessions.end())
      if (auto live = found->second.session.lock())
        chosen.push_back(std::move(live));
  return chosen;
}

void SessionRegistry::stop_all(std::function<void()> on_empty) {
  if (m_sessions.empty()) {
    on_empty();
    return;
  }
  m_on_empty = std::move(on_empty);
  for (const auto &session : live_sessions(m_sessions))
    session->request_stop();
}

void SessionRegistry::close_all() {
  for (const auto &session : live_sessions(m_sessions))
    session->close();
}

} // namespace messageu::server
