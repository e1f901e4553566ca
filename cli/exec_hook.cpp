// The child process of `pull --exec`.
#include "exec_hook.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <sys/wait.h>
#include <unistd.h>

namespace messageu::cli {
namespace {

Error start_failure(const std::string &what) {
  return make_error(Errc::io_error,
                    "cannot run the --exec command: " + what + ": " + std::strerror(errno));
}

// Writes all of `input` to the child's stdin; a child that stops reading early is its own
// business, so a broken pipe only ends the writing.
void feed(int fd, ByteView input) {
  while (!input.empty()) {
    auto written = ::write(fd, input.data(), input.size());
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      return;
    input = input.subspan(static_cast<std::size_t>(written));
  }
}

int wait_for(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0)
    if (errno != EINTR)
      return 127;
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

} // namespace

Result<int> run_hook(const std::string &command, ByteView input, const Environment &environment) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0)
    return start_failure("pipe");
  pid_t child = ::fork();
  if (child < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return start_failure("fork");
  }
  if (child == 0) {
    ::dup2(pipe_fds[0], STDIN_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    ::signal(SIGPIPE, SIG_DFL);
    for (const auto &[name, value] : environment)
      ::setenv(name.c_str(), value.c_str(), 1);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char *>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fds[0]);
  // A child that exits without reading must not kill this process with SIGPIPE.
  auto previous = ::signal(SIGPIPE, SIG_IGN);
  feed(pipe_fds[1], input);
  ::close(pipe_fds[1]);
  ::signal(SIGPIPE, previous);
  return wait_for(child);
}

} // namespace messageu::cli
