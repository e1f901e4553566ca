// The store thread. The store is single-threaded and its commits wait for fsync, so it lives
// on one dedicated thread and the network thread never blocks on the disk. The thread runs an
// Asio executor of its own: a session co_awaits work there (asio::co_spawn onto executor())
// and resumes on its own executor with the result.
//
// When no work has come for a second, the thread runs the idle callback (the server writes
// the store's LastSeen times kept in memory then).
//
// Group commit: message inserts are not committed one by one. Work on this thread that ends a
// send co_awaits commit(), which only queues the upload; while the thread is busy (most of the
// time in an fsync) inserts from concurrent sessions queue up, and after each turn of work the
// thread commits all of them in one transaction, so N concurrent senders cost one fsync
// instead of N. Each session still gets its 2103 only after its own message is durable.
//
// After a group commit the thread polls for new work for a moment before it sleeps, so that a
// client sending message after message does not wait for a wake-up each time.
#pragma once

#include "core/request_handler.hpp"

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <functional>
#include <thread>
#include <vector>

namespace messageu::server {

class Logger;

class StoreThread {
public:
  // Starts the thread. `handler` (and the store behind it) is used only on that thread from
  // now on, until stop() returns. `on_idle`, if set, runs on that thread after each second
  // without work.
  StoreThread(RequestHandler &handler, Logger &logger, std::function<void()> on_idle = {});
  ~StoreThread();
  StoreThread(const StoreThread &) = delete;
  StoreThread &operator=(const StoreThread &) = delete;

  // Where the work on the store runs. A handler posted here that throws has its error logged.
  boost::asio::io_context::executor_type executor() { return m_io.get_executor(); }
  // The handler, for work running on executor() only.
  RequestHandler &handler() { return m_handler; }

  // On the store thread: commits a finished upload (RequestHandler::commit_sends) with the
  // others of this turn, and resumes with its reply once the commit is durable.
  boost::asio::awaitable<Reply> commit(UploadId upload);

  // Lets the queued work finish, then ends the thread. Idempotent.
  void stop();

private:
  struct PendingCommit {
    UploadId upload;
    std::function<void(Reply)> resume;
  };

  void loop();
  // Runs at least one handler; none when a second passed without work or the thread stops.
  std::size_t run_next_work(bool just_committed);
  void run_idle();
  // Commits the uploads queued this turn; false when there were none.
  bool commit_pending();

  RequestHandler &m_handler;
  Logger &m_logger;
  std::function<void()> m_on_idle;
  boost::asio::io_context m_io{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> m_keep_running;
  std::vector<PendingCommit> m_pending; // only touched on the thread
  std::thread m_thread;
};

} // namespace messageu::server
