// What pull makes of each spooled message: a key kept for its sender, texts decrypted with the
// newest key then the earlier ones (keys crossing in flight), files saved, and "can't
// decrypt" as an outcome rather than an error.
#include <messageu/client/message_processor.hpp>

#include <messageu/client/spool_writer.hpp>
#include <messageu/crypto/hash.hpp>

#include "support/temp_dir.hpp"
#include "support/vectors.hpp"

#include <sys/stat.h>

#include "client_test_data.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::client;
using messageu::client::test::key_of;
using messageu::client::test::plaintext_of;
using messageu::test::TempDir;

namespace {

class MessageProcessorTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto state = client_state::ClientState::open(m_directory / "state.db");
    ASSERT_TRUE(state);
    m_state.emplace(std::move(*state));
    m_sender.fill(0x22);
  }

  client_state::SpooledMessage message(MessageType type, Bytes content, MessageId id = 1) {
    client_state::SpooledMessage spooled;
    spooled.message_id = id;
    spooled.sender = m_sender;
    spooled.type = type;
    spooled.content_size = content.size();
    spooled.content = std::move(content);
    return spooled;
  }

  // Spools a file message as pull does, decrypting it into `save_directory` when it can.
  client_state::SpooledMessage
  spool_file(const Bytes &ciphertext, const std::filesystem::path &save_directory, MessageId id) {
    client::Inbox inbox(*m_state, m_directory / "spool");
    client::SpoolWriter writer(inbox, *m_state, false);
    writer.decrypt_files_into(save_directory);
    protocol::PulledMessageHeader header;
    header.sender = m_sender;
    header.message_id = id;
    header.type = static_cast<std::uint8_t>(MessageType::file);
    header.content_size = static_cast<std::uint32_t>(ciphertext.size());
    EXPECT_TRUE(writer.on_message(header));
    EXPECT_TRUE(writer.on_content(ciphertext));
    EXPECT_TRUE(writer.on_message_end());
    EXPECT_TRUE(writer.commit());
    auto spooled = *m_state->spooled_messages();
    return spooled.empty() ? client_state::SpooledMessage{} : spooled.back();
  }

  Result<ReceivedMessage> process(const client_state::SpooledMessage &spooled) {
    MessageProcessor processor(*m_state, m_private_key, m_directory / "files");
    return processor.process(spooled, "bob");
  }

  static std::string contents_of(const std::filesystem::path &path) {
    return messageu::test::read_text_file(path.string());
  }

  TempDir m_directory;
  std::optional<client_state::ClientState> m_state;
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

TEST_F(MessageProcessorTest, NamesAFileDecryptedOnArrivalWithoutDecryptingItAgain) {
  ASSERT_TRUE(m_state->add_symmetric_key(m_sender, key_of(3)));
  auto plaintext = plaintext_of(300'001);
  auto spooled = spool_file(crypto::aes_encrypt(key_of(3), plaintext), m_directory / "files", 42);
  ASSERT_TRUE(spooled.decrypted);
  auto received = process(spooled);
  ASSERT_TRUE(received) << received.error().message;
  ASSERT_TRUE(received->file);
  EXPECT_EQ(received->file->path, m_directory / "files" / "bob-42");
  EXPECT_EQ(received->file->size, plaintext.size());
  EXPECT_EQ(received->file->sha256, crypto::sha256(plaintext));
  EXPECT_EQ(contents_of(received->file->path), std::string(as_chars(plaintext)));
  // Until pull drops the message, the temporary name stays: handled again after a crash, the
  // file is published again rather than lost.
  EXPECT_TRUE(std::filesystem::exists(*spooled.content_path));
  auto again = process(spooled);
  ASSERT_TRUE(again && again->file);
  EXPECT_EQ(again->file->path, m_directory / "files" / "bob-42.1");
}

TEST_F(MessageProcessorTest, SavesAFileDecryptedIntoAnotherDirectoryByAnEarlierPull) {
  ASSERT_TRUE(m_state->add_symmetric_key(m_sender, key_of(3)));
  auto plaintext = plaintext_of(200'000);
  auto spooled =
      spool_file(crypto::aes_encrypt(key_of(3), plaintext), m_directory / "elsewhere", 43);
  ASSERT_TRUE(spooled.decrypted);
  auto received = process(spooled);
  ASSERT_TRUE(received) << received.error().message;
  ASSERT_TRUE(received->file);
  EXPECT_EQ(received->file->path, m_directory / "files" / "bob-43");
  EXPECT_EQ(contents_of(received->file->path), std::string(as_chars(plaintext)));
}

TEST_F(MessageProcessorTest, DecryptsAgainUnderANewerKeyWhenAnOlderOneHadPassedThePaddingCheck) {
  // A file under key 2 whose last block happens to have valid padding under key 1 as well.
  auto plaintext = plaintext_of(200'005);
  Bytes ciphertext;
  std::vector<client_state::AesKeyBytes> only_key_1{key_of(1)};
  for (int attempt = 0; attempt < 65536; ++attempt) {
    plaintext[plaintext.size() - 1] = static_cast<Byte>(attempt);
    plaintext[plaintext.size() - 2] = static_cast<Byte>(attempt >> 8);
    ciphertext = crypto::aes_encrypt(key_of(2), plaintext);
    if (find_key_for_tail(ByteView(ciphertext).last(32), only_key_1))
      break;
  }
  ASSERT_TRUE(find_key_for_tail(ByteView(ciphertext).last(32), only_key_1));
  ASSERT_TRUE(m_state->add_symmetric_key(m_sender, key_of(1)));
  auto spooled = spool_file(ciphertext, m_directory / "files", 44);
  ASSERT_TRUE(spooled.decrypted); // under key 1, the newest when it arrived: garbage
  ASSERT_TRUE(m_state->add_symmetric_key(m_sender, key_of(2)));
  auto received = process(spooled);
  ASSERT_TRUE(received) << received.error().message;
  ASSERT_TRUE(received->file);
  EXPECT_EQ(received->file->sha256, crypto::sha256(plaintext));
  EXPECT_EQ(contents_of(received->file->path), std::string(as_chars(plaintext)));
}

TEST_F(MessageProcessorTest, DecryptsAFileSpooledRawWithAnEarlierKey) {
  ASSERT_TRUE(m_state->add_symmetric_key(m_sender, key_of(1)));
  ASSERT_TRUE(m_state->add_symmetric_key(m_sender, key_of(2)));
  auto plaintext = plaintext_of(200'000);
  auto spooled = spool_file(crypto::aes_encrypt(key_of(1), plaintext), m_directory / "files", 45);
  EXPECT_FALSE(spooled.decrypted);
  auto received = process(spooled);
  ASSERT_TRUE(received) << received.error().message;
  ASSERT_TRUE(received->file);
  EXPECT_EQ(contents_of(received->file->path), std::string(as_chars(plaintext)));
}

TEST_F(MessageProcessorTest, ReportsAFileWithoutAKeyAsUndecryptableAndKeepsItsCiphertext) {
  auto ciphertext = crypto::aes_encrypt(key_of(1), plaintext_of(200'000));
  auto spooled = spool_file(ciphertext, m_directory / "files", 46);
  ASSERT_FALSE(spooled.decrypted);
  ASSERT_TRUE(spooled.content_path);
  auto received = process(spooled);
  ASSERT_TRUE(received) << received.error().message;
  EXPECT_FALSE(received->decrypted);
  EXPECT_EQ(contents_of(*spooled.content_path), std::string(as_chars(ciphertext)));
  EXPECT_FALSE(std::filesystem::exists(m_directory / "files"));
}

TEST_F(MessageProcessorTest, CopiesADecryptedFileToASaveDirectoryOnAnotherFileSystem) {
  // /dev/shm is a tmpfs where there is one: hard links cannot cross to it.
  char pattern[] = "/dev/shm/messageu-test-XXXXXX";
  struct stat shm {};
  struct stat here {};
  if (::stat(m_directory.path().c_str(), &here) != 0 || ::stat("/dev/shm", &shm) != 0 ||
      shm.st_dev == here.st_dev || ::mkdtemp(pattern) == nullptr)
    GTEST_SKIP() << "no second file system to save into";
  std::filesystem::path other(pattern);
  ASSERT_TRUE(m_state->add_symmetric_key(m_sender, key_of(3)));
  auto plaintext = plaintext_of(150'000);
  auto spooled = spool_file(crypto::aes_encrypt(key_of(3), plaintext), m_directory / "files", 47);
  ASSERT_TRUE(spooled.decrypted);
  MessageProcessor processor(*m_state, m_private_key, other);
  auto received = processor.process(spooled, "bob");
  std::string contents = received && received->file ? contents_of(received->file->path) : "";
  std::error_code ignored;
  std::filesystem::remove_all(other, ignored);
  ASSERT_TRUE(received) << received.error().message;
  ASSERT_TRUE(received->file);
  EXPECT_EQ(received->file->path, other / "bob-47");
  EXPECT_EQ(contents, std::string(as_chars(plaintext)));
}
