// The sessions alive at one moment, so that the listener can enforce --max-connections and
// a shutdown can reach every connection. Used on the network thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <unordered_map>

namespace messageu::server {

class Session;

class SessionRegistry {
public:
  void add(const std::shared_ptr<Session> &session);
  // Called by a session when its connection ends; unknown sessions are ignored.
  void remove(const Session *session);
  std::size_t size() const { return m_sessions.size(); }

  // Asks every session to stop after its request in flight; `on_empty` runs once no session
  // is left (at once if there is none).
  void stop_all(std::function<void()> on_empty);
  // Closes every connection now.
  void close_all();

private:
  std::unordered_map<const Session *, std::weak_ptr<Session>> m_sessions;
  std::function<void()> m_on_empty;
};

} // namespace messageu::server
