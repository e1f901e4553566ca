// What pull makes of each spooled message: a key kept for its sender, texts decrypted with the
// newest key then the earlier ones (keys crossing in flight), files saved, and "can't
// decrypt" as an outcome rather than an error.
#include <messageu/client/message_processor.hpp>

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::client;
using messageu::test::TempDir;

namespace {

class MessageProcessorTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto state = store::ClientState::open(m_directory / "state.db");
    ASSERT_TRUE(state);
    m_state.emplace(std::move(*state));
    m_sender.fill(0x22);
  }

  store::SpooledMessage message(MessageType type, Bytes content, MessageId id = 1) {
    store::SpooledMessage spooled;
    spooled.message_id = id;
    spooled.sender = m_sender;
    spooled.type = type;
    spooled.content_size = content.size();
    spooled.content = std::move(content);
    return spooled;
  }

  Result<ReceivedMessage> process(const store::SpooledMessage &spooled) {
    MessageProcessor processor(*m_state, m_private_key, m_directory / "files");
    return processor.process(spooled, "bob");
  }

  static crypto::AesKey key_of(Byte value) {
    crypto::AesKey key{};
    key.fill(value);
    return key;
  }

  TempDir m_directory;
  std::optional<store::ClientState> m_state;
  crypto::RsaPrivateKey m_private_key = crypto::RsaPrivateKey::generate();
  ClientId m_sender{};
};

} // namespace

TEST_F(MessageProcessorTest, KeepsAReceivedKeyAsTheSendersNewest) {
  auto public_key = crypto::RsaPublicKey::from_bytes(m_private_key.public_key());
  ASSERT_TRUE(public_key);
  ASSERT_TRUE(m_state->add_symmetric_key(m_sender, key_of(1)));
  auto received = process(message(MessageType::symmetric_key, *public_key->encrypt(key_of(2))));
  ASSERT_TRUE(received);
  EXPECT_TRUE(received->decrypted);
  auto keys = m_state->symmetric_keys(m_sender);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ(keys->front(), key_of(2));
}

TEST_F(MessageProcessorTest, ReportsAKeyForAnotherRecipientAsUndecryptable) {
  auto other = crypto::RsaPrivateKey::generate();
  auto public_key = crypto::RsaPublicKey::from_bytes(other.public_key());
  auto received = process(message(MessageType::symmetric_key, *public_key->encrypt(key_of(2))));
  ASSERT_TRUE(received);
  EXPECT_FALSE(received->decrypted);
  EXPECT_TRUE(m_state->symmetric_keys(m_sender)->empty());
}

TEST_F(MessageProcessorTest, DecryptsATextWithAnEarlierKeyWhenTheNewestFails) {
  ASSERT_TRUE(m_state->add_symmetric_key(m_sender, key_of(1)));
  ASSERT_TRUE(m_state->add_symmetric_key(m_sender, key_of(2)));
  auto received =
      process(message(MessageType::text, crypto::aes_encrypt(key_of(1), to_bytes("hi"))));
  ASSERT_TRUE(received);
  EXPECT_TRUE(received->decrypted);
  EXPECT_EQ(received->text, to_bytes("hi"));
}

TEST_F(MessageProcessorTest, ReportsATextWithNoFittingKeyAsUndecryptable) {
  auto received =
      process(message(MessageType::text, crypto::aes_encrypt(key_of(7), to_bytes("x"))));
  ASSERT_TRUE(received);
  EXPECT_FALSE(received->decrypted);
}

TEST_F(MessageProcessorTest, SavesAFileUnderSenderAndMessageId) {
  ASSERT_TRUE(m_state->add_symmetric_key(m_sender, key_of(3)));
  auto received =
      process(message(MessageType::file, crypto::aes_encrypt(key_of(3), to_bytes("data")), 42));
  ASSERT_TRUE(received);
  ASSERT_TRUE(received->file);
  EXPECT_EQ(received->file->path, m_directory / "files" / "bob-42");
  EXPECT_EQ(received->file->size, 4u);
}

TEST_F(MessageProcessorTest, PassesAKeyRequestThrough) {
  auto received = process(message(MessageType::key_request, {}));
  ASSERT_TRUE(received);
  EXPECT_TRUE(received->decrypted);
  EXPECT_EQ(received->type, MessageType::key_request);
}
