// The exit statuses of both programs (CLI.md §6, the sysexits.h numbers), defined once so that
// `messageu` and `messageu-server` cannot drift apart. Which error leads to which status is
// each program's own rule (client/exit_code.hpp for the client).
#pragma once

namespace messageu {

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
  temporary_failure = 75, // cannot connect, timed out, profile locked, port in use
  protocol_error = 76,    // the server's answer is malformed or unexpected
  key_changed = 77,       // a pinned key changed, a downgrade was refused, or the profile is
                          // open to others: the security refusals
  config = 78,            // no or invalid server.info / my.info / port file, (not) registered
};

// The number a process returns for `code`.
constexpr int exit_status(ExitCode code) { return static_cast<int>(code); }

} // namespace messageu
