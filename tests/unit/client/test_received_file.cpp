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

client_state::SpooledMessage message_with(const Bytes &ciphertext) {
  client_state::SpooledMessage message;
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
  EXPECT_EQ(received_file_name("..", 4), "_..-4");
  EXPECT_EQ(received_file_name("-rf", 5), "_-rf-5");
}

TEST(ReceivedFileName, ReplacesEverythingButPrintableAscii) {
  EXPECT_EQ(received_file_name("a\\b c\td\x1b[2J\x7f\xc3\xa9", 6), "a_b_c_d_[2J___-6");
  EXPECT_EQ(received_file_name(std::string("nul\0byte", 8), 7), "nul_byte-7");
}

TEST(ReceivedFileName, CutsALongNameSoThatEveryNameMadeFromItFits) {
  for (std::size_t length : {100u, 238u, 239u, 240u, 255u, 300u}) {
    SCOPED_TRACE(length);
    auto name = received_file_name(std::string(length, 'x'), 4294967295u);
    EXPECT_EQ(name.size(), std::min(length + 11, k_max_received_file_base_name));
    EXPECT_TRUE(name.ends_with("x-4294967295"));
    // The temporary name while writing, and the name with a uniqueness suffix.
    EXPECT_LE(("." + name + ".partial-XXXXXX").size(), k_max_file_name);
    EXPECT_LE((name + ".2147483647").size(), k_max_file_name);
  }
  // Two long names that share their beginning stay apart by their message ids.
  EXPECT_NE(received_file_name(std::string(300, 'x') + "a", 1),
            received_file_name(std::string(300, 'x') + "b", 2));
}

TEST(FindFileKey, PicksTheKeyWhosePaddingChecksAmongSeveral) {
  auto ciphertext = crypto::aes_encrypt(key_of(2), plaintext_of(1000));
  auto message = message_with(ciphertext);
  auto content = SpooledContent::open(message);
  ASSERT_TRUE(content);
  std::vector<client_state::AesKeyBytes> keys{key_of(3), key_of(2), key_of(1)};
  auto found = find_file_key(*content, keys);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ(**found, key_of(2));
  std::vector<client_state::AesKeyBytes> wrong{key_of(5)};
  EXPECT_FALSE(*find_file_key(*content, wrong));
}

TEST(FindFileKey, FindsNoKeyForAContentThatIsNotWholeBlocks) {
  auto message = message_with(Bytes(17, 0));
  auto content = SpooledContent::open(message);
  std::vector<client_state::AesKeyBytes> keys{key_of(1)};
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

TEST(SaveReceivedFile, SavesUnderTheLongestNameAndItsSuffixes) {
  TempDir directory;
  auto plaintext = plaintext_of(100);
  auto message = message_with(crypto::aes_encrypt(key_of(1), plaintext));
  auto content = SpooledContent::open(message);
  auto name = received_file_name(std::string(300, 'y'), 4294967295u);
  for (const auto *suffix : {"", ".1"}) {
    ASSERT_TRUE(content->rewind());
    auto saved = save_received_file(*content, key_of(1), directory.path(), name);
    ASSERT_TRUE(saved) << saved.error().message;
    EXPECT_EQ(saved->path, directory / (name + suffix));
    EXPECT_EQ(messageu::test::read_text_file(saved->path.string()),
              std::string(as_chars(plaintext)));
  }
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
