// When a connection has taken too long, whatever the peer does: the one deadline a session's
// watchdog waits for, kept per step of the connection's life so that a peer dribbling a byte
// now and then cannot hold a connection for ever (slowloris).
//
//   idle       waiting for the first byte of a request: --idle-timeout from then;
//   request    a request's header and fixed part (a non-send payload, a send's 21-byte
//              prefix): --request-timeout from its first byte, however the bytes trickle in;
//   receiving  a send's content (or a refused payload being skipped), and
//   sending    an answer: the peer must keep up --min-receive-rate / --min-send-rate bytes
//              per second on average. Each byte earns 1/rate s of time, and at most
//              --request-timeout of earned time is kept, so a fast start buys no long stall
//              later. With the rate off, the idle timeout bounds each stall instead.
//   waiting    a WAIT the server holds (PROTOCOL.md §11): the peer asked for that time, so
//              neither timeout runs; the session answers when it ends, and this deadline is
//              only a backstop --request-timeout after it.
//
// Time spent waiting for the store thread is the server's, not the peer's: it is paused.
// The same state ranks connections when the server is full and one must make room.
//
// Pure: the caller passes the time; used on the network thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace messageu::server {

inline constexpr std::chrono::milliseconds k_default_request_timeout{10'000};
inline constexpr std::uint64_t k_default_min_receive_rate = 4096;
inline constexpr std::uint64_t k_default_min_send_rate = 4096;

struct DeadlineOptions {
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds request_timeout = k_default_request_timeout;
  std::uint64_t min_receive_rate = k_default_min_receive_rate; // bytes/s; 0: off
  std::uint64_t min_send_rate = k_default_min_send_rate;       // bytes/s; 0: off
};

// Which connection makes room first when the server is full: the smaller rank goes first.
// Connections idle for k_eviction_grace or more come first, the longest idle first; then those
// mid-request or mid-answer, the slowest (fewest bytes per second since the request or answer
// began) first; last those idle for less (just accepted, or just answered), so that a new
// client is not closed before its first request could be read.
using EvictionRank = std::pair<int, double>;
inline constexpr std::chrono::seconds k_eviction_grace{1};

class ConnectionDeadline {
public:
  using TimePoint = std::chrono::steady_clock::time_point;
  enum class Step { idle, request, receiving, sending, waiting };

  // Starts idle at `now`.
  ConnectionDeadline(const DeadlineOptions &options, TimePoint now);

  void wait_for_request(TimePoint now);
  // The first byte of a request's header arrived.
  void begin_request(TimePoint now);
  // The fixed part is read: a send's content (or a payload being skipped) follows.
  void begin_receiving(TimePoint now);
  void begin_sending(TimePoint now);
  // The server holds the request until `until` at the latest.
  void begin_waiting(TimePoint now, TimePoint until);
  // `bytes` more moved in the current step.
  void progress(std::uint64_t bytes, TimePoint now);
  // While paused (waiting for the store thread) nothing expires; resuming moves every
  // deadline on by the time paused.
  void pause(TimePoint now);
  void resume(TimePoint now);

  // TimePoint::max() while paused.
  TimePoint deadline() const;
  bool expired(TimePoint now) const { return now >= deadline(); }
  // Why the deadline is what it is, for the log line of a closed connection.
  std::string reason() const;

  Step step() const { return m_step; }
  // Nullopt while paused: a connection the server is working for is never chosen.
  std::optional<EvictionRank> eviction_rank(TimePoint now) const;

private:
  std::uint64_t current_rate() const;
  void begin_step(Step step, TimePoint now);

  DeadlineOptions m_options;
  Step m_step = Step::idle;
  TimePoint m_step_started;  // idle: since when; request and sending: since their start
  TimePoint m_last_progress; // the idle timeout counts from here
  TimePoint m_rate_deadline; // receiving and sending, with a rate; waiting: the wait's end
  std::uint64_t m_bytes = 0; // moved since the request (or the answer) began
  std::optional<TimePoint> m_paused_at;
};

} // namespace messageu::server
