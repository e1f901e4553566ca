// Process limits.
#include "system_limits.hpp"

#include <cerrno>
#include <cstring>
#include <sys/resource.h>

namespace messageu::server {

OpenFileLimit raise_open_file_limit() {
  OpenFileLimit result;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    result.problem = std::string("getrlimit: ") + std::strerror(errno);
    return result;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    auto raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
      limit = raised;
    else
      result.problem = std::string("setrlimit: ") + std::strerror(errno);
  }
  result.soft = limit.rlim_cur;
  result.hard = limit.rlim_max;
  return result;
}

} // namespace messageu::server
