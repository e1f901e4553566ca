// `pull --exec CMD`: runs the user's command once per message, through /bin/sh -c, with the
// message on its standard input and what describes it in environment variables, and says how
// it ended. Nothing here decides what an exit status means for the message: pull does.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/result.hpp>

#include <string>
#include <utility>
#include <vector>

namespace messageu::cli {

using Environment = std::vector<std::pair<std::string, std::string>>;

// Runs `command` with `input` on its standard input and `environment` added to this
// process's, and waits for it. Its standard output and error are this process's. Returns its
// exit status, or 128 + the signal that killed it. It cannot be started → Errc::io_error.
Result<int> run_hook(const std::string &command, ByteView input, const Environment &environment);

} // namespace messageu::cli
