// POSIX file I/O for content files, retrying interrupted and partial transfers.
#include <messageu/store/content_file.hpp>

#include <messageu/sqlite/storage_error.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace messageu::store {

namespace {

// How much written data waits in the page cache before its writeback starts, and how much
// read data before its pages are dropped.
constexpr std::uint64_t k_writeback_window = 8 * 1024 * 1024;

Error file_error(std::string_view action, const std::string &name, int error_number) {
  std::string message =
      std::string(action) + " content file " + name + ": " + std::strerror(error_number);
  if (error_number == ENOSPC || error_number == EDQUOT)
    return sqlite::storage_full_error(std::move(message));
  return sqlite::storage_error(std::move(message));
}

} // namespace

ContentFile::ContentFile(UniqueFd descriptor, std::string name)
    : m_descriptor(std::move(descriptor)), m_name(std::move(name)) {}

Status ContentFile::write_all(ByteView bytes) {
  while (!bytes.empty()) {
    ssize_t count = ::write(m_descriptor.get(), bytes.data(), bytes.size());
    if (count < 0 && errno == EINTR)
      continue;
    if (count < 0)
      return file_error("write", m_name, errno);
    bytes = bytes.subspan(static_cast<std::size_t>(count));
    m_progress.written += static_cast<std::uint64_t>(count);
  }
  start_writeback();
  return {};
}

void ContentFile::start_writeback() {
  if (m_progress.written - m_progress.writeback_start < k_writeback_window)
    return;
#ifdef __linux__
  // Advice only: a failure here leaves the data to the fsync, which reports any error.
  auto start = static_cast<off_t>(m_progress.writeback_start);
  (void)::sync_file_range(m_descriptor.get(), start,
                          static_cast<off_t>(m_progress.written - m_progress.writeback_start),
                          SYNC_FILE_RANGE_WRITE);
  // The window before this one has had a window's time to reach the disk.
  if (m_progress.writeback_start >= k_writeback_window) {
    auto previous = static_cast<off_t>(m_progress.writeback_start - m_progress.previous_window);
    (void)::sync_file_range(
        m_descriptor.get(), previous, static_cast<off_t>(m_progress.previous_window),
        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    (void)::posix_fadvise(m_descriptor.get(), previous,
                          static_cast<off_t>(m_progress.previous_window), POSIX_FADV_DONTNEED);
  }
#endif
  m_progress.previous_window = m_progress.written - m_progress.writeback_start;
  m_progress.writeback_start = m_progress.written;
}

Result<std::size_t> ContentFile::read(MutableByteView buffer) {
  for (;;) {
    ssize_t count = ::read(m_descriptor.get(), buffer.data(), buffer.size());
    if (count >= 0) {
      m_progress.read += static_cast<std::uint64_t>(count);
      drop_read_pages();
      return static_cast<std::size_t>(count);
    }
    if (errno != EINTR)
      return file_error("read", m_name, errno);
  }
}

void ContentFile::drop_read_pages() {
  if (m_progress.read - m_progress.read_dropped < k_writeback_window)
    return;
#ifdef __linux__
  (void)::posix_fadvise(m_descriptor.get(), static_cast<off_t>(m_progress.read_dropped),
                        static_cast<off_t>(m_progress.read - m_progress.read_dropped),
                        POSIX_FADV_DONTNEED);
#endif
  m_progress.read_dropped = m_progress.read;
}

Status ContentFile::sync() {
  if (::fsync(m_descriptor.get()) != 0)
    return file_error("fsync", m_name, errno);
  return {};
}

void ContentFile::close() { m_descriptor.close(); }

} // namespace messageu::store
