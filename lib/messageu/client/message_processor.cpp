// Decrypting spooled messages with the private key and the key history of each sender.
#include <messageu/client/message_processor.hpp>

#include <messageu/client/spooled_content.hpp>

namespace messageu::client {

MessageProcessor::MessageProcessor(store::ClientState &state,
                                   const crypto::RsaPrivateKey &private_key,
                                   std::filesystem::path save_directory)
    : m_state(state), m_private_key(private_key), m_save_directory(std::move(save_directory)) {}

Result<ReceivedMessage> MessageProcessor::process(const store::SpooledMessage &message,
                                                  std::string_view sender_label) {
  ReceivedMessage received;
  received.id = message.message_id;
  received.sender = message.sender;
  received.type = message.type;
  switch (message.type) {
  case MessageType::key_request: break;
  case MessageType::symmetric_key: MESSAGEU_TRY(receive_key(message, received)); break;
  case MessageType::text: MESSAGEU_TRY(receive_text(message, received)); break;
  case MessageType::file: MESSAGEU_TRY(receive_file(message, sender_label, received)); break;
  }
  return received;
}

Status MessageProcessor::receive_key(const store::SpooledMessage &message,
                                     ReceivedMessage &received) {
  auto content = MESSAGEU_TRY(SpooledContent::open(message));
  if (content.size() != k_encrypted_symmetric_key_size) {
    received.decrypted = false;
    return {};
  }
  auto encrypted = MESSAGEU_TRY(content.read_all());
  auto decrypted = m_private_key.decrypt(encrypted);
  auto key = decrypted ? crypto::aes_key_from_bytes(*decrypted)
                       : Result<crypto::AesKey>(decrypted.error());
  if (!key) {
    received.decrypted = false;
    return {};
  }
  // The newest key for this sender from now on; earlier ones stay for messages in flight.
  return m_state.add_symmetric_key(message.sender, *key);
}

Status MessageProcessor::receive_text(const store::SpooledMessage &message,
                                      ReceivedMessage &received) {
  auto keys = MESSAGEU_TRY(m_state.symmetric_keys(message.sender));
  auto content = MESSAGEU_TRY(SpooledContent::open(message));
  auto ciphertext = MESSAGEU_TRY(content.read_all());
  for (const auto &key : keys) {
    auto plaintext = crypto::aes_decrypt(key, ciphertext);
    if (plaintext) {
      received.text = std::move(*plaintext);
      return {};
    }
  }
  received.decrypted = false;
  return {};
}

Status MessageProcessor::receive_file(const store::SpooledMessage &message,
                                      std::string_view sender_label, ReceivedMessage &received) {
  auto keys = MESSAGEU_TRY(m_state.symmetric_keys(message.sender));
  auto content = MESSAGEU_TRY(SpooledContent::open(message));
  auto key = MESSAGEU_TRY(find_file_key(content, keys));
  if (!key) {
    received.decrypted = false;
    return {};
  }
  auto saved = save_received_file(content, *key, m_save_directory,
                                  received_file_name(sender_label, message.message_id), m_progress);
  if (!saved && saved.error().code == Errc::decrypt_failed) {
    received.decrypted = false;
    return {};
  }
  received.file = MESSAGEU_TRY(std::move(saved));
  return {};
}

} // namespace messageu::client
