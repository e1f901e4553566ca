// The one mapping from an error code to the exit status of `messageu` (CLI.md §6), so that a
// script can tell "try again later" from "the server refused" from "fix your profile" without
// reading the message.
#pragma once

#include <messageu/util/result.hpp>

namespace messageu::client {

// The exit statuses of CLI.md §6 (the sysexits.h numbers).
enum class ExitCode : int {
  success = 0,
  partial = 1,            // partly done: some items handled, the others kept and reported
  usage = 64,             // unknown option, missing argument
  bad_data = 65,          // invalid name, a file too large for the protocol
  no_input = 66,          // input file not found or unreadable
  unknown_user = 67,      // no such user, even after refreshing the list
  no_host = 68,           // the server's host name does not exist (a typo: retrying won't help)
  server_error = 69,      // the server answered 9000
  internal = 70,          // a bug
  cannot_create = 73,     // an output file cannot be created
  io_error = 74,          // local I/O error
  temporary_failure = 75, // cannot connect, timed out, profile locked
  protocol_error = 76,    // the server's answer is malformed or unexpected
  key_changed = 77,       // a pinned key changed, a downgrade was refused, or the profile is
                          // open to others: the security refusals
  config = 78,            // no or invalid server.info / my.info, (not) registered
};

// The exit status for a failure of kind `code`. Total: every Errc has exactly one status.
ExitCode exit_code_for(Errc code);

inline int exit_status(ExitCode code) { return static_cast<int>(code); }

} // namespace messageu::client
