// The sending side of the key exchange and of encrypted messages.
#include <messageu/client/outbox.hpp>

#include <messageu/crypto/rsa.hpp>

namespace messageu::client {

Outbox::Outbox(ServerLink &link, client_state::ClientState &state, UserDirectory &directory)
    : m_link(link), m_state(state), m_directory(directory) {}

Result<SentMessage> Outbox::send_key_request(const Peer &peer) {
  BytesContent empty{Bytes{}};
  return send_message(m_link, peer.id, MessageType::key_request, empty);
}

Result<SharedKey> Outbox::send_fresh_key(const Peer &peer) {
  MESSAGEU_TRY(m_directory.check_no_untrusted_change(peer));
  auto public_key_bytes = MESSAGEU_TRY(m_directory.fetch_trusted_key(peer));
  auto public_key = MESSAGEU_TRY(crypto::RsaPublicKey::from_bytes(public_key_bytes));
  auto key = crypto::generate_aes_key();
  auto encrypted = MESSAGEU_TRY(public_key.encrypt(key));
  BytesContent content{std::move(encrypted)};
  auto sent = MESSAGEU_TRY(send_message(m_link, peer.id, MessageType::symmetric_key, content));
  // Kept only now: the server has stored the key message for the peer.
  MESSAGEU_TRY(m_state.add_symmetric_key(peer.id, key));
  return SharedKey{key, sent};
}

Result<SharedKey> Outbox::ensure_shared_key(const Peer &peer) {
  MESSAGEU_TRY(m_directory.check_no_untrusted_change(peer));
  auto keys = MESSAGEU_TRY(m_state.symmetric_keys(peer.id));
  if (keys.empty())
    return send_fresh_key(peer);
  return SharedKey{keys.front(), std::nullopt};
}

Result<SentMessage> Outbox::send_text(const Peer &peer, const crypto::AesKey &key, ByteView text) {
  BytesContent content{crypto::aes_encrypt(key, text)};
  return send_message(m_link, peer.id, MessageType::text, content);
}

Result<SentMessage> Outbox::send_file(const Peer &peer, EncryptedFileContent &file) {
  return send_message(m_link, peer.id, MessageType::file, file);
}

} // namespace messageu::client
