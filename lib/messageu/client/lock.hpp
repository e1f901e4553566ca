// The exclusive lock that serialises commands changing one profile (CLI.md §1): flock(2) on
// DIR/lock, waited for with a bound. flock locks belong to an open file description, so the
// lock is released when the descriptor is closed, including when the process dies.
#pragma once

#include <messageu/util/result.hpp>
#include <messageu/util/unique_fd.hpp>

#include <chrono>
#include <filesystem>
#include <utility>

namespace messageu::client {

class ProfileLock {
public:
  // Opens (creating with mode 0600 if needed) `path` and takes an exclusive flock on it,
  // retrying without blocking until `timeout` has passed. Still held by someone else →
  // Errc::unavailable ("profile is locked by another messageu process"); the file cannot be
  // opened or locked for another reason → Errc::io_error.
  static Result<ProfileLock> acquire(const std::filesystem::path &path,
                                     std::chrono::milliseconds timeout);

  // Move-only; destruction (or assigning another lock) releases the lock.

  // Releases the lock now; harmless if already released.
  void release();
  bool held() const { return m_fd.valid(); }

private:
  explicit ProfileLock(UniqueFd fd) : m_fd(std::move(fd)) {}

  UniqueFd m_fd;
};

} // namespace messageu::client
