// Message contents produced in chunks: a file encrypted while it is read gives exactly the
// ciphertext of the whole file, of the size declared up front, at any size around the chunk
// and block boundaries.
#include <messageu/client/content_source.hpp>

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

using namespace messageu;
using messageu::client::BytesContent;
using messageu::client::ContentSource;
using messageu::client::EncryptedFileContent;
using messageu::test::TempDir;

namespace {

Bytes pattern(std::size_t size) {
  Bytes bytes(size);
  for (std::size_t index = 0; index < size; ++index)
    bytes[index] = static_cast<Byte>(index * 7 + 3);
  return bytes;
}

Bytes drain(ContentSource &source) {
  Bytes all;
  while (true) {
    auto chunk = source.next_chunk();
    EXPECT_TRUE(chunk) << chunk.error().message;
    if (!chunk || chunk->empty())
      return all;
    all.insert(all.end(), chunk->begin(), chunk->end());
  }
}

crypto::AesKey test_key() {
  crypto::AesKey key{};
  key.fill(0x42);
  return key;
}

} // namespace

TEST(EncryptedFileContent, GivesTheCiphertextOfTheWholeFileAtAnySize) {
  TempDir directory;
  constexpr std::size_t chunk = EncryptedFileContent::k_file_chunk_size;
  for (std::size_t size : {std::size_t{0}, std::size_t{15}, std::size_t{16}, std::size_t{17},
                           chunk - 1, chunk, chunk + 1, 3 * chunk + 5}) {
    SCOPED_TRACE(size);
    auto content = pattern(size);
    auto path = directory / "file";
    {
      std::ofstream file(path, std::ios::binary | std::ios::trunc);
      file.write(reinterpret_cast<const char *>(content.data()),
                 static_cast<std::streamsize>(content.size()));
    }
    auto source = EncryptedFileContent::open(path, test_key());
    ASSERT_TRUE(source);
    EXPECT_EQ(source->plaintext_size(), size);
    EXPECT_EQ(source->size(), 16 * (size / 16 + 1));
    auto ciphertext = drain(*source);
    EXPECT_EQ(ciphertext, crypto::aes_encrypt(test_key(), content));
  }
}

TEST(EncryptedFileContent, ReportsProgressInPlaintextBytes) {
  TempDir directory;
  auto path = directory / "file";
  {
    std::ofstream file(path, std::ios::binary);
    file << std::string(EncryptedFileContent::k_file_chunk_size + 100, 'x');
  }
  auto source = EncryptedFileContent::open(path, test_key());
  ASSERT_TRUE(source);
  std::vector<std::uint64_t> reports;
  source->set_progress([&](std::uint64_t done, std::uint64_t total) {
    EXPECT_EQ(total, EncryptedFileContent::k_file_chunk_size + 100);
    reports.push_back(done);
  });
  drain(*source);
  EXPECT_EQ(reports, (std::vector<std::uint64_t>{EncryptedFileContent::k_file_chunk_size,
                                                 EncryptedFileContent::k_file_chunk_size + 100}));
}

TEST(EncryptedFileContent, RefusesAMissingFileOrADirectoryAsFileNotFound) {
  TempDir directory;
  auto missing = EncryptedFileContent::open(directory / "missing", test_key());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::file_not_found);
  EXPECT_NE(missing.error().message.find("file not found"), std::string::npos);
  auto folder = EncryptedFileContent::open(directory.path(), test_key());
  ASSERT_FALSE(folder);
  EXPECT_EQ(folder.error().code, Errc::file_not_found);
}

TEST(EncryptedFileContent, FailsWhenTheFileShrinksWhileBeingSent) {
  TempDir directory;
  auto path = directory / "file";
  {
    std::ofstream file(path, std::ios::binary);
    file << std::string(3 * EncryptedFileContent::k_file_chunk_size, 'x');
  }
  auto source = EncryptedFileContent::open(path, test_key());
  ASSERT_TRUE(source);
  ASSERT_TRUE(source->next_chunk());
  std::filesystem::resize_file(path, 100);
  // The second chunk may have been read ahead before the file shrank; the third cannot be.
  auto chunk = source->next_chunk();
  if (chunk)
    chunk = source->next_chunk();
  ASSERT_FALSE(chunk);
  EXPECT_EQ(chunk.error().code, Errc::io_error);
  EXPECT_EQ(source->next_chunk().error().code, Errc::io_error); // and it stays failed
}

TEST(BytesContent, GivesItsBytesOnceThenEnds) {
  BytesContent source(Bytes{1, 2, 3});
  EXPECT_EQ(source.size(), 3u);
  EXPECT_EQ(drain(source), (Bytes{1, 2, 3}));
  EXPECT_TRUE(source.next_chunk()->empty());
}

TEST(BytesContent, StartsAgainAfterRestart) {
  BytesContent source(Bytes{4, 5});
  ASSERT_TRUE(source.restartable());
  EXPECT_EQ(drain(source), (Bytes{4, 5}));
  source.restart();
  EXPECT_EQ(drain(source), (Bytes{4, 5}));
}
