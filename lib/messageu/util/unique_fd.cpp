// UniqueFd: the one place that closes an owned descriptor.
#include <messageu/util/unique_fd.hpp>

#include <unistd.h>
#include <utility>

namespace messageu {

UniqueFd::UniqueFd(UniqueFd &&other) noexcept : m_fd(other.release()) {}

UniqueFd &UniqueFd::operator=(UniqueFd &&other) noexcept {
  if (this != &other)
    reset(other.release());
  return *this;
}

UniqueFd::~UniqueFd() { close(); }

int UniqueFd::release() noexcept { return std::exchange(m_fd, -1); }

int UniqueFd::close() noexcept {
  if (m_fd < 0)
    return 0;
  // Never retried: after EINTR Linux has already released the number, which another thread
  // may have been given since.
  return ::close(release());
}

void UniqueFd::reset(int fd) noexcept {
  close();
  m_fd = fd < 0 ? -1 : fd;
}

} // namespace messageu
