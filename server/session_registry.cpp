// The registry of live sessions.
#include "session_registry.hpp"

#include "session.hpp"

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

std::shared_ptr<Session>
SessionRegistry::eviction_candidate(std::chrono::steady_clock::time_point now) const {
  // A scan: it runs only when the server is full, and costs far less than the accept.
  std::shared_ptr<Session> chosen;
  std::optional<EvictionRank> chosen_rank;
  for (const auto &[key, entry] : m_sessions) {
    auto session = entry.session.lock();
    if (!session)
      continue;
    auto rank = session->eviction_rank(now);
    if (rank && (!chosen_rank || *rank < *chosen_rank)) {
      chosen = std::move(session);
      chosen_rank = rank;
    }
  }
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
