// The one mapping from an error code to the exit status of `messageu` (CLI.md §6), so that a
// script can tell "try again later" from "the server refused" from "fix your profile" without
// reading the message.
#pragma once

#include <messageu/util/exit_code.hpp>
#include <messageu/util/result.hpp>

namespace messageu::client {

// The exit status for a failure of kind `code`. Total: every Errc has exactly one status.
ExitCode exit_code_for(Errc code);

} // namespace messageu::client
