// The content directory, staged contents (inline or in a file) and the readers that read them back.
#include <messageu/store/content_files.hpp>
#include <messageu/store/content_readers.hpp>
#include <messageu/store/staged_content.hpp>

#include "store_test_helpers.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace messageu;
using namespace messageu::store;
using messageu::store::test::pattern;
using messageu::store::test::read_all;

namespace {

std::shared_ptr<ContentFiles> open_content_files(const std::filesystem::path &directory) {
  auto files = ContentFiles::open(directory);
  EXPECT_TRUE(files) << files.error().message;
  return std::move(files).value();
}

std::set<std::string> content_files(const std::filesystem::path &directory) {
  std::set<std::string> names;
  for (const auto &entry : std::filesystem::directory_iterator(directory))
    if (ContentFiles::is_content_name(entry.path().filename().string()))
      names.insert(entry.path().filename().string());
  return names;
}

// Writes `content` to a new content file `piece` bytes at a time, syncs it, and reads it back.
Bytes write_and_read_back(ContentFiles &files, const Bytes &content, std::size_t piece) {
  auto file = files.create();
  EXPECT_TRUE(file) << file.error().message;
  if (!file)
    return {};
  for (std::size_t offset = 0; offset < content.size(); offset += piece) {
    auto size = std::min(piece, content.size() - offset);
    EXPECT_TRUE(file->write_all(ByteView(content.data() + offset, size)));
  }
  EXPECT_TRUE(file->sync());
  auto reader = files.open_file(file->name());
  EXPECT_TRUE(reader) << reader.error().message;
  if (!reader)
    return {};
  ContentFileReader content_reader(std::move(reader).value(), content.size());
  return read_all(content_reader);
}

} // namespace

TEST(ContentFiles, CreatesItsDirectory) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "db.spool");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "db.spool"));
  EXPECT_EQ(files->directory(), dir / "db.spool");
}

TEST(ContentFiles, RefusesASecondOpenWhileTheFirstHoldsTheLock) {
  messageu::test::TempDir dir;
  {
    auto first = open_content_files(dir / "s");
    auto second = ContentFiles::open(dir / "s");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, Errc::unavailable);
  }
  EXPECT_TRUE(ContentFiles::open(dir / "s"));
}

TEST(ContentFiles, CreatesFilesWithUniqueContentNames) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "s");
  auto first = files->create();
  auto second = files->create();
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->name(), second->name());
  EXPECT_TRUE(ContentFiles::is_content_name(first->name()));
  EXPECT_EQ(content_files(files->directory()), (std::set{first->name(), second->name()}));
}

TEST(ContentFiles, WritesAndReadsBackAFile) {
  messageu::test::TempDir dir;
  auto content = pattern(100'000);
  EXPECT_EQ(write_and_read_back(*open_content_files(dir / "s"), content, content.size()), content);
}

TEST(ContentFiles, WritesAFileOfManyWritebackWindowsIntact) {
  // 20 MiB in uneven pieces: writeback starts every 8 MiB on the way, across piece boundaries.
  messageu::test::TempDir dir;
  auto content = pattern(20 * 1024 * 1024 + 123, 7);
  EXPECT_EQ(write_and_read_back(*open_content_files(dir / "s"), content, 3 * 1024 * 1024 + 17),
            content);
}

TEST(ContentFiles, RefusesNamesThatAreNotContentFiles) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "s");
  for (std::string_view name : {"lock", "../db", "content-/../../x", "content-"}) {
    auto file = files->open_file(name);
    ASSERT_FALSE(file) << name;
    EXPECT_EQ(file.error().code, Errc::storage);
    EXPECT_EQ(files->remove(name).error().code, Errc::storage);
  }
}

TEST(ContentFiles, ReportsAMissingFileAsAStorageError) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "s");
  auto file = files->open_file("content-gone00");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, Errc::storage);
  EXPECT_TRUE(files->remove("content-gone00")); // removing is idempotent
}

TEST(ContentFiles, RemovesOnlyUnreferencedContentFiles) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "s");
  auto kept = files->create();
  auto orphan = files->create();
  ASSERT_TRUE(kept && orphan);
  messageu::test::write_file(files->directory() / "notes.txt", "not ours");
  auto removed =
      files->remove_unreferenced([&](std::string_view name) { return name == kept->name(); });
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1u);
  EXPECT_EQ(content_files(files->directory()), std::set{kept->name()});
  EXPECT_TRUE(std::filesystem::exists(files->directory() / "notes.txt"));
}

TEST(ContentFiles, TemporaryDirectoryIsRemovedWithItsFiles) {
  std::filesystem::path directory;
  {
    auto files = ContentFiles::open_temporary();
    ASSERT_TRUE(files);
    directory = (*files)->directory();
    ASSERT_TRUE((*files)->create());
    EXPECT_TRUE(std::filesystem::is_directory(directory));
  }
  EXPECT_FALSE(std::filesystem::exists(directory));
}

TEST(StagedContent, KeepsContentsUpToTheLimitInMemory) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "s");
  auto content = StagedContent::begin(files, 100, 100);
  ASSERT_TRUE(content);
  EXPECT_TRUE((*content)->is_inline());
  auto bytes = pattern(100);
  ASSERT_TRUE((*content)->write(ByteView(bytes).first(60)));
  ASSERT_TRUE((*content)->write(ByteView(bytes).subspan(60)));
  ASSERT_TRUE((*content)->finish());
  EXPECT_TRUE((*content)->finished());
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), (*content)->inline_bytes().begin(),
                         (*content)->inline_bytes().end()));
  EXPECT_TRUE(content_files(files->directory()).empty());
}

TEST(StagedContent, KeepsContentsAboveTheLimitInAFile) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "s");
  auto content = StagedContent::begin(files, 101, 100);
  ASSERT_TRUE(content);
  EXPECT_FALSE((*content)->is_inline());
  ASSERT_TRUE((*content)->write(pattern(101)));
  ASSERT_TRUE((*content)->finish());
  EXPECT_EQ(content_files(files->directory()), std::set{(*content)->file_name()});
  EXPECT_EQ(std::filesystem::file_size(files->directory() / (*content)->file_name()), 101u);
}

TEST(StagedContent, RefusesMoreBytesThanDeclared) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "s");
  for (std::uint64_t limit : {1000u, 10u}) { // inline, then kept in a file
    auto content = StagedContent::begin(files, 20, limit);
    ASSERT_TRUE(content);
    ASSERT_TRUE((*content)->write(pattern(15)));
    auto status = (*content)->write(pattern(6));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, Errc::size_mismatch);
    EXPECT_EQ((*content)->written(), 15u);
  }
}

TEST(StagedContent, RefusesToFinishShortOfTheDeclaredSize) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "s");
  auto content = StagedContent::begin(files, 200, 100);
  ASSERT_TRUE(content);
  ASSERT_TRUE((*content)->write(pattern(199)));
  auto status = (*content)->finish();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::size_mismatch);
  EXPECT_FALSE((*content)->finished());
}

TEST(StagedContent, RefusesWritesAfterFinish) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "s");
  auto content = StagedContent::begin(files, 0, 100);
  ASSERT_TRUE(content);
  ASSERT_TRUE((*content)->finish());
  EXPECT_EQ((*content)->write({}).error().code, Errc::internal);
  EXPECT_EQ((*content)->finish().error().code, Errc::internal);
}

TEST(StagedContent, RemovesItsFileWhenDroppedBeforeBeingStored) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "s");
  {
    auto unfinished = StagedContent::begin(files, 500, 100);
    ASSERT_TRUE(unfinished && (*unfinished)->write(pattern(200)));
    auto finished = StagedContent::begin(files, 500, 100);
    ASSERT_TRUE(finished && (*finished)->write(pattern(500)) && (*finished)->finish());
    EXPECT_EQ(content_files(files->directory()).size(), 2u);
  }
  EXPECT_TRUE(content_files(files->directory()).empty());
}

TEST(StagedContent, KeepsItsFileOnceStored) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "s");
  std::string name;
  {
    auto content = StagedContent::begin(files, 500, 100);
    ASSERT_TRUE(content && (*content)->write(pattern(500)) && (*content)->finish());
    name = (*content)->file_name();
    (*content)->mark_stored();
  }
  EXPECT_EQ(content_files(files->directory()), std::set{name});
}

TEST(InlineContentReader, ReadsInChunksThenReportsTheEnd) {
  InlineContentReader content_reader(pattern(10));
  EXPECT_EQ(content_reader.size(), 10u);
  Bytes buffer(4);
  EXPECT_EQ(*content_reader.read(buffer), 4u);
  EXPECT_EQ(*content_reader.read(buffer), 4u);
  EXPECT_EQ(*content_reader.read(buffer), 2u);
  EXPECT_EQ(*content_reader.read(buffer), 0u);
}

TEST(ContentFileReader, ReportsAFileShorterThanItsRecordedSize) {
  messageu::test::TempDir dir;
  auto files = open_content_files(dir / "s");
  auto file = files->create();
  ASSERT_TRUE(file && file->write_all(pattern(50)));
  auto reader = files->open_file(file->name());
  ASSERT_TRUE(reader);
  ContentFileReader content_reader(std::move(reader).value(), 80);
  Bytes buffer(64);
  EXPECT_EQ(*content_reader.read(buffer), 50u);
  auto next = content_reader.read(buffer);
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().code, Errc::storage);
}
