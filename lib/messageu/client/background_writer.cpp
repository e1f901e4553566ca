// The writing thread: one buffer in flight, handed over and waited for under one mutex.
#include <messageu/client/background_writer.hpp>

#include <messageu/util/files.hpp>

#include <fcntl.h>
#include <unistd.h>

namespace messageu::client {
namespace {

// Turns direct I/O off; false when it was not on (or cannot be turned off).
bool leave_direct_io(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && (flags & O_DIRECT) != 0 && set_direct_io(fd, false);
}

// Some file systems take O_DIRECT when a file is opened and then refuse direct writes (or a
// short direct write leaves an unaligned rest): what a direct write could not take is then
// written through the page cache.
Status write_with_fallback(int fd, ByteView bytes) {
  auto start = ::lseek(fd, 0, SEEK_CUR);
  auto outcome = write_all_to_fd(fd, bytes, "the received file");
  if (outcome || start < 0 || !leave_direct_io(fd))
    return outcome;
  auto reached = ::lseek(fd, 0, SEEK_CUR);
  if (reached < start || static_cast<std::uint64_t>(reached - start) > bytes.size())
    return outcome;
  return write_all_to_fd(fd, bytes.subspan(static_cast<std::size_t>(reached - start)),
                         "the received file");
}

} // namespace

bool set_direct_io(int fd, bool direct) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0)
    return false;
  flags = direct ? (flags | O_DIRECT) : (flags & ~O_DIRECT);
  return ::fcntl(fd, F_SETFL, flags) == 0;
}

BackgroundWriter::BackgroundWriter(int fd) : m_fd(fd), m_thread([this] { run(); }) {}

BackgroundWriter::~BackgroundWriter() {
  {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_pending; });
    m_stopping = true;
  }
  m_changed.notify_all();
  m_thread.join();
}

void BackgroundWriter::run() {
  std::unique_lock lock(m_mutex);
  while (true) {
    m_changed.wait(lock, [this] { return m_stopping || m_pending; });
    if (!m_pending)
      return; // stopping, with nothing left to write
    auto bytes = *m_pending;
    lock.unlock();
    auto outcome = write_with_fallback(m_fd, bytes);
    lock.lock();
    m_outcome = std::move(outcome);
    m_pending.reset();
    m_changed.notify_all();
  }
}

Status BackgroundWriter::write(ByteView bytes) {
  {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_pending; });
    if (!m_outcome)
      return m_outcome;
    m_pending = bytes;
  }
  m_changed.notify_all();
  return {};
}

Status BackgroundWriter::wait() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return !m_pending; });
  return m_outcome;
}

} // namespace messageu::client
