// The child process of `pull --exec`.
#include "exec_hook.hpp"

#include <messageu/util/unique_fd.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <optional>

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace messageu::cli {
namespace {

using Clock = std::chrono::steady_clock;

// How often a running command is looked at while its time runs, when the kernel cannot say
// when it exits.
constexpr std::chrono::milliseconds k_wait_step{10};

// The command runs in a process group of its own, so that stopping it stops what it started
// too. A group of its own no longer gets the terminal's signals: while it runs, SIGINT,
// SIGTERM and SIGHUP are passed on to it, then raised here once it ended, as if it had shared
// them.
volatile std::sig_atomic_t g_hook_group = 0;
volatile std::sig_atomic_t g_signal_passed_on = 0;

extern "C" void pass_on_to_hook(int signal) {
  if (g_hook_group > 0)
    ::kill(-g_hook_group, signal);
  g_signal_passed_on = signal;
}

class SignalsPassedOn {
public:
  SignalsPassedOn() {
    g_signal_passed_on = 0;
    struct sigaction action {};
    action.sa_handler = pass_on_to_hook;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < k_signals.size(); ++i)
      ::sigaction(k_signals[i], &action, &m_previous[i]);
  }
  ~SignalsPassedOn() {
    g_hook_group = 0;
    for (std::size_t i = 0; i < k_signals.size(); ++i)
      ::sigaction(k_signals[i], &m_previous[i], nullptr);
    if (auto signal = g_signal_passed_on)
      ::raise(signal); // now for this process, as its handler (or the default) would have it
  }
  SignalsPassedOn(const SignalsPassedOn &) = delete;
  SignalsPassedOn &operator=(const SignalsPassedOn &) = delete;

private:
  static constexpr std::array<int, 3> k_signals{SIGINT, SIGTERM, SIGHUP};
  std::array<struct sigaction, 3> m_previous{};
};

Error start_failure(const std::string &what) {
  return make_error(Errc::io_error,
                    "cannot run the --exec command: " + what + ": " + std::strerror(errno));
}

// Milliseconds left until `deadline` for poll(): -1 without one, 0 once it passed.
int poll_timeout(std::optional<Clock::time_point> deadline) {
  if (!deadline)
    return -1;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(std::min<long long>(left, 60'000)) : 0;
}

bool passed(std::optional<Clock::time_point> deadline) {
  return deadline && Clock::now() >= *deadline;
}

// Writes `input` to the child's stdin (non-blocking) until all is written, the child stops
// reading (a broken pipe: its own business), or the deadline passes (false).
bool feed(int fd, ByteView input, std::optional<Clock::time_point> deadline) {
  while (!input.empty()) {
    pollfd ready{fd, POLLOUT, 0};
    auto polled = ::poll(&ready, 1, poll_timeout(deadline));
    if (polled < 0 && errno != EINTR)
      return true;
    if (passed(deadline))
      return false;
    if (polled <= 0)
      continue;
    auto written = ::write(fd, input.data(), input.size());
    if (written < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (written <= 0)
      return true;
    input = input.subspan(static_cast<std::size_t>(written));
  }
  return true;
}

int status_of(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

// The child's status once it ended, or nullopt when the deadline passed first. `exited`, the
// child's pidfd, becomes readable when it exits, so poll() waits for either at once; without
// one (a kernel before 5.3) the child is looked at every k_wait_step.
std::optional<int> wait_until(pid_t child, const UniqueFd &exited,
                              std::optional<Clock::time_point> deadline) {
  while (true) {
    int status = 0;
    bool block = !deadline && !exited;
    auto ended = ::waitpid(child, &status, block ? 0 : WNOHANG);
    if (ended == child)
      return status_of(status);
    if (ended < 0 && errno != EINTR)
      return 127;
    if (passed(deadline))
      return std::nullopt;
    if (block)
      continue;
    pollfd exit{exited.get(), POLLIN, 0};
    auto timeout = poll_timeout(deadline);
    if (!exited)
      timeout = timeout < 0 ? static_cast<int>(k_wait_step.count())
                            : std::min(timeout, static_cast<int>(k_wait_step.count()));
    ::poll(&exit, 1, timeout);
  }
}

// SIGTERM to the command's group, then SIGKILL after the grace period; returns how it ended.
int stop(pid_t child, const UniqueFd &exited) {
  ::kill(-child, SIGTERM);
  if (auto status = wait_until(child, exited, Clock::now() + k_hook_kill_grace))
    return *status;
  ::kill(-child, SIGKILL);
  return wait_until(child, exited, std::nullopt).value_or(128 + SIGKILL);
}

} // namespace

Result<HookOutcome> run_hook(const std::string &command, ByteView input,
                             const Environment &environment, std::chrono::milliseconds time_limit) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0)
    return start_failure("pipe");
  std::optional<Clock::time_point> deadline;
  if (time_limit.count() > 0)
    deadline = Clock::now() + time_limit;
  SignalsPassedOn passed_on;
  pid_t child = ::fork();
  if (child < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return start_failure("fork");
  }
  if (child == 0) {
    ::setpgid(0, 0);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGHUP, SIG_DFL);
    ::dup2(pipe_fds[0], STDIN_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    ::signal(SIGPIPE, SIG_DFL);
    for (const auto &[name, value] : environment)
      ::setenv(name.c_str(), value.c_str(), 1);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char *>(nullptr));
    ::_exit(127);
  }
  ::setpgid(child, child); // also here: whichever of the two runs first
  g_hook_group = child;
  ::close(pipe_fds[0]);
  // A child that exits without reading must not kill this process with SIGPIPE.
  auto previous = ::signal(SIGPIPE, SIG_IGN);
  ::fcntl(pipe_fds[1], F_SETFL, ::fcntl(pipe_fds[1], F_GETFL) | O_NONBLOCK);
  bool fed = feed(pipe_fds[1], input, deadline);
  ::close(pipe_fds[1]);
  ::signal(SIGPIPE, previous);
  // The system call itself: glibc 2.36's <sys/pidfd.h> is not usable from C++.
  UniqueFd exited(static_cast<int>(::syscall(SYS_pidfd_open, child, 0)));
  if (fed)
    if (auto status = wait_until(child, exited, deadline))
      return HookOutcome{*status, false};
  return HookOutcome{stop(child, exited), true};
}

} // namespace messageu::cli
