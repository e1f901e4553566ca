// The load's threads, workers and measured window.
#include "load_driver.hpp"

#include "connection_slot.hpp"
#include "watchdog.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <thread>
#include <vector>

namespace messageu::bench {
namespace {

namespace asio = boost::asio;

// How long after the window in-flight requests may still finish before they are cut.
constexpr std::chrono::milliseconds k_stop_grace{1000};
// Connecting every persistent worker must not take longer than this.
constexpr std::chrono::seconds k_connect_limit{30};
// A failing worker pauses this long before its next try, so that a dead server costs an
// error count rather than a spinning core.
constexpr std::chrono::milliseconds k_error_pause{10};

struct Worker {
  Worker(asio::any_io_executor executor, WorkerPlan worker_plan)
      : slot(std::move(executor)), plan(std::move(worker_plan)) {}

  ConnectionSlot slot;
  WorkerPlan plan;
};

// The workers of one thread and what they measured; touched by that thread only.
struct Shard {
  asio::io_context context{1}; // one thread runs it
  std::vector<std::unique_ptr<Worker>> workers;
  std::size_t active = 0;
  LatencyHistogram latency;
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  std::uint64_t connect_failures = 0;
  std::exception_ptr failure;

  std::vector<ConnectionSlot *> slots() {
    std::vector<ConnectionSlot *> all;
    for (auto &worker : workers)
      all.push_back(&worker->slot);
    return all;
  }
};

// Rethrows what escaped a coroutine out of io_context::run, where run_shards catches it.
void rethrow_on_failure(std::exception_ptr failure) {
  if (failure)
    std::rethrow_exception(failure);
}

asio::awaitable<void> pause(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(duration);
  co_await timer.async_wait(asio::use_awaitable);
}

class LoadRun {
public:
  LoadRun(const LoadOptions &options, const Workload &workload,
          const asio::ip::tcp::endpoint &server)
      : m_options(options), m_server(server) {
    for (std::size_t i = 0; i < options.threads; ++i)
      m_shards.push_back(std::make_unique<Shard>());
    for (std::size_t i = 0; i < options.connections; ++i) {
      auto &shard = *m_shards[i % m_shards.size()];
      shard.workers.push_back(
          std::make_unique<Worker>(shard.context.get_executor(), workload.plan_for(i)));
    }
  }

  LoadReport run() {
    if (m_options.mode == ConnectionMode::persistent)
      run_shards(Clock::now() + k_connect_limit,
                 [this](Shard &shard, Worker &worker) { return connect_first(shard, worker); });
    auto start = Clock::now();
    m_deadline = start + m_options.duration;
    run_shards(m_deadline + k_stop_grace,
               [this](Shard &shard, Worker &worker) { return drive(shard, worker); });
    return collect();
  }

private:
  // Runs `body` for every worker on its shard's thread, each shard guarded by a watchdog,
  // until all have returned.
  template <typename Body> void run_shards(Clock::time_point hard_stop, Body body) {
    for (auto &shard_pointer : m_shards) {
      auto &shard = *shard_pointer;
      shard.context.restart();
      shard.active = shard.workers.size();
      for (auto &worker : shard.workers)
        asio::co_spawn(shard.context, body(shard, *worker), rethrow_on_failure);
    }
    std::vector<std::unique_ptr<Watchdog>> watchdogs;
    for (auto &shard_pointer : m_shards) {
      auto *shard = shard_pointer.get();
      watchdogs.push_back(std::make_unique<Watchdog>(shard->slots(), hard_stop,
                                                     [shard] { return shard->active == 0; }));
      asio::co_spawn(shard->context, watchdogs.back()->run(), rethrow_on_failure);
    }
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < m_shards.size(); ++i)
      threads.emplace_back([shard = m_shards[i].get()] { run_context(*shard); });
    run_context(*m_shards.front());
    for (auto &thread : threads)
      thread.join();
    for (auto &shard : m_shards)
      if (shard->failure)
        std::rethrow_exception(shard->failure);
  }

  static void run_context(Shard &shard) {
    try {
      shard.context.run();
    } catch (...) {
      shard.failure = std::current_exception();
    }
  }

  asio::awaitable<void> connect_first(Shard &shard, Worker &worker) {
    bool connected = co_await connect(worker.slot, m_server);
    if (!connected)
      ++shard.connect_failures;
    --shard.active;
  }

  asio::awaitable<void> drive(Shard &shard, Worker &worker) {
    auto &slot = worker.slot;
    bool persistent = m_options.mode == ConnectionMode::persistent;
    while (Clock::now() < m_deadline) {
      // (co_await stays out of conditions and ?: here: g++ 12 miscompiles some of those.)
      if (persistent && !slot.socket.is_open()) {
        bool connected = co_await connect(slot, m_server);
        if (!connected) {
          ++shard.errors;
          co_await pause(k_error_pause);
          continue;
        }
      }
      auto request = worker.plan.next();
      auto start = Clock::now();
      ExchangeStatus status;
      if (persistent)
        status = co_await exchange(slot, request.bytes, m_options.dialect, request.operation);
      else
        status = co_await exchange_on_new_connection(slot, m_server, request.bytes,
                                                     m_options.dialect, request.operation);
      auto end = Clock::now();
      if (end > m_deadline) {
        // A success after the window is not counted; a failure is (the server did not
        // answer within the window and its grace).
        if (status != ExchangeStatus::ok)
          ++shard.errors;
        break;
      }
      if (status == ExchangeStatus::ok) {
        shard.latency.record(end - start);
        ++shard.requests;
        continue;
      }
      ++shard.errors;
      // After a 9000 the stream is still in step; after anything else it cannot be trusted.
      if (status != ExchangeStatus::server_error) {
        slot.close();
        co_await pause(k_error_pause);
      }
    }
    slot.close();
    --shard.active;
  }

  LoadReport collect() const {
    LoadReport report;
    report.elapsed = m_options.duration;
    for (const auto &shard : m_shards) {
      report.requests += shard->requests;
      report.errors += shard->errors;
      report.connect_failures += shard->connect_failures;
      report.latency.merge(shard->latency);
    }
    return report;
  }

  const LoadOptions &m_options;
  asio::ip::tcp::endpoint m_server;
  std::vector<std::unique_ptr<Shard>> m_shards;
  Clock::time_point m_deadline;
};

} // namespace

double LoadReport::rate() const {
  auto seconds = std::chrono::duration<double>(elapsed).count();
  return seconds > 0 ? static_cast<double>(requests) / seconds : 0.0;
}

LoadReport run_load(const LoadOptions &options, const Workload &workload,
                    const asio::ip::tcp::endpoint &server) {
  return LoadRun(options, workload, server).run();
}

} // namespace messageu::bench
