// Keeps the load generator from hanging on a server that stops answering: it looks at a set
// of connection slots a few times a second and closes any slot busy for longer than the
// request timeout, and every slot once the hard stop time has passed. Closing a slot makes
// its pending operation fail at once, so its worker counts an error and goes on (or ends).
#pragma once

#include "connection_slot.hpp"

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

namespace messageu::bench {

inline constexpr std::chrono::milliseconds k_request_timeout{5000};

class Watchdog {
public:
  // `finished` says when the watched work is over, so that the watchdog ends too.
  Watchdog(std::vector<ConnectionSlot *> slots, Clock::time_point hard_stop,
           std::function<bool()> finished)
      : m_slots(std::move(slots)), m_hard_stop(hard_stop), m_finished(std::move(finished)) {}

  // Runs on the slots' executor (they share one thread) until `finished` is true.
  boost::asio::awaitable<void> run();

private:
  void inspect(Clock::time_point now);

  std::vector<ConnectionSlot *> m_slots;
  Clock::time_point m_hard_stop;
  std::function<bool()> m_finished;
};

} // namespace messageu::bench
