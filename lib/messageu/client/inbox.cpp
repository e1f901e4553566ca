// The inbox: spool rows and their files kept together, orphan clean-up and delivery order.
#include <messageu/client/inbox.hpp>

#include <messageu/client/incoming_file.hpp>

#include <set>
#include <string>

namespace messageu::client {

Inbox::Inbox(client_state::ClientState &state, std::filesystem::path spool_directory)
    : m_state(state), m_spool_directory(std::move(spool_directory)) {}

Result<bool> Inbox::holds(const ClientId &sender, MessageId message_id, MessageType type,
                          std::uint64_t content_size) {
  return m_state.is_spooled(sender, message_id, type, content_size);
}

Status Inbox::add(std::span<const client_state::SpooledMessage> messages) {
  return m_state.spool_messages(messages);
}

Status Inbox::remove_orphans(const std::optional<std::filesystem::path> &save_directory) {
  std::set<std::filesystem::path> referenced;
  // Temporary files are known by name alone: the save directory may be spelt differently
  // from the pull that made them (a relative path, a symbolic link), and a file a spooled
  // message still needs must never be taken for an orphan.
  std::set<std::string> referenced_names;
  for (const auto &message : MESSAGEU_TRY(m_state.spooled_messages()))
    if (message.content_path) {
      referenced.insert(*message.content_path);
      referenced_names.insert(message.content_path->filename().string());
    }
  std::error_code error;
  if (std::filesystem::is_directory(m_spool_directory, error))
    for (const auto &entry : std::filesystem::directory_iterator(m_spool_directory, error)) {
      bool incoming = entry.path().filename().string().rfind("incoming-", 0) == 0;
      if (incoming && !referenced.contains(entry.path()))
        std::filesystem::remove(entry.path(), error);
    }
  if (!save_directory || !std::filesystem::is_directory(*save_directory, error))
    return {};
  auto prefix = temporary_file_prefix(m_spool_directory);
  for (const auto &entry : std::filesystem::directory_iterator(*save_directory, error)) {
    auto name = entry.path().filename().string();
    if (is_temporary_file_name(name, prefix) && !referenced_names.contains(name))
      std::filesystem::remove(entry.path(), error);
  }
  return {};
}

Status Inbox::start_delivery() {
  m_taken = MESSAGEU_TRY(m_state.spooled_messages());
  m_next = 0;
  m_kept = 0;
  return {};
}

const client_state::SpooledMessage *Inbox::next() {
  return m_next < m_taken.size() ? &m_taken[m_next++] : nullptr;
}

Status Inbox::delivered(const client_state::SpooledMessage &message) {
  MESSAGEU_TRY(m_state.remove_spooled(message.row_id));
  if (message.content_path) {
    std::error_code ignored;
    std::filesystem::remove(*message.content_path, ignored);
  }
  return {};
}

void Inbox::keep(const client_state::SpooledMessage &) { ++m_kept; }

} // namespace messageu::client
