// The first step of pull (CLI.md §4): the messages of a pull response go into the profile's
// spool before anything else happens to them, so that nothing the server handed over is lost
// if the client dies afterwards. Small contents are held in memory until the commit; large
// ones stream into files, so memory stays bounded whatever the response holds. A large file
// message from a sender with a known key is decrypted on the way into a temporary file of the
// save directory (IncomingFile), so that its bytes are written and synced once; any other
// large content goes raw into a file under the spool directory.
#pragma once

#include <messageu/client/content_source.hpp>
#include <messageu/client/inbox.hpp>
#include <messageu/client/incoming_file.hpp>
#include <messageu/client/server_link.hpp>
#include <messageu/client_state/client_state.hpp>
#include <messageu/util/unique_fd.hpp>

#include <filesystem>
#include <optional>
#include <vector>

namespace messageu::client {

class SpoolWriter : public PullHandler {
public:
  // Contents up to this size stay in memory until the commit...
  static constexpr std::uint64_t k_inline_limit = 64 * 1024;
  // ...as long as all of them together stay under this.
  static constexpr std::uint64_t k_inline_budget = 16u << 20;

  // Fills `inbox`; `state` gives the keys kept for each sender. `acknowledged`: the pull is
  // acknowledged (version 3), so the server may deliver again a message an earlier pull
  // already spooled.
  SpoolWriter(Inbox &inbox, client_state::ClientState &state, bool acknowledged);
  SpoolWriter(const SpoolWriter &) = delete;
  SpoolWriter &operator=(const SpoolWriter &) = delete;
  // Removes the spool files of messages that were never committed.
  ~SpoolWriter() override;

  // Called as file messages (type 4) arrive: bytes received of the content, and its size.
  void set_progress(ProgressCallback progress) { m_progress = std::move(progress); }
  // Large file messages are decrypted as they arrive into temporary files of
  // `save_directory` (created when needed) rather than spooled raw. Without this call, or
  // when the directory cannot be written, every content is spooled raw.
  void decrypt_files_into(std::filesystem::path save_directory);

  // Errors: the spool directory or a spool file cannot be created → Errc::cannot_create; a
  // write or fsync fails → Errc::io_error; the database fails → Errc::storage.
  Status on_message(const protocol::PulledMessageHeader &header) override;
  Status on_content(ByteView chunk) override;
  Status on_message_end() override;

  // Adds every received message to the inbox in one transaction, synced to disk (the files
  // and their directories first). Messages already spooled by an earlier pull are not stored
  // twice.
  Status commit();

  // The ids of every message of the response, spooled now or before: what to acknowledge.
  const std::vector<MessageId> &pulled_ids() const { return m_pulled_ids; }
  // How many messages of the response were new to the spool.
  std::size_t new_message_count() const { return m_messages.size(); }

private:
  Status open_spool_file();
  Status close_spool_file();
  Result<bool> start_decrypting();
  Status finish_decrypting();
  void discard_files();

  Inbox &m_inbox;
  client_state::ClientState &m_state;
  std::filesystem::path m_spool_directory;
  bool m_acknowledged = false;
  ProgressCallback m_progress;
  std::optional<std::filesystem::path> m_save_directory;
  std::optional<IncomingFile> m_incoming;
  std::vector<client_state::SpooledMessage> m_messages;
  std::vector<MessageId> m_pulled_ids;
  std::optional<client_state::SpooledMessage> m_current;
  bool m_skip_current = false;
  UniqueFd m_fd; // the current spool file, while one is written
  std::uint64_t m_received = 0;
  std::uint64_t m_inline_bytes = 0;
  bool m_committed = false;
};

} // namespace messageu::client
