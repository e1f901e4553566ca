// The sessions alive at one moment, so that the listener can enforce --max-connections and
// --max-connections-per-address (and pick the connection that makes room for a newcomer), and
// a shutdown can reach every connection. Used on the network thread only.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace messageu::server {

class Session;

class SessionRegistry {
public:
  void add(const std::shared_ptr<Session> &session);
  // Called by a session when its connection ends; unknown sessions are ignored.
  void remove(const Session *session);
  std::size_t size() const { return m_sessions.size(); }
  // How many connections `address` (Session::address()) holds.
  std::size_t count_from(const std::string &address) const;
  // The connections that make room when the server is full, at most `count`: those idle
  // longest, else the slowest mid-request (ConnectionDeadline's rank), lowest rank first;
  // none waiting for the database.
  std::vector<std::shared_ptr<Session>>
  eviction_candidates(std::chrono::steady_clock::time_point now, std::size_t count) const;

  // Asks every session to stop after its request in flight; `on_empty` runs once no session
  // is left (at once if there is none).
  void stop_all(std::function<void()> on_empty);
  // Closes every connection now.
  void close_all();

private:
  struct Entry {
    std::weak_ptr<Session> session;
    std::string address;
  };

  std::unordered_map<const Session *, Entry> m_sessions;
  std::unordered_map<std::string, std::size_t> m_per_address;
  std::function<void()> m_on_empty;
};

} // namespace messageu::server
