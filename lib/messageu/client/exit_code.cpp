// Errc → exit status (CLI.md §6). Errors that describe the server's answer are protocol
// errors; errors that describe local files and the database are local I/O errors.
#include <messageu/client/exit_code.hpp>

namespace messageu::client {

ExitCode exit_code_for(Errc code) {
  switch (code) {
  case Errc::invalid_argument: return ExitCode::usage;
  case Errc::bad_data:
  case Errc::too_large:
  case Errc::decrypt_failed: return ExitCode::bad_data;
  case Errc::truncated:
  case Errc::size_mismatch:
  case Errc::unknown_code:
  case Errc::unexpected_code:
  case Errc::bad_key: return ExitCode::protocol_error;
  case Errc::file_not_found: return ExitCode::no_input;
  case Errc::cannot_create: return ExitCode::cannot_create;
  case Errc::io_error:
  case Errc::storage: return ExitCode::io_error;
  case Errc::unavailable:
  case Errc::connection_closed: return ExitCode::temporary_failure;
  case Errc::unknown_host: return ExitCode::no_host;
  case Errc::server_error:
  case Errc::name_taken: return ExitCode::server_error;
  case Errc::unknown_user: return ExitCode::unknown_user;
  case Errc::key_changed:
  case Errc::insecure_profile: return ExitCode::key_changed;
  case Errc::config: return ExitCode::config;
  case Errc::internal: return ExitCode::internal;
  case Errc::partial: return ExitCode::partial;
  }
  return ExitCode::internal;
}

} // namespace messageu::client
