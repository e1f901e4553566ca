// Process spawning for integration tests, on fork/exec and poll.
#include "support/process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace messageu::test {
namespace {

std::vector<std::string> build_environment(const RunOptions &options) {
  std::map<std::string, std::string> merged;
  for (char **entry = environ; *entry; ++entry) {
    std::string text = *entry;
    auto equals = text.find('=');
    if (equals != std::string::npos)
      merged[text.substr(0, equals)] = text.substr(equals + 1);
  }
  for (const auto &name : options.unset_env)
    merged.erase(name);
  for (const auto &[name, value] : options.env)
    merged[name] = value;
  std::vector<std::string> out;
  for (const auto &[name, value] : merged)
    out.push_back(name + "=" + value);
  return out;
}

std::vector<char *> c_strings(std::vector<std::string> &strings) {
  std::vector<char *> out;
  for (auto &s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int decode_status(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return -1;
}

// Forks and execs; the child's fds 0,1,2 become in_fd, out_fd, err_fd.
pid_t spawn(const std::vector<std::string> &argv, const RunOptions &options, int in_fd, int out_fd,
            int err_fd) {
  auto env_strings = build_environment(options);
  auto args = argv;
  auto c_args = c_strings(args);
  auto c_env = c_strings(env_strings);
  pid_t pid = fork();
  if (pid < 0)
    throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    for (int fd : options.closed_fds)
      close(fd);
    for (int fd = 3; fd < 1024; ++fd)
      close(fd);
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0)
      _exit(127);
    execve(c_args[0], c_args.data(), c_env.data());
    _exit(127);
  }
  return pid;
}

int open_dev_null(int flags) { return open("/dev/null", flags | O_CLOEXEC); }

} // namespace

RunResult run(const std::vector<std::string> &argv, const RunOptions &options) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC))
    throw std::runtime_error("pipe failed");
  int child_in = options.stdin_data ? in_pipe[0] : open_dev_null(O_RDONLY);
  pid_t pid = spawn(argv, options, child_in, out_pipe[1], err_pipe[1]);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (!options.stdin_data)
    close(child_in);

  std::string input = options.stdin_data.value_or("");
  std::size_t written = 0;
  int in_fd = in_pipe[1];
  if (!options.stdin_data || input.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }

  RunResult result;
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  int out_fd = out_pipe[0], err_fd = err_pipe[0];
  char buffer[65536];
  while (out_fd >= 0 || err_fd >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      result.timed_out = true;
      break;
    }
    pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
    if (poll(fds, 3, static_cast<int>(std::min<long>(left.count(), 1000))) < 0 && errno != EINTR)
      break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        (i == 0 ? out_fd : err_fd) = -1;
      }
    }
    if (in_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = write(in_fd, input.data() + written, input.size() - written);
      if (n > 0)
        written += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        written = input.size();
      if (written == input.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
  }
  for (int fd : {out_fd, err_fd, in_fd})
    if (fd >= 0)
      close(fd);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = decode_status(status);
  return result;
}

Process::Process(const std::vector<std::string> &argv, const RunOptions &options) {
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC))
    throw std::runtime_error("pipe failed");
  int null_in = open_dev_null(O_RDONLY);
  int null_out = open_dev_null(O_WRONLY);
  m_pid = spawn(argv, options, null_in, null_out, err_pipe[1]);
  close(null_in);
  close(null_out);
  close(err_pipe[1]);
  m_reader = std::thread([this, fd = err_pipe[0]] { drain(fd); });
}

Process::~Process() {
  if (running()) {
    ::kill(m_pid, SIGKILL);
    wait(std::chrono::milliseconds(10000));
  }
  if (m_reader.joinable())
    m_reader.join();
}

void Process::drain(int fd) {
  char buffer[4096];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    std::lock_guard lock(m_mutex);
    if (n <= 0) {
      m_stderr_closed = true;
      m_changed.notify_all();
      break;
    }
    m_stderr.append(buffer, static_cast<std::size_t>(n));
    m_changed.notify_all();
  }
  close(fd);
}

std::optional<std::string> Process::wait_for_stderr(const std::string &needle,
                                                    std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_mutex);
  bool found = m_changed.wait_for(
      lock, timeout, [&] { return m_stderr.find(needle) != std::string::npos || m_stderr_closed; });
  if (!found || m_stderr.find(needle) == std::string::npos)
    return std::nullopt;
  return m_stderr;
}

std::string Process::stderr_text() {
  std::lock_guard lock(m_mutex);
  return m_stderr;
}

void Process::signal(int signal_number) {
  if (running())
    ::kill(m_pid, signal_number);
}

bool Process::running() {
  if (m_exit_code)
    return false;
  int status = 0;
  pid_t done = waitpid(m_pid, &status, WNOHANG);
  if (done == m_pid) {
    m_exit_code = decode_status(status);
    return false;
  }
  return true;
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return m_exit_code;
}

long peak_rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0)
      return std::stol(line.substr(6));
  return 0;
}

} // namespace messageu::test
