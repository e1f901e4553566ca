// Decrypting spooled messages with the private key and the key history of each sender.
#include <messageu/client/message_processor.hpp>

#include <messageu/client/spooled_content.hpp>

namespace messageu::client {

MessageProcessor::MessageProcessor(client_state::ClientState &state,
                                   const crypto::RsaPrivateKey &private_key,
                                   std::filesystem::path save_directory)
    : m_state(state), m_private_key(private_key), m_save_directory(std::move(save_directory)) {}

Result<ReceivedMessage> MessageProcessor::process(const client_state::SpooledMessage &message,
                                                  std::string_view sender_label) {
  ReceivedMessage received;
  received.id = message.message_id;
  received.sender = message.sender;
  received.type = message.type;
  received.received = message.received;
  switch (message.type) {
  case MessageType::key_request: break;
  case MessageType::symmetric_key: MESSAGEU_TRY(receive_key(message, received)); break;
  case MessageType::text: MESSAGEU_TRY(receive_text(message, received)); break;
  case MessageType::file: MESSAGEU_TRY(receive_file(message, sender_label, received)); break;
  }
  return received;
}

Status MessageProcessor::receive_key(const client_state::SpooledMessage &message,
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

Status MessageProcessor::receive_text(const client_state::SpooledMessage &message,
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

Status MessageProcessor::receive_file(const client_state::SpooledMessage &message,
                                      std::string_view sender_label, ReceivedMessage &received) {
  if (message.decrypted && message.content_path)
    return receive_decrypted_file(message, sender_label, received);
  auto keys = MESSAGEU_TRY(m_state.symmetric_keys(message.sender));
  auto content = MESSAGEU_TRY(SpooledContent::open(message));
  auto key = MESSAGEU_TRY(find_file_key(content, keys));
  if (!key) {
    received.decrypted = false;
    return {};
  }
  return save(content, *key, received_file_name(sender_label, message.message_id), received);
}

Status MessageProcessor::receive_decrypted_file(const client_state::SpooledMessage &message,
                                                std::string_view sender_label,
                                                ReceivedMessage &received) {
  const auto &decrypted = *message.decrypted;
  auto keys = MESSAGEU_TRY(m_state.symmetric_keys(message.sender));
  auto key = find_key_for_tail(decrypted.ciphertext_tail, keys);
  if (!key) {
    received.decrypted = false;
    return {};
  }
  auto name = received_file_name(sender_label, message.message_id);
  if (*key == decrypted.key) {
    received.file = MESSAGEU_TRY(publish_decrypted_file(message, m_save_directory, name));
    return {};
  }
  // Another key is the one to use now (a newer key arrived in the same pull, say): encrypting
  // the plaintext again under the key it was decrypted with gives back the ciphertext.
  auto ciphertext = EncryptedFileContent::open(*message.content_path, decrypted.key);
  if (!ciphertext || ciphertext->size() != message.content_size)
    return make_error(Errc::io_error, "the received file " + message.content_path->string() +
                                          " is missing or not the size recorded");
  return save(*ciphertext, *key, name, received);
}

Status MessageProcessor::save(ContentSource &content, const crypto::AesKey &key,
                              std::string_view base_name, ReceivedMessage &received) {
  auto saved = save_received_file(content, key, m_save_directory, base_name, m_progress);
  if (!saved && saved.error().code == Errc::decrypt_failed) {
    received.decrypted = false;
    return {};
  }
  received.file = MESSAGEU_TRY(std::move(saved));
  return {};
}

} // namespace messageu::client
