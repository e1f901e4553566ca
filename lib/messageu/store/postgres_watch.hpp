// Follows what the other servers sharing a PostgreSQL database write to it. The store NOTIFYs
// a channel in each transaction that changes what servers publish (a registration, a client's
// protection, messages stored for a recipient), so a notice arrives only for committed
// changes, and in commit order.
//
// The watch runs a thread of its own with a connection of its own, LISTENing on those
// channels. A lost connection is tried again every second. Notices sent while it was lost are
// gone for good, so the watch says when it stops and when it starts listening again: the
// store then forgets what it published and reloads it whole (PostgresServerStore).
#pragma once

#include <messageu/postgres/postgres.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace messageu::store {

class DatabaseWatch {
public:
  struct Handlers {
    // Listening (the first time, or again after a loss): every notice from now on arrives.
    std::function<void()> on_listening;
    std::function<void(const postgres::Notification &)> on_notice;
    // The connection that was listening failed: notices may be lost until on_listening.
    std::function<void()> on_lost;
    // Told once when the database cannot be followed (with the reason), once when it is again.
    std::function<void(const std::string &message)> on_problem;
  };

  // Starts watching `channels` (SQL identifiers chosen by the caller) of the database `uri`
  // names. The handlers run on the watch's thread.
  DatabaseWatch(std::string uri, std::vector<std::string> channels, Handlers handlers);
  // Stops the thread (within about a quarter of a second).
  ~DatabaseWatch();
  DatabaseWatch(const DatabaseWatch &) = delete;
  DatabaseWatch &operator=(const DatabaseWatch &) = delete;

private:
  void run();
  // Listens until the connection fails or the watch stops; returns the failure's text.
  std::string listen_once();
  void report_problem(const std::string &failure);
  void pause_before_retry();

  std::string m_uri;
  std::vector<std::string> m_channels;
  Handlers m_handlers;
  std::atomic<bool> m_stopping{false};
  bool m_reported = false; // the loss was told, the recovery not yet (the thread's own)
  std::thread m_thread;
};

} // namespace messageu::store
