// Spooling a pull response: inline contents, spool files, and the one synced commit.
#include <messageu/client/spool_writer.hpp>

#include <messageu/util/files.hpp>

#include <set>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace messageu::client {

SpoolWriter::SpoolWriter(store::ClientState &state, std::filesystem::path spool_directory,
                         bool acknowledged)
    : m_state(state), m_spool_directory(std::move(spool_directory)), m_acknowledged(acknowledged) {}

SpoolWriter::~SpoolWriter() {
  if (m_fd >= 0)
    ::close(m_fd);
  if (!m_committed)
    discard_files();
}

void SpoolWriter::discard_files() {
  std::error_code ignored;
  if (m_current && m_current->content_path)
    std::filesystem::remove(*m_current->content_path, ignored);
  for (const auto &message : m_messages)
    if (message.content_path)
      std::filesystem::remove(*message.content_path, ignored);
}

Status SpoolWriter::open_spool_file() {
  std::error_code error;
  std::filesystem::create_directories(m_spool_directory, error);
  if (error)
    return make_error(Errc::cannot_create, "cannot create the spool directory " +
                                               m_spool_directory.string() + ": " + error.message());
  ::chmod(m_spool_directory.c_str(), 0700);
  std::string path = (m_spool_directory / "incoming-XXXXXX").string();
  m_fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (m_fd < 0)
    return make_error(Errc::cannot_create, "cannot create a spool file in " +
                                               m_spool_directory.string() + ": " +
                                               std::strerror(errno));
  m_current->content_path = path;
  return {};
}

Status SpoolWriter::on_message(const protocol::PulledMessageHeader &header) {
  m_pulled_ids.push_back(header.message_id);
  m_current = store::SpooledMessage{};
  m_current->message_id = header.message_id;
  m_current->sender = header.sender;
  m_current->type = static_cast<MessageType>(header.type);
  m_current->content_size = header.content_size;
  m_received = 0;
  bool fits_inline = header.content_size <= k_inline_limit &&
                     m_inline_bytes + header.content_size <= k_inline_budget;
  // An acknowledged pull delivers a message again until it is acknowledged: a large content
  // the spool already holds need not be written again. (Small ones are compared byte for byte
  // by the spool itself.)
  m_skip_current = false;
  if (m_acknowledged && !fits_inline)
    m_skip_current = MESSAGEU_TRY(
        m_state.is_spooled(header.sender, header.message_id, m_current->type, header.content_size));
  if (m_skip_current)
    return {};
  if (fits_inline) {
    m_current->content.reserve(header.content_size);
    m_inline_bytes += header.content_size;
    return {};
  }
  return open_spool_file();
}

Status SpoolWriter::on_content(ByteView chunk) {
  m_received += chunk.size();
  if (m_current->type == MessageType::file && m_progress)
    m_progress(m_received, m_current->content_size);
  if (m_skip_current)
    return {};
  if (m_fd < 0) {
    m_current->content.insert(m_current->content.end(), chunk.begin(), chunk.end());
    return {};
  }
  return write_all_to_fd(m_fd, chunk, "to the spool");
}

Status SpoolWriter::on_message_end() {
  if (m_current->type == MessageType::file && m_progress && m_received == 0)
    m_progress(0, 0);
  if (!m_skip_current && m_fd >= 0) {
    int fd = m_fd;
    m_fd = -1;
    bool synced = ::fsync(fd) == 0;
    int error = errno;
    ::close(fd);
    if (!synced) {
      m_messages.push_back(std::move(*m_current)); // so that its file is discarded
      m_current.reset();
      return make_error(Errc::io_error,
                        std::string("cannot sync a spool file: ") + std::strerror(error));
    }
  }
  if (!m_skip_current)
    m_messages.push_back(std::move(*m_current));
  m_current.reset();
  return {};
}

Status SpoolWriter::commit() {
  bool has_files = false;
  for (const auto &message : m_messages)
    has_files = has_files || message.content_path.has_value();
  // The files' directory entries must be durable before the rows that name them.
  if (has_files)
    MESSAGEU_TRY(fsync_directory(m_spool_directory));
  MESSAGEU_TRY(m_state.spool_messages(m_messages));
  m_committed = true;
  return {};
}

Status SpoolWriter::remove_orphans(store::ClientState &state,
                                   const std::filesystem::path &spool_directory) {
  std::error_code error;
  if (!std::filesystem::is_directory(spool_directory, error))
    return {};
  std::set<std::filesystem::path> referenced;
  for (const auto &message : MESSAGEU_TRY(state.spooled_messages()))
    if (message.content_path)
      referenced.insert(*message.content_path);
  for (const auto &entry : std::filesystem::directory_iterator(spool_directory, error)) {
    bool incoming = entry.path().filename().string().rfind("incoming-", 0) == 0;
    if (incoming && !referenced.contains(entry.path()))
      std::filesystem::remove(entry.path(), error);
  }
  return {};
}

} // namespace messageu::client
