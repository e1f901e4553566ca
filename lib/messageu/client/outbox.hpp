// Sending as the user: key requests, fresh symmetric keys and encrypted texts and files
// (PROTOCOL.md §5). A fresh key is kept only once the server has accepted it, so a failed
// send never leaves this side with a key the peer does not have.
#pragma once

#include <messageu/client/content_source.hpp>
#include <messageu/client/requests.hpp>
#include <messageu/client/server_link.hpp>
#include <messageu/client/user_directory.hpp>
#include <messageu/client_state/client_state.hpp>
#include <messageu/crypto/aes.hpp>

#include <optional>

namespace messageu::client {

// The key shared with a peer, and the key message (type 2) sent to set it up, if one was.
struct SharedKey {
  crypto::AesKey key{};
  std::optional<SentMessage> key_message;
};

class Outbox {
public:
  Outbox(ServerLink &link, client_state::ClientState &state, UserDirectory &directory);

  // A symmetric key request (type 1, empty).
  Result<SentMessage> send_key_request(const Peer &peer);

  // Fetches and pins the peer's public key (Errc::key_changed if it changed), makes a fresh
  // AES key, sends it RSA-encrypted (type 2) and keeps it as the newest key for the peer.
  Result<SharedKey> send_fresh_key(const Peer &peer);

  // The newest key kept for the peer, or a fresh one sent first when there is none. Refuses
  // (Errc::key_changed) a peer whose key changed and is not trusted.
  Result<SharedKey> ensure_shared_key(const Peer &peer);

  // Encrypts `text` under `key` and sends it (type 3).
  Result<SentMessage> send_text(const Peer &peer, const crypto::AesKey &key, ByteView text);

  // Sends an encrypted file (type 4) as it is read.
  Result<SentMessage> send_file(const Peer &peer, EncryptedFileContent &file);

private:
  ServerLink &m_link;
  client_state::ClientState &m_state;
  UserDirectory &m_directory;
};

} // namespace messageu::client
