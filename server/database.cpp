// The database thread's loop and its group commit.
#include "database.hpp"

#include "core/log.hpp"

#include <fmt/format.h>

namespace messageu::server {

namespace {

// How long the thread waits for work before it runs the idle callback.
constexpr std::chrono::seconds k_idle_period{1};
// After a turn that committed sends the thread looks for new work this long before it sleeps:
// waking a sleeping thread costs tens of microseconds (more on virtual machines), a fifth of a
// send's latency over one connection, and a client that sends again at once is back within
// this time. Other turns (chunks of a large upload, pulls) do not poll: there the wake-up is
// a small part of the work, and polling would take CPU from the clients on the same cores.
constexpr std::chrono::microseconds k_poll_before_sleep{100};

} // namespace

Database::Database(RequestHandler &handler, Logger &logger, std::function<void()> on_idle)
    : m_handler(handler), m_logger(logger), m_on_idle(std::move(on_idle)),
      m_thread([this] { loop(); }) {}

Database::~Database() { stop(); }

boost::asio::awaitable<Reply> Database::commit_send(UploadId upload) {
  auto reply = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<> &,
                                                    void(std::exception_ptr, std::optional<Reply>)>(
      [this](auto handler, UploadId upload) {
        using Handler = decltype(handler);
        enqueue_commit(std::make_unique<SendCommitJob<Handler>>(std::move(handler), upload));
      },
      boost::asio::use_awaitable, upload);
  co_return std::move(*reply);
}

void Database::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_one();
  if (m_thread.joinable())
    m_thread.join();
}

void Database::enqueue(std::unique_ptr<Job> job) {
  {
    std::lock_guard lock(m_mutex);
    m_jobs.push_back(std::move(job));
    m_has_work.store(true, std::memory_order_release);
  }
  m_wake.notify_one();
}

void Database::enqueue_commit(std::unique_ptr<CommitJob> job) {
  {
    std::lock_guard lock(m_mutex);
    m_commits.push_back(std::move(job));
    m_has_work.store(true, std::memory_order_release);
  }
  m_wake.notify_one();
}

void Database::poll_for_work() const {
  auto until = std::chrono::steady_clock::now() + k_poll_before_sleep;
  while (!m_has_work.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < until)
    std::this_thread::yield(); // gives the core to a network thread that has work
}

void Database::loop() {
  bool committed = false; // the last turn committed sends
  for (;;) {
    std::vector<std::unique_ptr<Job>> jobs;
    std::vector<std::unique_ptr<CommitJob>> commits;
    if (committed)
      poll_for_work();
    {
      std::unique_lock lock(m_mutex);
      auto woken = m_wake.wait_for(lock, k_idle_period, [this] {
        return m_stopping || !m_jobs.empty() || !m_commits.empty();
      });
      if (!woken) {
        lock.unlock();
        run_idle();
        committed = false;
        continue;
      }
      if (m_jobs.empty() && m_commits.empty())
        return; // stopping, and nothing is left to do
      jobs.swap(m_jobs);
      commits.swap(m_commits);
      m_has_work.store(false, std::memory_order_relaxed);
    }
    // Each session has at most one job queued, so running this turn's jobs before its
    // commits reorders nothing that any one client could observe.
    for (auto &job : jobs)
      job->run(m_handler);
    committed = !commits.empty();
    if (committed)
      run_commits(commits);
  }
}

void Database::run_idle() {
  if (!m_on_idle)
    return;
  try {
    m_on_idle();
  } catch (const std::exception &error) {
    m_logger.error(fmt::format("idle work failed: {}", error.what()));
  }
}

void Database::run_commits(std::vector<std::unique_ptr<CommitJob>> &commits) {
  // Sends refused while opening are answered at once and leave the batch.
  std::erase_if(commits, [this](std::unique_ptr<CommitJob> &commit) {
    auto refusal = commit->prepare(m_handler);
    if (refusal)
      commit->complete(std::move(*refusal));
    return refusal.has_value();
  });
  if (commits.empty())
    return;
  std::vector<UploadId> uploads;
  uploads.reserve(commits.size());
  for (const auto &commit : commits)
    uploads.push_back(commit->upload());
  std::vector<Reply> replies;
  try {
    replies = m_handler.commit_sends(uploads);
  } catch (const std::exception &error) {
    m_logger.error(
        fmt::format("group commit of {} messages failed: {}", uploads.size(), error.what()));
  }
  for (std::size_t index = 0; index < commits.size(); ++index) {
    if (index < replies.size())
      commits[index]->complete(std::move(replies[index]));
    else
      commits[index]->complete(Reply::error("internal error during commit", LogLevel::error));
  }
  if (commits.size() > 1)
    m_logger.debug(fmt::format("group commit of {} messages", commits.size()));
}

} // namespace messageu::server
