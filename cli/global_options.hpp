// The options every command accepts, before or after the subcommand (CLI.md §2), as parsed.
#pragma once

#include <optional>
#include <string>

namespace messageu::cli {

struct GlobalOptions {
  std::optional<std::string> home;   // --home / $MESSAGEU_HOME
  std::optional<std::string> server; // --server / $MESSAGEU_SERVER
  std::string dialect = "auto";      // --dialect / $MESSAGEU_DIALECT
  int protocol = 3;                  // --protocol / $MESSAGEU_PROTOCOL
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  double timeout_seconds = 10;      // --timeout / $MESSAGEU_TIMEOUT
  int retries = 2;                  // --retries / $MESSAGEU_RETRIES
  double lock_timeout_seconds = 10; // --lock-timeout
  bool insecure_profile = false;    // --insecure-profile / $MESSAGEU_INSECURE_PROFILE
};

} // namespace messageu::cli
