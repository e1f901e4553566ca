// What one load generator run is asked to do, and the command line that says it (issue 8):
//   messageu-loadgen --server HOST:PORT [--dialect D] --op list|getkey|send|pull|register|mix
//                    --mode per-request|persistent --connections N --duration SECONDS
//                    [--payload BYTES] [--threads N] [--json]
#pragma once

#include <messageu/protocol/dialect.hpp>
#include <messageu/util/endpoint.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace messageu::bench {

// The request a worker sends; mix draws one of the first five for every request.
enum class LoadOperation { list, getkey, send, pull, register_client, mix };

enum class ConnectionMode {
  per_request, // a new TCP connection for every request, closed after its answer
  persistent,  // one connection per worker carrying request after request
};

std::string_view load_operation_name(LoadOperation operation);
std::string_view connection_mode_name(ConnectionMode mode);

struct LoadOptions {
  Endpoint server;
  protocol::Dialect dialect = protocol::k_default_dialect;
  LoadOperation operation = LoadOperation::list;
  ConnectionMode mode = ConnectionMode::persistent;
  std::size_t connections = 1;
  std::chrono::milliseconds duration{5000};
  std::uint32_t payload_size = 64; // content bytes of each send (type 3)
  std::size_t threads = 1;         // io_context threads driving the workers
  bool json = false;
};

// Parses argv. On --help prints the help and returns exit code 0; on a usage error prints it
// on stderr and returns 64; otherwise returns the options.
struct ParsedOptions {
  std::optional<LoadOptions> options;
  int exit_code = 0;
};
ParsedOptions parse_load_options(int argc, const char *const *argv);

} // namespace messageu::bench
