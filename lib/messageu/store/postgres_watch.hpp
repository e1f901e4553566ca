// Tells a server when any server sharing its PostgreSQL database stores messages, so that a
// WAIT parked on this one (PROTOCOL.md §11) wakes at once, whichever server took the send.
// PostgresServerStore::insert_messages notifies the channel once per recipient in the
// transaction that stores the messages, so a notice arrives only for committed messages.
//
// The watch runs a thread of its own with a connection of its own, LISTENing on that channel.
// A lost connection is tried again every second; a notice lost meanwhile only delays a wait
// until its time runs out (the client then pulls, and gets the message).
#pragma once

#include <messageu/util/ids.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace messageu::store {

class StoredMessagesWatch {
public:
  using OnStored = std::function<void(const ClientId &recipient)>;
  using OnProblem = std::function<void(const std::string &message)>;

  // Starts watching the database `uri` names. `on_stored` and `on_problem` run on the watch's
  // thread; `on_problem` is told once when the watch loses the database, and once when it has
  // it again.
  StoredMessagesWatch(std::string uri, OnStored on_stored, OnProblem on_problem);
  // Stops the thread (within about a quarter of a second).
  ~StoredMessagesWatch();
  StoredMessagesWatch(const StoredMessagesWatch &) = delete;
  StoredMessagesWatch &operator=(const StoredMessagesWatch &) = delete;

  // The channel insert_messages notifies, with the recipient's id in hex as the payload.
  static constexpr const char *k_channel = "messageu_stored";

private:
  void run();
  // Listens until the connection fails or the watch stops; returns the failure's text.
  std::string listen_once();
  void pause_before_retry();

  std::string m_uri;
  OnStored m_on_stored;
  OnProblem m_on_problem;
  std::atomic<bool> m_stopping{false};
  bool m_reported = false; // the loss was told, the recovery not yet (the thread's own)
  std::thread m_thread;
};

} // namespace messageu::store
