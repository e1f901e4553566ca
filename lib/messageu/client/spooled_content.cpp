// Chunked, rewindable reads of spooled message contents.
#include <messageu/client/spooled_content.hpp>

#include <messageu/util/files.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace messageu::client {

Result<SpooledContent> SpooledContent::open(const client_state::SpooledMessage &message) {
  if (!message.content_path)
    return SpooledContent(message, UniqueFd());
  UniqueFd fd(::open(message.content_path->c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    return make_error(Errc::io_error, "cannot open the spool file " +
                                          message.content_path->string() + ": " +
                                          std::strerror(errno));
  return SpooledContent(message, std::move(fd));
}

SpooledContent::SpooledContent(const client_state::SpooledMessage &message, UniqueFd fd)
    : m_message(&message), m_fd(std::move(fd)),
      m_size(message.content_path ? message.content_size : message.content.size()) {}

Result<ByteView> SpooledContent::next_chunk() {
  auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(k_chunk_size, m_size - m_offset));
  if (wanted == 0)
    return ByteView{};
  if (!m_fd) {
    ByteView chunk(m_message->content.data() + m_offset, wanted);
    m_offset += wanted;
    return chunk;
  }
  m_buffer.resize(wanted);
  auto what = "the spool file " + m_message->content_path->string();
  auto filled = MESSAGEU_TRY(read_full_from_fd(m_fd.get(), m_buffer, what));
  if (filled < wanted)
    return make_error(Errc::io_error, "cannot read " + what + ": it is shorter than recorded");
  m_offset += filled;
  return ByteView(m_buffer.data(), filled);
}

Status SpooledContent::rewind() {
  m_offset = 0;
  if (m_fd && ::lseek(m_fd.get(), 0, SEEK_SET) != 0)
    return make_error(Errc::io_error,
                      std::string("cannot rewind the spool file: ") + std::strerror(errno));
  return {};
}

Result<Bytes> SpooledContent::read_all() {
  MESSAGEU_TRY(rewind());
  Bytes all;
  all.reserve(static_cast<std::size_t>(m_size));
  while (true) {
    auto chunk = MESSAGEU_TRY(next_chunk());
    if (chunk.empty())
      return all;
    all.insert(all.end(), chunk.begin(), chunk.end());
  }
}

Result<Bytes> SpooledContent::read_tail(std::size_t count) {
  auto length = static_cast<std::size_t>(std::min<std::uint64_t>(count, m_size));
  auto start = m_size - length;
  if (!m_fd)
    return Bytes(m_message->content.begin() + static_cast<std::ptrdiff_t>(start),
                 m_message->content.end());
  Bytes tail(length);
  std::size_t filled = 0;
  while (filled < length) {
    auto count_read = ::pread(m_fd.get(), tail.data() + filled, length - filled,
                              static_cast<off_t>(start + filled));
    if (count_read < 0 && errno == EINTR)
      continue;
    if (count_read <= 0)
      return make_error(Errc::io_error, "cannot read the end of the spool file " +
                                            m_message->content_path->string());
    filled += static_cast<std::size_t>(count_read);
  }
  return tail;
}

} // namespace messageu::client
