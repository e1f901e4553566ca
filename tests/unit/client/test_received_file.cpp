// Saving received files: names that cannot escape the save directory, the key chosen from
// the last blocks alone, streamed decryption with its SHA-256, and never overwriting.
#include <messageu/client/received_file.hpp>

#include "support/temp_dir.hpp"
#include "support/vectors.hpp"

#include <messageu/crypto/hash.hpp>

#include "client_test_data.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::client;
using messageu::client::test::key_of;
using messageu::client::test::plaintext_of;
using messageu::test::TempDir;

namespace {

store::SpooledMessage message_with(const Bytes &ciphertext) {
  store::SpooledMessage message;
  message.type = MessageType::file;
  message.content = ciphertext;
  message.content_size = ciphertext.size();
  return message;
}

} // namespace

TEST(ReceivedFileName, KeepsTheFileInsideTheSaveDirectory) {
  EXPECT_EQ(received_file_name("bob", 7), "bob-7");
  EXPECT_EQ(received_file_name("../../etc/passwd", 1), "_.._.._etc_passwd-1");
  EXPECT_EQ(received_file_name(".hidden", 2), "_.hidden-2");
  EXPECT_EQ(received_file_name("", 3), "_-3");
}

TEST(FindFileKey, PicksTheKeyWhosePaddingChecksAmongSeveral) {
  auto ciphertext = crypto::aes_encrypt(key_of(2), plaintext_of(1000));
  auto message = message_with(ciphertext);
  auto content = SpooledContent::open(message);
  ASSERT_TRUE(content);
  std::vector<store::AesKeyBytes> keys{key_of(3), key_of(2), key_of(1)};
  auto found = find_file_key(*content, keys);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ(**found, key_of(2));
  std::vector<store::AesKeyBytes> wrong{key_of(5)};
  EXPECT_FALSE(*find_file_key(*content, wrong));
}

TEST(FindFileKey, FindsNoKeyForAContentThatIsNotWholeBlocks) {
  auto message = message_with(Bytes(17, 0));
  auto content = SpooledContent::open(message);
  std::vector<store::AesKeyBytes> keys{key_of(1)};
  EXPECT_FALSE(*find_file_key(*content, keys));
}

TEST(SaveReceivedFile, WritesThePlaintextAndItsDigestUnderANewName) {
  TempDir directory;
  auto plaintext = plaintext_of(3 * SpooledContent::k_chunk_size + 9);
  auto message = message_with(crypto::aes_encrypt(key_of(1), plaintext));
  auto content = SpooledContent::open(message);
  ASSERT_TRUE(content);
  auto target = directory / "downloads";
  std::uint64_t last_progress = 0;
  auto saved = save_received_file(*content, key_of(1), target, "bob-4",
                                  [&](std::uint64_t done, std::uint64_t) { last_progress = done; });
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_EQ(saved->path, target / "bob-4");
  EXPECT_EQ(saved->size, plaintext.size());
  EXPECT_EQ(saved->sha256, crypto::sha256(plaintext));
  EXPECT_EQ(last_progress, message.content.size());
  EXPECT_EQ(messageu::test::read_text_file(saved->path.string()), std::string(as_chars(plaintext)));

  ASSERT_TRUE(content->rewind());
  auto again = save_received_file(*content, key_of(1), target, "bob-4");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->path, target / "bob-4.1");
  ASSERT_TRUE(content->rewind());
  auto third = save_received_file(*content, key_of(1), target, "bob-4");
  EXPECT_EQ(third->path, target / "bob-4.2");
}

TEST(SaveReceivedFile, LeavesNothingBehindWhenThePaddingIsWrong) {
  TempDir directory;
  auto message = message_with(crypto::aes_encrypt(key_of(1), plaintext_of(5000)));
  auto content = SpooledContent::open(message);
  auto saved = save_received_file(*content, key_of(9), directory.path(), "bob-1");
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, Errc::decrypt_failed);
  EXPECT_TRUE(std::filesystem::is_empty(directory.path()));
}

TEST(SaveReceivedFile, ReportsADirectoryThatCannotBeCreated) {
  TempDir directory;
  messageu::test::write_file(directory / "file", "not a directory");
  auto message = message_with(crypto::aes_encrypt(key_of(1), plaintext_of(10)));
  auto content = SpooledContent::open(message);
  auto saved = save_received_file(*content, key_of(1), directory / "file" / "sub", "bob-1");
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, Errc::cannot_create);
}
