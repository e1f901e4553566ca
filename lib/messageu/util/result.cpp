// Names of the error codes, for logs and machine-readable output.
#include <messageu/util/result.hpp>

namespace messageu {

std::string_view errc_name(Errc code) {
  switch (code) {
  case Errc::invalid_argument: return "invalid_argument";
  case Errc::bad_data: return "bad_data";
  case Errc::truncated: return "truncated";
  case Errc::size_mismatch: return "size_mismatch";
  case Errc::too_large: return "too_large";
  case Errc::unknown_code: return "unknown_code";
  case Errc::unexpected_code: return "unexpected_code";
  case Errc::bad_key: return "bad_key";
  case Errc::decrypt_failed: return "decrypt_failed";
  case Errc::file_not_found: return "file_not_found";
  case Errc::cannot_create: return "cannot_create";
  case Errc::io_error: return "io_error";
  case Errc::unavailable: return "unavailable";
  case Errc::unknown_host: return "unknown_host";
  case Errc::connection_closed: return "connection_closed";
  case Errc::server_error: return "server_error";
  case Errc::unknown_user: return "unknown_user";
  case Errc::name_taken: return "name_taken";
  case Errc::key_changed: return "key_changed";
  case Errc::config: return "config";
  case Errc::insecure_profile: return "insecure_profile";
  case Errc::storage: return "storage";
  case Errc::internal: return "internal";
  case Errc::partial: return "partial";
  }
  return "internal";
}

} // namespace messageu
