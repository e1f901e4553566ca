// Replacing closed standard descriptors with /dev/null.
#include "standard_streams.hpp"

#include <messageu/util/unique_fd.hpp>

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace messageu::cli::standard_streams {
namespace {

std::array<bool, 3> closed_at_start{};

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

// Puts /dev/null at `fd`. open() takes the lowest free number, which is `fd` itself when the
// lower ones are open (make_safe goes in order); dup2 covers any other case.
bool open_null_at(int fd) {
  UniqueFd null_fd(::open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY));
  if (!null_fd)
    return false;
  if (null_fd.get() == fd) {
    (void)null_fd.release(); // it is the standard descriptor now: it stays open
    return true;
  }
  return ::dup2(null_fd.get(), fd) == fd;
}

} // namespace

bool make_safe() {
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (is_open(fd))
      continue;
    closed_at_start[static_cast<std::size_t>(fd)] = true;
    if (!open_null_at(fd))
      return false;
  }
  return true;
}

bool stdin_was_closed() { return closed_at_start[STDIN_FILENO]; }
bool stdout_was_closed() { return closed_at_start[STDOUT_FILENO]; }

Status require_stdin() {
  if (stdin_was_closed())
    return make_error(Errc::file_not_found, "standard input is closed");
  return {};
}

Status require_stdout() {
  if (stdout_was_closed())
    return make_error(Errc::io_error, "standard output is closed");
  return {};
}

} // namespace messageu::cli::standard_streams
