// The database thread. The store is single-threaded and its commits wait for fsync, so it
// lives on one dedicated thread and the network thread never blocks on the disk: a session
// posts work here and co_awaits the result, which comes back on the session's executor.
//
// When no work has come for a second, the thread runs the idle callback (the server writes
// the store's LastSeen times kept in memory then).
//
// Group commit: message inserts are not run one by one. While the thread is busy (most of
// the time in an fsync), inserts from concurrent sessions queue up, and the next turn commits
// all of them in one transaction, so N concurrent senders cost one fsync instead of N. Each
// session still gets its 2103 only after its own message is durable.
//
// After a group commit the thread polls for new work for a moment before it sleeps on the
// condition variable, so that a client sending message after message does not wait for a
// wake-up each time.
#pragma once

#include "core/request_handler.hpp"

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

namespace messageu::server {

class Logger;

class Database {
public:
  // Starts the thread. `handler` (and the store behind it) is used only on that thread from
  // now on, until stop() returns. `on_idle`, if set, runs on that thread after each second
  // without work.
  Database(RequestHandler &handler, Logger &logger, std::function<void()> on_idle = {});
  ~Database();
  Database(const Database &) = delete;
  Database &operator=(const Database &) = delete;

  // Runs `work(handler)` on the database thread; the coroutine resumes with its result (an
  // exception thrown by `work` is rethrown in the coroutine). `work` must return a value.
  template <typename Work>
  boost::asio::awaitable<std::invoke_result_t<Work &, RequestHandler &>> run(Work work);

  // Commits a finished upload (RequestHandler::commit_sends) in the next group commit and
  // resumes with its reply.
  boost::asio::awaitable<Reply> commit_send(UploadId upload);

  // For a send whose content arrived whole: runs `begin(handler)` (RequestHandler::begin_send,
  // returning a refusal or an upload) in the next group commit, and commits the upload there,
  // so that the send costs one trip to this thread instead of two. Resumes with the refusal
  // or the commit's reply.
  template <typename Begin> boost::asio::awaitable<Reply> open_and_commit_send(Begin begin);

  // Runs `work(handler)` on the database thread without waiting for it (cleanup after a
  // broken connection).
  template <typename Work> void post(Work work);

  // Lets the queued work finish, then ends the thread. Idempotent.
  void stop();

private:
  class Job {
  public:
    virtual ~Job() = default;
    virtual void run(RequestHandler &handler) = 0;
  };
  class CommitJob {
  public:
    virtual ~CommitJob() = default;
    // Runs first in the commit's turn: a reply here (a refused send) completes the job
    // without committing anything.
    virtual std::optional<Reply> prepare(RequestHandler &) { return std::nullopt; }
    virtual UploadId upload() const = 0;
    virtual void complete(Reply reply) = 0;
  };
  template <typename T, typename Handler, typename Work> class WorkJob;
  template <typename Handler> class SendCommitJob;
  template <typename Handler, typename Begin> class WholeSendJob;
  template <typename Work> class PostedJob;

  void enqueue(std::unique_ptr<Job> job);
  void enqueue_commit(std::unique_ptr<CommitJob> job);
  void poll_for_work() const;
  void loop();
  void run_idle();
  void run_commits(std::vector<std::unique_ptr<CommitJob>> &commits);

  RequestHandler &m_handler;
  Logger &m_logger;
  std::function<void()> m_on_idle;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::vector<std::unique_ptr<Job>> m_jobs;
  std::vector<std::unique_ptr<CommitJob>> m_commits;
  bool m_stopping = false;
  std::atomic<bool> m_has_work{false}; // jobs or commits queued (read without the mutex)
  std::thread m_thread;
};

// Delivers a result to a coroutine on its own executor, keeping that executor's event loop
// alive until then.
template <typename T, typename Handler> class Delivery {
public:
  explicit Delivery(Handler handler)
      : m_handler(std::move(handler)),
        m_guard(boost::asio::make_work_guard(boost::asio::get_associated_executor(m_handler))) {}

  void operator()(std::exception_ptr error, std::optional<T> value) {
    auto executor = boost::asio::get_associated_executor(m_handler);
    boost::asio::post(executor,
                      [handler = std::move(m_handler), error, value = std::move(value)]() mutable {
                        handler(error, std::move(value));
                      });
    m_guard.reset();
  }

private:
  Handler m_handler;
  boost::asio::executor_work_guard<boost::asio::associated_executor_t<Handler>> m_guard;
};

template <typename T, typename Handler, typename Work>
class Database::WorkJob : public Database::Job {
public:
  WorkJob(Handler handler, Work work) : m_delivery(std::move(handler)), m_work(std::move(work)) {}

  void run(RequestHandler &handler) override {
    std::optional<T> value;
    std::exception_ptr error;
    try {
      value.emplace(m_work(handler));
    } catch (...) {
      error = std::current_exception();
    }
    m_delivery(error, std::move(value));
  }

private:
  Delivery<T, Handler> m_delivery;
  Work m_work;
};

template <typename Handler> class Database::SendCommitJob : public Database::CommitJob {
public:
  SendCommitJob(Handler handler, UploadId upload)
      : m_delivery(std::move(handler)), m_upload(upload) {}

  UploadId upload() const override { return m_upload; }
  void complete(Reply reply) override { m_delivery(nullptr, std::move(reply)); }

private:
  Delivery<Reply, Handler> m_delivery;
  UploadId m_upload;
};

template <typename Handler, typename Begin>
class Database::WholeSendJob : public Database::CommitJob {
public:
  WholeSendJob(Handler handler, Begin begin)
      : m_delivery(std::move(handler)), m_begin(std::move(begin)) {}

  std::optional<Reply> prepare(RequestHandler &handler) override {
    try {
      auto started = m_begin(handler);
      if (auto *refusal = std::get_if<Reply>(&started))
        return std::move(*refusal);
      m_upload = std::get<UploadId>(started);
      return std::nullopt;
    } catch (const std::exception &error) {
      return Reply::error(std::string("cannot open the send: ") + error.what(), LogLevel::error);
    }
  }
  UploadId upload() const override { return m_upload; }
  void complete(Reply reply) override { m_delivery(nullptr, std::move(reply)); }

private:
  Delivery<Reply, Handler> m_delivery;
  Begin m_begin;
  UploadId m_upload{};
};

template <typename Work> class Database::PostedJob : public Database::Job {
public:
  explicit PostedJob(Work work) : m_work(std::move(work)) {}
  // Nobody waits for this work: a failure has nowhere to go, and must not end the thread.
  void run(RequestHandler &handler) override {
    try {
      m_work(handler);
    } catch (...) {
    }
  }

private:
  Work m_work;
};

template <typename Work>
boost::asio::awaitable<std::invoke_result_t<Work &, RequestHandler &>> Database::run(Work work) {
  using T = std::invoke_result_t<Work &, RequestHandler &>;
  static_assert(!std::is_void_v<T>, "database work must return a value");
  auto value = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<> &,
                                                    void(std::exception_ptr, std::optional<T>)>(
      [this](auto handler, Work work) {
        using Handler = decltype(handler);
        enqueue(std::make_unique<WorkJob<T, Handler, Work>>(std::move(handler), std::move(work)));
      },
      boost::asio::use_awaitable, std::move(work));
  co_return std::move(*value);
}

template <typename Begin>
boost::asio::awaitable<Reply> Database::open_and_commit_send(Begin begin) {
  auto reply = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<> &,
                                                    void(std::exception_ptr, std::optional<Reply>)>(
      [this](auto handler, Begin begin) {
        using Handler = decltype(handler);
        enqueue_commit(
            std::make_unique<WholeSendJob<Handler, Begin>>(std::move(handler), std::move(begin)));
      },
      boost::asio::use_awaitable, std::move(begin));
  co_return std::move(*reply);
}

template <typename Work> void Database::post(Work work) {
  enqueue(std::make_unique<PostedJob<Work>>(std::move(work)));
}

} // namespace messageu::server
