// The watchdog's polling loop.
#include "watchdog.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace messageu::bench {
namespace {

// Often enough that a stop is prompt, rarely enough to cost nothing next to the load.
constexpr std::chrono::milliseconds k_poll_interval{50};
// After the hard stop the watched work should end at once; if some of it never does (a bug),
// the watchdog ends anyway so that the io_context, and the program, can finish.
constexpr std::chrono::milliseconds k_give_up_after{2000};

} // namespace

boost::asio::awaitable<void> Watchdog::run() {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  while (!m_finished()) {
    timer.expires_after(k_poll_interval);
    co_await timer.async_wait(boost::asio::use_awaitable);
    auto now = Clock::now();
    inspect(now);
    if (now >= m_hard_stop + k_give_up_after)
      co_return;
  }
}

void Watchdog::inspect(Clock::time_point now) {
  bool stop_all = now >= m_hard_stop;
  for (auto *slot : m_slots) {
    bool stuck = slot->busy_since && now - *slot->busy_since > k_request_timeout;
    if (stop_all || stuck)
      slot->close();
  }
}

} // namespace messageu::bench
