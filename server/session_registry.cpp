// The registry of live sessions.
#include "session_registry.hpp"

#include "session.hpp"

#include <vector>

namespace messageu::server {

namespace {

// Sessions may remove themselves while they are being stopped: work on a copy.
std::vector<std::shared_ptr<Session>>
live_sessions(const std::unordered_map<const Session *, std::weak_ptr<Session>> &sessions) {
  std::vector<std::shared_ptr<Session>> live;
  for (const auto &[key, weak] : sessions)
    if (auto session = weak.lock())
      live.push_back(std::move(session));
  return live;
}

} // namespace

void SessionRegistry::add(const std::shared_ptr<Session> &session) {
  m_sessions.emplace(session.get(), session);
}

void SessionRegistry::remove(const Session *session) {
  if (m_sessions.erase(session) == 0)
    return;
  if (m_sessions.empty() && m_on_empty) {
    auto on_empty = std::move(m_on_empty);
    m_on_empty = nullptr;
    on_empty();
  }
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
