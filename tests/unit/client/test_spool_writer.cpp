// The first step of pull: a response's messages land in the spool (inline or in spool files)
// only when committed, uncommitted files are removed, and a repeated acknowledged pull does
// not store a message twice. Also the inbox's removal of the files a killed pull left behind,
// which needs files spooled as a pull writes them.
#include <messageu/client/spool_writer.hpp>

#include "support/temp_dir.hpp"
#include "support/vectors.hpp"

#include "client_test_data.hpp"

#include <messageu/crypto/hash.hpp>

#include <gtest/gtest.h>

using namespace messageu;
using messageu::client::Inbox;
using messageu::client::is_temporary_file_name;
using messageu::client::SpoolWriter;
using messageu::client::temporary_file_prefix;
using messageu::client::test::key_of;
using messageu::client::test::plaintext_of;
using messageu::test::TempDir;

namespace {

class SpoolWriterTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto state = client_state::ClientState::open(m_directory / "state.db");
    ASSERT_TRUE(state) << state.error().message;
    m_state.emplace(std::move(*state));
    m_inbox.emplace(*m_state, spool_directory());
  }

  // Feeds one message in chunks of `chunk` bytes.
  static void feed(SpoolWriter &writer, MessageId id, MessageType type, const Bytes &content,
                   std::size_t chunk = 1000) {
    protocol::PulledMessageHeader header;
    header.sender.fill(0x11);
    header.message_id = id;
    header.type = static_cast<std::uint8_t>(type);
    header.content_size = static_cast<std::uint32_t>(content.size());
    ASSERT_TRUE(writer.on_message(header));
    for (std::size_t offset = 0; offset < content.size(); offset += chunk)
      ASSERT_TRUE(writer.on_content(
          ByteView(content).subspan(offset, std::min(chunk, content.size() - offset))));
    ASSERT_TRUE(writer.on_message_end());
  }

  std::vector<std::filesystem::path> spool_files() const {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::exists(spool_directory()))
      for (const auto &entry : std::filesystem::directory_iterator(spool_directory()))
        files.push_back(entry.path());
    return files;
  }

  std::filesystem::path spool_directory() const { return m_directory / "spool"; }
  std::filesystem::path save_directory() const { return m_directory / "downloads"; }

  static ClientId sender() {
    ClientId id{};
    id.fill(0x11);
    return id;
  }

  std::vector<std::filesystem::path> saved_files() const {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::exists(save_directory()))
      for (const auto &entry : std::filesystem::directory_iterator(save_directory()))
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
  }

  // Spools one file message of `ciphertext` with decryption into the save directory on.
  client_state::SpooledMessage spool_file(const Bytes &ciphertext, MessageId id = 1) {
    SpoolWriter writer(*m_inbox, *m_state, false);
    writer.decrypt_files_into(save_directory());
    feed(writer, id, MessageType::file, ciphertext, 70'000);
    EXPECT_TRUE(writer.commit());
    auto spooled = *m_state->spooled_messages();
    EXPECT_FALSE(spooled.empty());
    return spooled.empty() ? client_state::SpooledMessage{} : spooled.back();
  }

  TempDir m_directory;
  std::optional<client_state::ClientState> m_state;
  std::optional<Inbox> m_inbox;
};

Bytes filled(std::size_t size, Byte value) { return Bytes(size, value); }

std::string contents_of(const std::filesystem::path &path) {
  return messageu::test::read_text_file(path.string());
}

} // namespace

TEST_F(SpoolWriterTest, StoresSmallContentsInlineAndLargeOnesInFiles) {
  auto small = filled(100, 1);
  auto large = filled(SpoolWriter::k_inline_limit + 1, 2);
  {
    SpoolWriter writer(*m_inbox, *m_state, false);
    feed(writer, 7, MessageType::text, small);
    feed(writer, 8, MessageType::file, large, 4096);
    ASSERT_TRUE(writer.commit());
    EXPECT_EQ(writer.pulled_ids(), (std::vector<MessageId>{7, 8}));
    EXPECT_EQ(writer.new_message_count(), 2u);
  }
  auto spooled = m_state->spooled_messages();
  ASSERT_TRUE(spooled);
  ASSERT_EQ(spooled->size(), 2u);
  EXPECT_EQ((*spooled)[0].content, small);
  EXPECT_FALSE((*spooled)[0].content_path);
  ASSERT_TRUE((*spooled)[1].content_path);
  EXPECT_EQ((*spooled)[1].content_size, large.size());
  EXPECT_EQ(std::filesystem::file_size(*(*spooled)[1].content_path), large.size());
}

TEST_F(SpoolWriterTest, RemovesItsFilesWhenNeverCommitted) {
  {
    SpoolWriter writer(*m_inbox, *m_state, false);
    feed(writer, 1, MessageType::file, filled(SpoolWriter::k_inline_limit * 2, 3));
    EXPECT_EQ(spool_files().size(), 1u);
  }
  EXPECT_TRUE(spool_files().empty());
  EXPECT_TRUE(m_state->spooled_messages()->empty());
}

TEST_F(SpoolWriterTest, StoresARedeliveredMessageOnce) {
  auto large = filled(SpoolWriter::k_inline_limit * 2, 4);
  for (int pull = 0; pull < 2; ++pull) {
    SpoolWriter writer(*m_inbox, *m_state, true);
    feed(writer, 5, MessageType::text, filled(10, 9));
    feed(writer, 6, MessageType::file, large);
    ASSERT_TRUE(writer.commit());
    EXPECT_EQ(writer.pulled_ids(), (std::vector<MessageId>{5, 6}));
  }
  EXPECT_EQ(m_state->spooled_messages()->size(), 2u);
  EXPECT_EQ(spool_files().size(), 1u);
}

TEST_F(SpoolWriterTest, InboxRemovesOrphanedSpoolFilesButKeepsSpooledOnes) {
  {
    SpoolWriter writer(*m_inbox, *m_state, false);
    feed(writer, 1, MessageType::file, filled(SpoolWriter::k_inline_limit * 2, 5));
    ASSERT_TRUE(writer.commit());
  }
  auto kept = spool_files();
  ASSERT_EQ(kept.size(), 1u);
  messageu::test::write_file(spool_directory() / "incoming-left-by-a-killed-pull", "x");
  messageu::test::write_file(spool_directory() / "unrelated", "y");
  ASSERT_TRUE(m_inbox->remove_orphans());
  auto files = spool_files();
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::filesystem::path>{kept[0], spool_directory() / "unrelated"}));
}

TEST_F(SpoolWriterTest, DecryptsALargeFileIntoTheSaveDirectoryWhenTheSenderHasAKey) {
  ASSERT_TRUE(m_state->add_symmetric_key(sender(), key_of(1)));
  auto plaintext = plaintext_of(3 * SpoolWriter::k_inline_limit + 5);
  auto ciphertext = crypto::aes_encrypt(key_of(1), plaintext);
  auto spooled = spool_file(ciphertext, 8);
  ASSERT_TRUE(spooled.decrypted);
  ASSERT_TRUE(spooled.content_path);
  EXPECT_EQ(spooled.content_size, ciphertext.size());
  EXPECT_EQ(spooled.decrypted->plaintext_size, plaintext.size());
  EXPECT_EQ(spooled.decrypted->sha256, crypto::sha256(plaintext));
  EXPECT_EQ(spooled.content_path->parent_path(), save_directory());
  EXPECT_TRUE(is_temporary_file_name(spooled.content_path->filename().string(),
                                     temporary_file_prefix(spool_directory())));
  EXPECT_EQ(contents_of(*spooled.content_path), std::string(as_chars(plaintext)));
  EXPECT_TRUE(spool_files().empty()); // written once, in the save directory only
}

TEST_F(SpoolWriterTest, SpoolsTheExactCiphertextWhenTheNewestKeyIsNotTheFilesOne) {
  ASSERT_TRUE(m_state->add_symmetric_key(sender(), key_of(1)));
  ASSERT_TRUE(m_state->add_symmetric_key(sender(), key_of(2)));
  auto ciphertext = crypto::aes_encrypt(key_of(1), plaintext_of(200'000));
  auto spooled = spool_file(ciphertext);
  EXPECT_FALSE(spooled.decrypted);
  ASSERT_TRUE(spooled.content_path);
  EXPECT_EQ(spooled.content_path->parent_path(), spool_directory());
  EXPECT_EQ(contents_of(*spooled.content_path), std::string(as_chars(ciphertext)));
  EXPECT_TRUE(saved_files().empty()); // the temporary file is gone
}

TEST_F(SpoolWriterTest, SpoolsTheCiphertextRawWhenTheSenderHasNoKey) {
  auto ciphertext = crypto::aes_encrypt(key_of(1), plaintext_of(200'000));
  auto spooled = spool_file(ciphertext);
  EXPECT_FALSE(spooled.decrypted);
  ASSERT_TRUE(spooled.content_path);
  EXPECT_EQ(contents_of(*spooled.content_path), std::string(as_chars(ciphertext)));
  EXPECT_FALSE(std::filesystem::exists(save_directory()));
}

TEST_F(SpoolWriterTest, SpoolsRawWhenTheSaveDirectoryCannotBeCreated) {
  ASSERT_TRUE(m_state->add_symmetric_key(sender(), key_of(1)));
  messageu::test::write_file(save_directory(), "a file where the directory should be");
  auto ciphertext = crypto::aes_encrypt(key_of(1), plaintext_of(200'000));
  auto spooled = spool_file(ciphertext);
  EXPECT_FALSE(spooled.decrypted);
  ASSERT_TRUE(spooled.content_path);
  EXPECT_EQ(contents_of(*spooled.content_path), std::string(as_chars(ciphertext)));
}

TEST_F(SpoolWriterTest, RemovesTheDecryptedFileWhenNeverCommitted) {
  ASSERT_TRUE(m_state->add_symmetric_key(sender(), key_of(1)));
  auto ciphertext = crypto::aes_encrypt(key_of(1), plaintext_of(200'000));
  {
    SpoolWriter writer(*m_inbox, *m_state, false);
    writer.decrypt_files_into(save_directory());
    feed(writer, 1, MessageType::file, ciphertext);
    EXPECT_EQ(saved_files().size(), 1u);
  }
  EXPECT_TRUE(saved_files().empty());
  EXPECT_TRUE(m_state->spooled_messages()->empty());
}

TEST_F(SpoolWriterTest, InboxRemovesOnlyThisProfilesOrphanedTemporaryFiles) {
  ASSERT_TRUE(m_state->add_symmetric_key(sender(), key_of(1)));
  auto spooled = spool_file(crypto::aes_encrypt(key_of(1), plaintext_of(200'000)));
  ASSERT_TRUE(spooled.decrypted);
  auto mine = temporary_file_prefix(spool_directory());
  auto theirs = temporary_file_prefix(m_directory / "other-profile" / "spool");
  messageu::test::write_file(save_directory() / (mine + "Killed.part"), "x");
  messageu::test::write_file(save_directory() / (theirs + "Pulling.part"), "y");
  messageu::test::write_file(save_directory() / "alice-3", "z");
  ASSERT_TRUE(m_inbox->remove_orphans(save_directory()));
  auto expected = std::vector<std::filesystem::path>{*spooled.content_path,
                                                     save_directory() / (theirs + "Pulling.part"),
                                                     save_directory() / "alice-3"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(saved_files(), expected);
}
