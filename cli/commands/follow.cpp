// `messageu pull --follow` and `pull --wait SECONDS` (CLI.md, PROTOCOL.md §11): receive as
// messages arrive. A first batch delivers what already waits; then, on an authenticated
// session, each WAIT the server answers with messages becomes a batch (spool, ACK, deliver,
// exactly as one pull), and against a server without WAIT a pull runs every --interval.
//
// A lost connection is said once on stderr and retried with a growing delay until the
// server is back. SIGINT and SIGTERM end the command with status 0: between batches at once
// (nothing is held that the server does not still keep), during a batch once it is done.
// The inbox lock is held for the whole run (one receiver at a time); the profile lock is not,
// so other commands (a send from an --exec script among them) run at any time.
#include "common.hpp"
#include "pull.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include <unistd.h>

namespace messageu::cli {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The longest WAIT asked for at once; the next one follows at once.
constexpr std::uint32_t k_wait_slice_ms = 60'000;
constexpr milliseconds k_first_retry_delay{500};
constexpr milliseconds k_longest_retry_delay{30'000};

// Set while a batch holds messages the server may already have forgotten.
std::atomic<bool> g_in_batch{false};
volatile std::sig_atomic_t g_stop_requested = 0;

extern "C" void on_stop_signal(int) {
  if (!g_in_batch.load())
    ::_exit(0); // everything delivered so far is written; the server keeps the rest
  g_stop_requested = 1;
}

// SIGINT and SIGTERM end the follow cleanly while it runs.
class StopSignals {
public:
  StopSignals() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &m_previous_int);
    ::sigaction(SIGTERM, &action, &m_previous_term);
  }
  ~StopSignals() {
    ::sigaction(SIGINT, &m_previous_int, nullptr);
    ::sigaction(SIGTERM, &m_previous_term, nullptr);
  }
  StopSignals(const StopSignals &) = delete;
  StopSignals &operator=(const StopSignals &) = delete;

private:
  struct sigaction m_previous_int {};
  struct sigaction m_previous_term {};
};

struct BatchInProgress {
  BatchInProgress() { g_in_batch.store(true); }
  ~BatchInProgress() { g_in_batch.store(false); }
};

// The server or the connection went away: worth trying again later.
bool is_connection_loss(const Error &error) {
  return error.code == Errc::unavailable || error.code == Errc::connection_closed ||
         error.code == Errc::io_error || error.code == Errc::truncated;
}

class Follower {
public:
  Follower(Context &context, const PullOptions &options) : m_context(context), m_options(options) {
    if (options.wait_seconds)
      m_until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(*options.wait_seconds));
  }

  Status run() {
    bool first = true;
    while (true) {
      auto delivered = first ? batch_now() : next_batch();
      first = false;
      if (!delivered && !is_connection_loss(delivered.error())) {
        if (delivered.error().code != Errc::partial || m_until)
          return delivered.error(); // kept messages are retried by the next batch
      } else if (!delivered) {
        MESSAGEU_TRY(reconnect(delivered.error()));
      } else if (m_until && *delivered > 0) {
        return {};
      }
      if (g_stop_requested != 0)
        return {};
      if (time_is_up()) {
        m_context.output().note("no new messages");
        return {};
      }
    }
  }

private:
  Result<std::size_t> batch_now() {
    BatchInProgress batch;
    return pull_batch(m_context, m_options, true);
  }

  Result<std::size_t> next_batch() {
    auto *link = MESSAGEU_TRY(m_context.user_link());
    if (!m_polling && !link->authenticated())
      start_polling("the server offers no authenticated sessions");
    if (m_polling) {
      pause(std::chrono::duration_cast<milliseconds>(
          std::chrono::duration<double>(m_options.interval_seconds)));
      return time_is_up() ? Result<std::size_t>(std::size_t{0}) : batch_now();
    }
    auto waited =
        wait_batch(m_context, m_options, wait_milliseconds(), [] { g_in_batch.store(true); });
    g_in_batch.store(false);
    if (!waited && waited.error().code == Errc::server_error) {
      start_polling("the server does not offer WAIT");
      return std::size_t{0};
    }
    return waited;
  }

  std::uint32_t wait_milliseconds() const {
    if (!m_until)
      return k_wait_slice_ms;
    auto left = std::chrono::duration_cast<milliseconds>(*m_until - Clock::now()).count();
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(left, 1, k_wait_slice_ms));
  }

  void start_polling(const std::string &why) {
    m_polling = true;
    m_context.output().warning(why + ": polling every " + seconds_text(m_options.interval_seconds) +
                               " s");
  }

  bool time_is_up() const { return m_until && Clock::now() >= *m_until; }

  // Sleeps `delay`, or until the --wait time is up. A signal ends the process meanwhile.
  void pause(milliseconds delay) const {
    auto wake = Clock::now() + delay;
    if (m_until)
      wake = std::min(wake, *m_until);
    std::this_thread::sleep_until(wake);
  }

  // Tries again with a growing delay until the session is back (or the --wait time is up);
  // says so once.
  Status reconnect(const Error &lost) {
    auto &output = m_context.output();
    output.warning("lost the server (" + lost.message + "): reconnecting");
    for (auto delay = k_first_retry_delay; !time_is_up();
         delay = std::min(delay * 2, k_longest_retry_delay)) {
      pause(delay);
      if (time_is_up())
        break;
      auto restarted = m_context.restart_session();
      if (restarted) {
        output.note("reconnected");
        return {};
      }
      if (!is_connection_loss(restarted.error()))
        return restarted.error();
    }
    return {};
  }

  Context &m_context;
  const PullOptions &m_options;
  std::optional<Clock::time_point> m_until;
  bool m_polling = false;
};

} // namespace

Status follow(Context &context, const PullOptions &options) {
  StopSignals signals;
  return Follower(context, options).run();
}

void add_follow_options(CLI::App &app, PullOptions &options) {
  auto *follow = app.add_flag("--follow", options.follow,
                              "Keep running and print each message as it arrives (until "
                              "SIGINT or SIGTERM)");
  app.add_option("--wait", options.wait_seconds,
                 "Wait at most SECONDS for messages; return after the first that arrive")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.001, 31'536'000.0))
      ->excludes(follow);
  app.add_option("--interval", options.interval_seconds,
                 "With --follow or --wait against a server without WAIT: seconds between "
                 "pulls (at least 1, default 5)")
      ->type_name("SECONDS")
      ->check(CLI::Range(1.0, 86'400.0));
  auto *exec = app.add_option("--exec", options.exec,
                              "Run CMD (with sh -c) for each message: message on stdin, "
                              "MESSAGEU_FROM, MESSAGEU_FROM_ID, MESSAGEU_MESSAGE_ID, "
                              "MESSAGEU_TYPE, MESSAGEU_FILE in the environment; kept for the "
                              "next pull unless CMD exits 0")
                   ->type_name("CMD");
  app.add_option("--exec-timeout", options.exec_timeout_seconds,
                 "Stop an --exec command running longer than SECONDS (SIGTERM, SIGKILL 5 s "
                 "later) and keep its message (default 300, 0: no limit)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 31'536'000.0))
      ->needs(exec);
}

} // namespace messageu::cli
