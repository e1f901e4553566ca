// What the fault tests share, on top of the server tests' raw client: contents that name
// their sender and number so that a message found after a crash can be checked byte for byte,
// the process's open-file limit, the sqlite3 program's integrity check, and a look at a socket
// that says whether the peer has closed it without waiting.
#pragma once

#include "test_server_support.hpp"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <poll.h>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace messageu::test {

// Raises this process's open-file soft limit to its hard limit (the server does the same for
// itself); returns the soft limit in force afterwards.
inline std::uint64_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    auto raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
      limit = raised;
  }
  return limit.rlim_cur;
}

// The content of message `number` from sender `sender`: the text "sender:number:" and then a
// pattern derived from both, `size` bytes in all (at least the text). Cheap to regenerate, so a
// message pulled after a fault is compared with what was sent without keeping it.
inline Bytes numbered_content(int sender, int number, std::size_t size) {
  auto text = std::to_string(sender) + ":" + std::to_string(number) + ":";
  Bytes content(std::max(size, text.size()));
  std::copy(text.begin(), text.end(), content.begin());
  auto seed = static_cast<std::uint32_t>(sender * 7919 + number * 104729 + 1);
  for (std::size_t i = text.size(); i < content.size(); ++i) {
    seed = seed * 1664525u + 1013904223u; // a linear congruential sequence: fast, deterministic
    content[i] = static_cast<Byte>(seed >> 24);
  }
  return content;
}

// The sender and number a numbered_content() names, or nullopt for any other content.
inline std::optional<std::pair<int, int>> content_origin(ByteView content) {
  std::string head(as_chars(content.first(std::min<std::size_t>(content.size(), 24))));
  std::istringstream stream(head);
  int sender = -1, number = -1;
  char first = 0, second = 0;
  if (!(stream >> sender >> first >> number >> second) || first != ':' || second != ':')
    return std::nullopt;
  return std::make_pair(sender, number);
}

// The full path of `name` found on PATH (and in /usr/bin), or empty.
inline std::string find_program(const std::string &name) {
  const char *path = std::getenv("PATH");
  std::string directories = std::string(path ? path : "") + ":/usr/bin:/bin";
  std::istringstream stream(directories);
  for (std::string directory; std::getline(stream, directory, ':');) {
    if (directory.empty())
      continue;
    auto candidate = std::filesystem::path(directory) / name;
    if (access(candidate.c_str(), X_OK) == 0)
      return candidate.string();
  }
  return {};
}

// The output of "PRAGMA integrity_check" on the database at `database`, run by the sqlite3
// program (scripts/setup.sh installs it); "ok" for a sound database. A missing program fails
// the calling test.
inline std::string integrity_check(const std::string &database) {
  auto sqlite3 = find_program("sqlite3");
  if (sqlite3.empty()) {
    ADD_FAILURE() << "the sqlite3 program is not installed (scripts/setup.sh installs it)";
    return "sqlite3 missing";
  }
  auto result = run({sqlite3, database, "PRAGMA integrity_check;"});
  std::string out = result.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  if (result.exit_code != 0)
    return "sqlite3 exit " + std::to_string(result.exit_code) + ": " + result.err;
  return out;
}

// Copies the database at `database` with its -wal and -shm files (as a crash left them) into
// `directory`; returns the copy's path. Checking the copy leaves the original untouched for
// the server that reopens it.
inline std::string copy_database(const std::string &database,
                                 const std::filesystem::path &directory) {
  auto copy = directory / std::filesystem::path(database).filename();
  for (const std::string suffix : {"", "-wal", "-shm"}) {
    std::error_code error;
    if (std::filesystem::exists(database + suffix, error))
      std::filesystem::copy_file(database + suffix, copy.string() + suffix,
                                 std::filesystem::copy_options::overwrite_existing, error);
  }
  return copy.string();
}

// True when the peer of `fd` has closed the connection (end of stream or reset), judged now,
// without waiting and without consuming data.
inline bool peer_closed_now(int fd) {
  pollfd pfd{fd, POLLIN, 0};
  if (poll(&pfd, 1, 0) <= 0)
    return false;
  char byte = 0;
  auto n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

// The last `count` lines of `text` (a server's log), for failure messages.
inline std::string last_lines(const std::string &text, std::size_t count) {
  auto start = text.size();
  for (std::size_t lines = 0; start > 0 && lines <= count;)
    if (text[--start] == '\n')
      ++lines;
  return text.substr(start);
}

// How many times `needle` occurs in `text`.
inline std::size_t count_occurrences(const std::string &text, const std::string &needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

// How many lines of the server's log record a request named `request` (e.g. "pull(604)").
inline std::size_t logged_requests(const std::string &log, const std::string &request) {
  return count_occurrences(log, "request=" + request + " ");
}

} // namespace messageu::test
