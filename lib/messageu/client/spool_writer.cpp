// Spooling a pull response: inline contents, spool files, files decrypted on arrival, and
// the one synced commit.
#include <messageu/client/spool_writer.hpp>

#include <messageu/util/files.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace messageu::client {

SpoolWriter::SpoolWriter(Inbox &inbox, client_state::ClientState &state, bool acknowledged)
    : m_inbox(inbox), m_state(state), m_spool_directory(inbox.spool_directory()),
      m_acknowledged(acknowledged) {}

SpoolWriter::~SpoolWriter() {
  m_fd.close();
  m_incoming.reset(); // removes a file being decrypted
  if (!m_committed)
    discard_files();
}

void SpoolWriter::decrypt_files_into(std::filesystem::path save_directory) {
  m_save_directory = std::move(save_directory);
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
  MESSAGEU_TRY(ensure_private_directory(m_spool_directory, "spool directory"));
  std::string path = (m_spool_directory / "incoming-XXXXXX").string();
  m_fd.reset(::mkostemp(path.data(), O_CLOEXEC));
  if (!m_fd)
    return make_error(Errc::cannot_create, "cannot create a spool file in " +
                                               m_spool_directory.string() + ": " +
                                               std::strerror(errno));
  m_current->content_path = path;
  return {};
}

Status SpoolWriter::on_message(const protocol::PulledMessageHeader &header) {
  m_pulled_ids.push_back(header.message_id);
  m_current = client_state::SpooledMessage{};
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
        m_inbox.holds(header.sender, header.message_id, m_current->type, header.content_size));
  if (m_skip_current)
    return {};
  if (fits_inline) {
    m_current->content.reserve(header.content_size);
    m_inline_bytes += header.content_size;
    return {};
  }
  if (m_current->type == MessageType::file && MESSAGEU_TRY(start_decrypting()))
    return {};
  return open_spool_file();
}

// True when the current (large, file) message is to be decrypted as it arrives: its size is
// whole blocks and its sender has a key, the newest of which is the likely one.
Result<bool> SpoolWriter::start_decrypting() {
  if (!m_save_directory || m_current->content_size % crypto::k_aes_block_size != 0)
    return false;
  auto keys = MESSAGEU_TRY(m_state.symmetric_keys(m_current->sender));
  if (keys.empty())
    return false;
  auto incoming =
      IncomingFile::create(*m_save_directory, temporary_file_prefix(m_spool_directory), keys[0]);
  if (!incoming) // the save directory is not writable: spooled raw, handled as before
    return false;
  m_incoming.emplace(std::move(*incoming));
  return true;
}

// Ends the current decrypted file: recorded as such when its padding checks, else turned
// back into its exact ciphertext in a spool file.
Status SpoolWriter::finish_decrypting() {
  IncomingFile incoming(std::move(*m_incoming));
  m_incoming.reset();
  auto decrypted = MESSAGEU_TRY(incoming.finish());
  if (decrypted) {
    incoming.release();
    m_current->content_path = incoming.path();
    m_current->decrypted = std::move(*decrypted);
    return {};
  }
  MESSAGEU_TRY(open_spool_file());
  auto written = incoming.write_ciphertext(m_fd.get());
  if (!written) {
    m_fd.close();
    return written;
  }
  return close_spool_file();
}

// Syncs and closes the current spool file, if any.
Status SpoolWriter::close_spool_file() {
  if (!m_fd)
    return {};
  bool synced = ::fsync(m_fd.get()) == 0;
  int error = errno;
  m_fd.close();
  if (!synced)
    return make_error(Errc::io_error,
                      std::string("cannot sync a spool file: ") + std::strerror(error));
  return {};
}

Status SpoolWriter::on_content(ByteView chunk) {
  m_received += chunk.size();
  if (m_current->type == MessageType::file && m_progress)
    m_progress(m_received, m_current->content_size);
  if (m_skip_current)
    return {};
  if (m_incoming)
    return m_incoming->update(chunk);
  if (!m_fd) {
    m_current->content.insert(m_current->content.end(), chunk.begin(), chunk.end());
    return {};
  }
  return write_all_to_fd(m_fd.get(), chunk, "to the spool");
}

Status SpoolWriter::on_message_end() {
  if (m_current->type == MessageType::file && m_progress && m_received == 0)
    m_progress(0, 0);
  if (m_skip_current) {
    m_current.reset();
    return {};
  }
  auto finished = m_incoming ? finish_decrypting() : close_spool_file();
  // Listed even when it failed, so that its file is discarded with the others.
  m_messages.push_back(std::move(*m_current));
  m_current.reset();
  return finished;
}

Status SpoolWriter::commit() {
  bool spool_files = false;
  bool decrypted_files = false;
  for (const auto &message : m_messages) {
    spool_files = spool_files || (message.content_path && !message.decrypted);
    decrypted_files = decrypted_files || message.decrypted.has_value();
  }
  // The files' directory entries must be durable before the rows that name them.
  if (spool_files)
    MESSAGEU_TRY(fsync_directory(m_spool_directory));
  if (decrypted_files)
    MESSAGEU_TRY(fsync_directory(*m_save_directory));
  MESSAGEU_TRY(m_inbox.add(m_messages));
  m_committed = true;
  return {};
}

} // namespace messageu::client
