// `pull --exec CMD`: runs the user's command once per message, through /bin/sh -c, with the
// message on its standard input and what describes it in environment variables, and says how
// it ended. Nothing here decides what an exit status means for the message: pull does.
//
// A command may hang (on a message made to confuse it, or on its own): it gets a time limit,
// after which its process group (it runs in one of its own, with what it started) is sent
// SIGTERM, and SIGKILL k_hook_kill_grace later if it still runs. SIGINT, SIGTERM and SIGHUP
// sent to this process while it runs are passed on to it first.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/result.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace messageu::cli {

using Environment = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::chrono::seconds k_hook_kill_grace{5};

struct HookOutcome {
  int status = 0;         // the exit status, or 128 + the signal that ended it
  bool timed_out = false; // it ran past its time limit and was stopped
};

// Runs `command` with `input` on its standard input and `environment` added to this
// process's, and waits for it, at most `time_limit` (zero: no limit) before stopping it. Its
// standard output and error are this process's. It cannot be started → Errc::io_error.
Result<HookOutcome> run_hook(const std::string &command, ByteView input,
                             const Environment &environment, std::chrono::milliseconds time_limit);

} // namespace messageu::cli
