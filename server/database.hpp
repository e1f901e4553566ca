// The database thread. The store is single-threaded and its commits wait for fsync, so it
// lives on one dedicated thread and the network thread never blocks on the disk: a session
// posts work here and co_awaits the result, which comes back on the session's executor.
//
// Group commit: message inserts are not run one by one. While the thread is busy (most of
// the time in an fsync), inserts from concurrent sessions queue up, and the next turn commits
// all of them in one transaction, so N concurrent senders cost one fsync instead of N. Each
// session still gets its 2103 only after its own message is durable.
#pragma once

#include "core/request_handler.hpp"

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace messageu::server {

class Logger;

class Database {
public:
  // Starts the thread. `handler` (and the store behind it) is used only on that thread from
  // now on, until stop() returns.
  Database(RequestHandler &handler, Logger &logger);
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
    virtual UploadId upload() const = 0;
    virtual void complete(Reply reply) = 0;
  };
  template <typename T, typename Handler, typename Work> class WorkJob;
  template <typename Handler> class SendCommitJob;
  template <typename Work> class PostedJob;

  void enqueue(std::unique_ptr<Job> job);
  void enqueue_commit(std::unique_ptr<CommitJob> job);
  void loop();
  void run_commits(std::vector<std::unique_ptr<CommitJob>> &commits);

  RequestHandler &m_handler;
  Logger &m_logger;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::vector<std::unique_ptr<Job>> m_jobs;
  std::vector<std::unique_ptr<CommitJob>> m_commits;
  bool m_stopping = false;
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

template <typename Work> void Database::post(Work work) {
  enqueue(std::make_unique<PostedJob<Work>>(std::move(work)));
}

} // namespace messageu::server
