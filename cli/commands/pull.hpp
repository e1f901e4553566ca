// What `messageu pull` and its following modes share: the options, one batch (fetch into the
// spool, then deliver), and the follow loop (follow.cpp) that repeats batches as messages
// arrive.
#pragma once

#include "../context.hpp"

#include <messageu/client/server_link.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace messageu::cli {

struct PullOptions {
  std::string save_dir;
  bool reply_key_requests = false;
  bool discard_undecryptable = false;
  bool raw = false; // texts printed as they are, control characters and all
  std::string exec; // --exec: run for each message; it leaves the spool only on exit 0
  double exec_timeout_seconds = 300; // --exec-timeout: then the command is stopped; 0: never
  bool follow = false;
  std::optional<double> wait_seconds; // --wait: return after the first batch or this long
  double interval_seconds = 5;        // polling a server without WAIT
};

// Pulls what waits into the spool and delivers the spool; returns how many messages were
// delivered or kept. The caller holds the inbox lock (Context::lock_inbox).
Result<std::size_t> pull_batch(Context &context, const PullOptions &options, bool quiet_when_empty);
// The same over a WAIT of at most `milliseconds` (PROTOCOL.md §11) on the authenticated link:
// the spool is touched only once a message arrives. A server without WAIT →
// Errc::server_error.
// `on_arrival` runs when the first message arrives, before anything is spooled.
Result<std::size_t> wait_batch(Context &context, const PullOptions &options,
                               std::uint32_t milliseconds, const std::function<void()> &on_arrival);

// --follow and --wait: batches until interrupted (SIGINT, SIGTERM: exit 0, nothing lost) or,
// with --wait, until one delivered something or the time is up.
Status follow(Context &context, const PullOptions &options);
void add_follow_options(CLI::App &app, PullOptions &options);

// A pull handler made only when the first message arrives (`open` may fail, which ends the
// exchange with its error).
class LazyPullHandler : public client::PullHandler {
public:
  using Open = std::function<Result<client::PullHandler *>()>;
  explicit LazyPullHandler(Open open) : m_open(std::move(open)) {}

  Status on_message(const protocol::PulledMessageHeader &header) override {
    if (m_handler == nullptr)
      m_handler = MESSAGEU_TRY(m_open());
    return m_handler->on_message(header);
  }
  Status on_content(ByteView chunk) override { return m_handler->on_content(chunk); }
  Status on_message_end() override { return m_handler->on_message_end(); }

private:
  Open m_open;
  client::PullHandler *m_handler = nullptr;
};

} // namespace messageu::cli
