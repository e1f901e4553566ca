// Runs the real programs from tests: `run` starts a command, feeds its stdin, collects stdout
// and stderr and waits for it with a deadline; `Process` keeps one running in the background
// (a server) and drains its stderr so that the pipe never fills.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace messageu::test {

struct RunOptions {
  std::map<std::string, std::string> env; // added to (or overriding) the test's environment
  std::vector<std::string> unset_env;     // removed from it
  std::optional<std::string> stdin_data;  // nullopt: stdin is /dev/null
  std::chrono::milliseconds timeout{60000};
  std::string cwd; // empty: the test's working directory
  // Standard descriptors closed in the child, as the shell's `>&-` does.
  std::vector<int> closed_fds;
};

struct RunResult {
  int exit_code = -1; // the exit status, or 128 + signal number when killed
  std::string out;
  std::string err;
  bool timed_out = false;
};

// Runs argv[0] (a path) with arguments; kills it with SIGKILL at the deadline.
RunResult run(const std::vector<std::string> &argv, const RunOptions &options = {});

class Process {
public:
  // Starts argv with stdout and stdin on /dev/null and stderr captured.
  explicit Process(const std::vector<std::string> &argv, const RunOptions &options = {});
  ~Process();
  Process(const Process &) = delete;
  Process &operator=(const Process &) = delete;

  pid_t pid() const { return m_pid; }
  // Waits until stderr contains `needle` (returns the text so far) or the deadline passes
  // or the process exits (returns nullopt).
  std::optional<std::string> wait_for_stderr(const std::string &needle,
                                             std::chrono::milliseconds timeout);
  std::string stderr_text();
  void signal(int signal_number);
  // Waits for exit; returns the exit code (128 + signal when killed), or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  bool running();

private:
  void drain(int fd);

  pid_t m_pid = -1;
  std::optional<int> m_exit_code;
  std::thread m_reader;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::string m_stderr;
  bool m_stderr_closed = false;
};

// Peak resident set size (VmHWM) of a running process, in KiB, from /proc; 0 if unknown.
long peak_rss_kib(pid_t pid);

} // namespace messageu::test
