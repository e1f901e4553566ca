// A file message decrypted as it arrives: the plaintext, its digest and size whatever the
// chunks, a private hidden temporary name, the exact ciphertext given back when the key was
// wrong, and no file left behind unless the spool took it.
#include <messageu/client/incoming_file.hpp>

#include "support/temp_dir.hpp"
#include "support/vectors.hpp"

#include "client_test_data.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace messageu;
using namespace messageu::client;
using messageu::client::test::key_of;
using messageu::client::test::plaintext_of;
using messageu::test::TempDir;

namespace {

// Feeds `ciphertext` in chunks whose sizes cycle through `sizes`.
void feed(IncomingFile &file, const Bytes &ciphertext, std::vector<std::size_t> sizes) {
  std::size_t offset = 0;
  for (std::size_t turn = 0; offset < ciphertext.size(); ++turn) {
    auto size = std::min(sizes[turn % sizes.size()], ciphertext.size() - offset);
    ASSERT_TRUE(file.update(ByteView(ciphertext).subspan(offset, size)));
    offset += size;
  }
}

std::string contents_of(const std::filesystem::path &path) {
  return messageu::test::read_text_file(path.string());
}

std::string text_of(const Bytes &bytes) { return std::string(as_chars(bytes)); }

const std::string k_prefix = ".messageu-test-";

} // namespace

TEST(IncomingFile, DecryptsWhatArrivesInAnyChunksWithItsDigestSizeAndTail) {
  TempDir directory;
  // Past two full writes, and not whole blocks: the end goes through the page cache.
  auto plaintext = plaintext_of(2 * IncomingFile::k_write_size + 300'007);
  auto ciphertext = crypto::aes_encrypt(key_of(1), plaintext);
  auto file = IncomingFile::create(directory / "downloads", k_prefix, key_of(1));
  ASSERT_TRUE(file) << file.error().message;
  feed(*file, ciphertext, {1000, 7, 300'000, 16, 1'500'000});
  auto decrypted = file->finish();
  ASSERT_TRUE(decrypted) << decrypted.error().message;
  ASSERT_TRUE(*decrypted);
  EXPECT_EQ((*decrypted)->key, key_of(1));
  EXPECT_EQ((*decrypted)->plaintext_size, plaintext.size());
  EXPECT_EQ((*decrypted)->sha256, crypto::sha256(plaintext));
  EXPECT_EQ((*decrypted)->ciphertext_tail, Bytes(ciphertext.end() - 32, ciphertext.end()));
  EXPECT_EQ(contents_of(file->path()), text_of(plaintext));
}

TEST(IncomingFile, DecryptsAPlaintextOfWholeDirectIoBlocks) {
  TempDir directory;
  auto plaintext = plaintext_of(IncomingFile::k_write_size); // padded with one whole block
  auto ciphertext = crypto::aes_encrypt(key_of(4), plaintext);
  auto file = IncomingFile::create(directory.path(), k_prefix, key_of(4));
  ASSERT_TRUE(file);
  feed(*file, ciphertext, {65536});
  auto decrypted = file->finish();
  ASSERT_TRUE(decrypted && *decrypted);
  EXPECT_EQ((*decrypted)->sha256, crypto::sha256(plaintext));
  EXPECT_EQ(contents_of(file->path()), text_of(plaintext));
}

TEST(IncomingFile, MakesAPrivateHiddenTemporaryFileInTheDirectory) {
  TempDir directory;
  auto file = IncomingFile::create(directory / "new" / "downloads", k_prefix, key_of(1));
  ASSERT_TRUE(file);
  EXPECT_EQ(file->path().parent_path(), directory / "new" / "downloads");
  EXPECT_TRUE(is_temporary_file_name(file->path().filename().string(), k_prefix));
  struct stat status {};
  ASSERT_EQ(::stat(file->path().c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0600u);
  ASSERT_EQ(::stat((directory / "new" / "downloads").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0700u);
}

TEST(IncomingFile, GivesBackTheExactCiphertextWhenTheKeyWasWrong) {
  TempDir directory;
  auto ciphertext = crypto::aes_encrypt(key_of(1), plaintext_of(IncomingFile::k_write_size + 99));
  auto file = IncomingFile::create(directory.path(), k_prefix, key_of(2));
  ASSERT_TRUE(file);
  feed(*file, ciphertext, {123'457});
  auto decrypted = file->finish();
  ASSERT_TRUE(decrypted);
  EXPECT_FALSE(*decrypted);
  auto raw_path = directory / "raw";
  int fd = ::open(raw_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  auto written = file->write_ciphertext(fd);
  ::close(fd);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(contents_of(raw_path), text_of(ciphertext));
}

TEST(IncomingFile, RemovesItsFileUnlessReleased) {
  TempDir directory;
  std::filesystem::path dropped;
  std::filesystem::path kept;
  {
    auto first = IncomingFile::create(directory.path(), k_prefix, key_of(1));
    auto second = IncomingFile::create(directory.path(), k_prefix, key_of(1));
    ASSERT_TRUE(first && second);
    dropped = first->path();
    kept = second->path();
    second->release();
  }
  EXPECT_FALSE(std::filesystem::exists(dropped));
  EXPECT_TRUE(std::filesystem::exists(kept));
}

TEST(IncomingFile, ReportsADirectoryThatCannotBeCreated) {
  TempDir directory;
  messageu::test::write_file(directory / "file", "not a directory");
  auto file = IncomingFile::create(directory / "file" / "sub", k_prefix, key_of(1));
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, Errc::cannot_create);
}

TEST(TemporaryFilePrefix, DiffersBetweenProfilesAndNamesOnlyPartFiles) {
  TempDir directory;
  auto mine = temporary_file_prefix(directory / "alice" / "spool");
  auto theirs = temporary_file_prefix(directory / "bob" / "spool");
  EXPECT_NE(mine, theirs);
  EXPECT_EQ(mine, temporary_file_prefix(directory / "alice" / "." / "spool"));
  EXPECT_EQ(mine.front(), '.');
  EXPECT_TRUE(is_temporary_file_name(mine + "a1B2c3.part", mine));
  EXPECT_FALSE(is_temporary_file_name(theirs + "a1B2c3.part", mine));
  EXPECT_FALSE(is_temporary_file_name(mine + "a1B2c3", mine));
  EXPECT_FALSE(is_temporary_file_name("alice-4.part", mine));
}
