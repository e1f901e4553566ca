// Process limits the server adjusts at start: the open-files soft limit is raised to the hard
// limit, so that thousands of connections can be served at once.
#pragma once

#include <cstdint>
#include <string>

namespace messageu::server {

struct OpenFileLimit {
  std::uint64_t soft = 0; // after raising
  std::uint64_t hard = 0;
  std::string problem; // why it could not be read or raised; empty when all went well
};

// Raises RLIMIT_NOFILE's soft limit to its hard limit and reports the result.
OpenFileLimit raise_open_file_limit();

} // namespace messageu::server
