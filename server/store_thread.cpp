// The store thread's loop and its group commit.
#include "store_thread.hpp"

#include "core/log.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <chrono>
#include <memory>

namespace messageu::server {

namespace {

namespace asio = boost::asio;

// How long the thread waits for work before it runs the idle callback.
constexpr std::chrono::seconds k_idle_period{1};
// After a turn that committed sends the thread looks for new work this long before it sleeps:
// waking a sleeping thread costs tens of microseconds (more on virtual machines), a fifth of a
// send's latency over one connection, and a client that sends again at once is back within
// this time. Other turns (chunks of a large upload, pulls) do not poll: there the wake-up is
// a small part of the work, and polling would take CPU from the clients on the same cores.
constexpr std::chrono::microseconds k_poll_before_sleep{100};

} // namespace

StoreThread::StoreThread(RequestHandler &handler, Logger &logger, std::function<void()> on_idle)
    : m_handler(handler), m_logger(logger), m_on_idle(std::move(on_idle)),
      m_keep_running(m_io.get_executor()), m_thread([this] { loop(); }) {}

StoreThread::~StoreThread() { stop(); }

asio::awaitable<Reply> StoreThread::commit(UploadId upload) {
  return asio::async_initiate<const asio::use_awaitable_t<> &, void(Reply)>(
      [this, upload](auto resume) {
        // The coroutine's handler can only be moved; the queue keeps it behind a pointer.
        auto shared = std::make_shared<decltype(resume)>(std::move(resume));
        m_pending.push_back({upload, [shared](Reply reply) { (*shared)(std::move(reply)); }});
      },
      asio::use_awaitable);
}

void StoreThread::stop() {
  m_keep_running.reset(); // the executor runs out of work once the queued work is done
  if (m_thread.joinable())
    m_thread.join();
}

void StoreThread::loop() {
  bool committed = false; // the last turn committed sends
  for (;;) {
    try {
      if (run_next_work(committed) == 0) {
        if (m_io.stopped())
          return; // stopping, and nothing is left to do
        run_idle();
        committed = false;
        continue;
      }
      m_io.poll(); // the rest of what came meanwhile: sends among it queue their commits
    } catch (const std::exception &error) {
      // Only posted work, which nobody waits for, throws this far: the thread goes on.
      m_logger.error(fmt::format("work on the store failed: {}", error.what()));
    } catch (...) {
      m_logger.error("work on the store failed");
    }
    committed = commit_pending();
  }
}

std::size_t StoreThread::run_next_work(bool just_committed) {
  if (just_committed) {
    auto until = std::chrono::steady_clock::now() + k_poll_before_sleep;
    do {
      if (auto ran = m_io.poll_one())
        return ran;
      std::this_thread::yield(); // gives the core to a network thread that has work
    } while (std::chrono::steady_clock::now() < until);
  }
  return m_io.run_one_for(k_idle_period);
}

void StoreThread::run_idle() {
  if (!m_on_idle)
    return;
  try {
    m_on_idle();
  } catch (const std::exception &error) {
    m_logger.error(fmt::format("idle work failed: {}", error.what()));
  }
}

bool StoreThread::commit_pending() {
  if (m_pending.empty())
    return false;
  auto pending = std::exchange(m_pending, {});
  std::vector<UploadId> uploads;
  uploads.reserve(pending.size());
  for (const auto &commit : pending)
    uploads.push_back(commit.upload);
  std::vector<Reply> replies;
  try {
    replies = m_handler.commit_sends(uploads);
  } catch (const std::exception &error) {
    m_logger.error(
        fmt::format("group commit of {} messages failed: {}", uploads.size(), error.what()));
  }
  // Each waiting coroutine resumes here, on this thread (its executor), and hands its reply
  // back to its session.
  for (std::size_t index = 0; index < pending.size(); ++index) {
    if (index < replies.size())
      pending[index].resume(std::move(replies[index]));
    else
      pending[index].resume(Reply::error("internal error during commit", LogLevel::error));
  }
  if (pending.size() > 1)
    m_logger.debug(fmt::format("group commit of {} messages", pending.size()));
  return true;
}

} // namespace messageu::server
