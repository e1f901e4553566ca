// The profile lock: flock(LOCK_EX | LOCK_NB) polled until a deadline, so a waiting command
// gives up after --lock-timeout instead of blocking forever.
#include <messageu/client/lock.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <thread>

namespace messageu::client {
namespace {

// Short enough that a freed lock is noticed quickly, long enough not to spin.
constexpr std::chrono::milliseconds k_poll_interval{20};

// One non-blocking attempt: true when taken, false when someone else holds it.
Result<bool> try_lock(int fd, const std::filesystem::path &path) {
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return false;
    if (errno != EINTR)
      return make_error(Errc::io_error,
                        "cannot lock " + path.string() + ": " + std::strerror(errno));
  }
  return true;
}

} // namespace

Result<ProfileLock> ProfileLock::acquire(const std::filesystem::path &path,
                                         std::chrono::milliseconds timeout) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd)
    return make_error(Errc::io_error,
                      "cannot open the lock file " + path.string() + ": " + std::strerror(errno));
  ProfileLock lock(std::move(fd)); // closes the descriptor on every error path below
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (MESSAGEU_TRY(try_lock(lock.m_fd.get(), path)))
      return lock;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      return make_error(Errc::unavailable,
                        "profile is locked by another messageu process (" + path.string() + ")");
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(k_poll_interval, deadline - now));
  }
}

void ProfileLock::release() {
  // Closing the only descriptor of the open file description releases the flock.
  m_fd.close();
}

} // namespace messageu::client
