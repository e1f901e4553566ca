// An owned POSIX file descriptor: closed exactly once, when its owner goes away, so that no
// error path leaks one and none is closed twice. Move-only, like std::unique_ptr; `release()`
// hands the number back to a caller that takes over closing it.
#pragma once

namespace messageu {

class UniqueFd {
public:
  UniqueFd() = default;
  // Owns `fd`; a negative number (a failed open) owns nothing.
  explicit UniqueFd(int fd) noexcept : m_fd(fd < 0 ? -1 : fd) {}
  UniqueFd(UniqueFd &&other) noexcept;
  UniqueFd &operator=(UniqueFd &&other) noexcept;
  UniqueFd(const UniqueFd &) = delete;
  UniqueFd &operator=(const UniqueFd &) = delete;
  ~UniqueFd();

  // The descriptor, still owned; -1 when none.
  int get() const noexcept { return m_fd; }
  bool valid() const noexcept { return m_fd >= 0; }
  explicit operator bool() const noexcept { return valid(); }

  // Gives the descriptor up without closing it: the caller closes it. -1 when none.
  [[nodiscard]] int release() noexcept;
  // Closes the descriptor now and returns close()'s result (0 when none was open; -1 with
  // errno set on failure), for callers that must report a failed close: on some file systems
  // it is the first sign that written data did not reach the disk.
  int close() noexcept;
  // Closes the descriptor held, if any, and owns `fd` instead.
  void reset(int fd = -1) noexcept;

private:
  int m_fd = -1;
};

} // namespace messageu
