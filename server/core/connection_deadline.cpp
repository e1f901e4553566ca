// The per-step deadlines of a connection.
#include "core/connection_deadline.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace messageu::server {

namespace {

using Nanoseconds = std::chrono::nanoseconds;

// The time `bytes` earn at `rate` bytes per second (capped: the caller caps it further).
Nanoseconds earned_by(std::uint64_t bytes, std::uint64_t rate) {
  constexpr std::uint64_t k_max_bytes = std::uint64_t{1} << 32;
  return Nanoseconds(std::min(bytes, k_max_bytes) * 1'000'000'000ull / rate);
}

} // namespace

ConnectionDeadline::ConnectionDeadline(const DeadlineOptions &options, TimePoint now)
    : m_options(options) {
  begin_step(Step::idle, now);
}

void ConnectionDeadline::begin_step(Step step, TimePoint now) {
  m_step = step;
  m_step_started = now;
  m_last_progress = now;
  m_rate_deadline = now + m_options.request_timeout;
}

void ConnectionDeadline::wait_for_request(TimePoint now) { begin_step(Step::idle, now); }

void ConnectionDeadline::begin_request(TimePoint now) {
  begin_step(Step::request, now);
  m_bytes = 0;
}

void ConnectionDeadline::begin_receiving(TimePoint now) {
  // The request's start and byte count go on: the ranking sees the whole request.
  m_step = Step::receiving;
  m_last_progress = now;
  m_rate_deadline = now + m_options.request_timeout;
}

void ConnectionDeadline::begin_sending(TimePoint now) {
  begin_step(Step::sending, now);
  m_bytes = 0;
}

void ConnectionDeadline::begin_waiting(TimePoint now, TimePoint until) {
  begin_step(Step::waiting, now);
  m_rate_deadline = until;
}

void ConnectionDeadline::progress(std::uint64_t bytes, TimePoint now) {
  m_bytes += bytes;
  m_last_progress = now;
  if (auto rate = current_rate(); rate != 0)
    m_rate_deadline =
        std::min(m_rate_deadline + earned_by(bytes, rate), now + m_options.request_timeout);
}

void ConnectionDeadline::pause(TimePoint now) {
  if (!m_paused_at)
    m_paused_at = now;
}

void ConnectionDeadline::resume(TimePoint now) {
  if (!m_paused_at)
    return;
  auto paused = now - *m_paused_at;
  m_paused_at.reset();
  m_step_started += paused;
  m_last_progress += paused;
  m_rate_deadline += paused;
}

std::uint64_t ConnectionDeadline::current_rate() const {
  switch (m_step) {
  case Step::receiving: return m_options.min_receive_rate;
  case Step::sending: return m_options.min_send_rate;
  default: return 0;
  }
}

ConnectionDeadline::TimePoint ConnectionDeadline::deadline() const {
  if (m_paused_at)
    return TimePoint::max();
  auto stalled = m_last_progress + m_options.idle_timeout;
  switch (m_step) {
  case Step::idle: return stalled;
  case Step::request: return std::min(stalled, m_step_started + m_options.request_timeout);
  case Step::receiving:
  case Step::sending: return current_rate() == 0 ? stalled : std::min(stalled, m_rate_deadline);
  case Step::waiting: return m_rate_deadline + m_options.request_timeout;
  }
  return stalled;
}

std::string ConnectionDeadline::reason() const {
  auto stalled = m_last_progress + m_options.idle_timeout;
  auto deadline_now = deadline();
  switch (m_step) {
  case Step::idle: return fmt::format("idle timeout ({} ms)", m_options.idle_timeout.count());
  case Step::request:
    if (deadline_now != stalled)
      return fmt::format("request timeout ({} ms)", m_options.request_timeout.count());
    break;
  case Step::receiving:
  case Step::sending:
    if (deadline_now != stalled)
      return fmt::format("{} below {} bytes/s",
                         m_step == Step::receiving ? "receive rate" : "send rate", current_rate());
    break;
  case Step::waiting:
    return fmt::format("a wait not answered {} ms after its end",
                       m_options.request_timeout.count());
  }
  return fmt::format("no progress for {} ms", m_options.idle_timeout.count());
}

std::optional<EvictionRank> ConnectionDeadline::eviction_rank(TimePoint now) const {
  if (m_paused_at)
    return std::nullopt;
  // A waiting connection is idle as far as the peer is concerned: it makes room like one.
  if (m_step == Step::idle || m_step == Step::waiting) {
    auto since = std::chrono::duration<double>(m_step_started.time_since_epoch()).count();
    return EvictionRank{now - m_step_started >= k_eviction_grace ? 0 : 2, since};
  }
  auto elapsed = std::max(std::chrono::duration<double>(now - m_step_started).count(), 1e-3);
  return EvictionRank{1, static_cast<double>(m_bytes) / elapsed};
}

} // namespace messageu::server
