// The client's inbox (CLI.md §4): the messages a pull has taken from the server and not yet
// delivered. It owns their spool rows in state.db, the files that hold their large contents
// (raw under <home>/spool/, or decrypted in temporary files of the save directory), the
// clean-up of files a killed pull left behind, and the order of delivery. Pull fills it
// (SpoolWriter), then asks it for each message in turn and tells it whether the message was
// delivered (forgotten: the row, then the file) or kept for the next pull.
//
// Only safe under the profile's inbox lock (Profile::inbox_lock_path()): two inboxes on one
// profile would deliver twice.
#pragma once

#include <messageu/client_state/client_state.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

namespace messageu::client {

class Inbox {
public:
  Inbox(client_state::ClientState &state, std::filesystem::path spool_directory);

  // Where large raw contents are spooled.
  const std::filesystem::path &spool_directory() const { return m_spool_directory; }

  // --- filling -----------------------------------------------------------------------------

  // True when this message (sender, message id, type and content size) is in the inbox.
  Result<bool> holds(const ClientId &sender, MessageId message_id, MessageType type,
                     std::uint64_t content_size);
  // Adds `messages` in one synced transaction; those already held are not added twice. Their
  // files, if any, must already be durable.
  Status add(std::span<const client_state::SpooledMessage> messages);
  // Removes the files of the spool directory, and this profile's temporary files of
  // `save_directory` when given, that no message of the inbox names: what a pull killed
  // before its commit left behind.
  Status remove_orphans(const std::optional<std::filesystem::path> &save_directory = {});

  // --- delivery ----------------------------------------------------------------------------

  // Takes every message of the inbox for delivery, in the order they arrived.
  Status start_delivery();
  // The next message to deliver, or nullptr once every message taken was delivered or kept.
  const client_state::SpooledMessage *next();
  // Forgets a message that was delivered (or discarded): its row first, so that a crash in
  // between leaves a stray file (an orphan, removed by the next pull) rather than a row naming
  // a missing file.
  Status delivered(const client_state::SpooledMessage &message);
  // Leaves a message in the inbox for the next pull.
  void keep(const client_state::SpooledMessage &message);

  // How many messages start_delivery() took, and how many of them were kept.
  std::size_t taken_count() const { return m_taken.size(); }
  std::size_t kept_count() const { return m_kept; }

private:
  client_state::ClientState &m_state;
  std::filesystem::path m_spool_directory;
  std::vector<client_state::SpooledMessage> m_taken;
  std::size_t m_next = 0;
  std::size_t m_kept = 0;
};

} // namespace messageu::client
