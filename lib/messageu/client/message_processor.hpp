// The second step of pull (CLI.md §4): what a spooled message means. A key (type 2) is
// RSA-decrypted and kept for its sender; a text (type 3) is decrypted with the newest key kept
// for the sender, then the earlier ones (keys crossing in flight); a file (type 4) is
// decrypted the same way into the save directory, or, when it was decrypted as it arrived
// under the key that choice gives, just named there. A message that cannot be decrypted is a
// normal outcome ("can't decrypt message"), not an error.
#pragma once

#include <messageu/client/content_source.hpp>
#include <messageu/client/received_file.hpp>
#include <messageu/client_state/client_state.hpp>
#include <messageu/crypto/rsa.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace messageu::client {

struct ReceivedMessage {
  MessageId id = 0;
  ClientId sender{};
  MessageType type = MessageType::text;
  bool decrypted = true;         // false: "can't decrypt message"
  Bytes text;                    // type 3: the plaintext, byte for byte
  std::optional<SavedFile> file; // type 4: where it was saved
  // When it reached this client (seconds since the Unix epoch), if recorded.
  std::optional<std::int64_t> received;
};

class MessageProcessor {
public:
  MessageProcessor(client_state::ClientState &state, const crypto::RsaPrivateKey &private_key,
                   std::filesystem::path save_directory);

  // Reports the decryption of a file to its save directory.
  void set_progress(ProgressCallback progress) { m_progress = std::move(progress); }

  // Handles `message`; `sender_label` names the saved file. Errors are local failures only:
  // the save directory or file cannot be created (Errc::cannot_create), a read or write
  // fails (Errc::io_error), the database fails (Errc::storage).
  Result<ReceivedMessage> process(const client_state::SpooledMessage &message,
                                  std::string_view sender_label);

private:
  Status receive_key(const client_state::SpooledMessage &message, ReceivedMessage &received);
  Status receive_text(const client_state::SpooledMessage &message, ReceivedMessage &received);
  Status receive_file(const client_state::SpooledMessage &message, std::string_view sender_label,
                      ReceivedMessage &received);
  Status receive_decrypted_file(const client_state::SpooledMessage &message,
                                std::string_view sender_label, ReceivedMessage &received);
  // Decrypts `content` under `key` into the save directory.
  Status save(ContentSource &content, const crypto::AesKey &key, std::string_view base_name,
              ReceivedMessage &received);

  client_state::ClientState &m_state;
  const crypto::RsaPrivateKey &m_private_key;
  std::filesystem::path m_save_directory;
  ProgressCallback m_progress;
};

} // namespace messageu::client
