// The spool directory, staged contents (inline or spooled) and the sources reading them back.
#include <messageu/store/spool.hpp>
#include <messageu/store/staged_content.hpp>
#include <messageu/store/stored_content_source.hpp>

#include "store_test_helpers.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace messageu;
using namespace messageu::store;
using messageu::store::test::pattern;
using messageu::store::test::read_all;

namespace {

std::shared_ptr<Spool> open_spool(const std::filesystem::path &directory) {
  auto spool = Spool::open(directory);
  EXPECT_TRUE(spool) << spool.error().message;
  return std::move(spool).value();
}

std::set<std::string> content_files(const std::filesystem::path &directory) {
  std::set<std::string> names;
  for (const auto &entry : std::filesystem::directory_iterator(directory))
    if (Spool::is_content_name(entry.path().filename().string()))
      names.insert(entry.path().filename().string());
  return names;
}

// Writes `content` to a new spool file `piece` bytes at a time, syncs it, and reads it back.
Bytes write_and_read_back(Spool &spool, const Bytes &content, std::size_t piece) {
  auto file = spool.create();
  EXPECT_TRUE(file) << file.error().message;
  if (!file)
    return {};
  for (std::size_t offset = 0; offset < content.size(); offset += piece) {
    auto size = std::min(piece, content.size() - offset);
    EXPECT_TRUE(file->write_all(ByteView(content.data() + offset, size)));
  }
  EXPECT_TRUE(file->sync());
  auto reader = spool.open_file(file->name());
  EXPECT_TRUE(reader) << reader.error().message;
  if (!reader)
    return {};
  SpoolContentSource source(std::move(reader).value(), content.size());
  return read_all(source);
}

} // namespace

TEST(Spool, CreatesItsDirectory) {
  messageu::test::TempDir dir;
  auto spool = open_spool(dir / "db.spool");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "db.spool"));
  EXPECT_EQ(spool->directory(), dir / "db.spool");
}

TEST(Spool, RefusesASecondOpenWhileTheFirstHoldsTheLock) {
  messageu::test::TempDir dir;
  {
    auto first = open_spool(dir / "s");
    auto second = Spool::open(dir / "s");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, Errc::unavailable);
  }
  EXPECT_TRUE(Spool::open(dir / "s"));
}

TEST(Spool, CreatesFilesWithUniqueContentNames) {
  messageu::test::TempDir dir;
  auto spool = open_spool(dir / "s");
  auto first = spool->create();
  auto second = spool->create();
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->name(), second->name());
  EXPECT_TRUE(Spool::is_content_name(first->name()));
  EXPECT_EQ(content_files(spool->directory()), (std::set{first->name(), second->name()}));
}

TEST(Spool, WritesAndReadsBackAFile) {
  messageu::test::TempDir dir;
  auto content = pattern(100'000);
  EXPECT_EQ(write_and_read_back(*open_spool(dir / "s"), content, content.size()), content);
}

TEST(Spool, WritesAFileOfManyWritebackWindowsIntact) {
  // 20 MiB in uneven pieces: writeback starts every 8 MiB on the way, across piece boundaries.
  messageu::test::TempDir dir;
  auto content = pattern(20 * 1024 * 1024 + 123, 7);
  EXPECT_EQ(write_and_read_back(*open_spool(dir / "s"), content, 3 * 1024 * 1024 + 17), content);
}

TEST(Spool, RefusesNamesThatAreNotContentFiles) {
  messageu::test::TempDir dir;
  auto spool = open_spool(dir / "s");
  for (std::string_view name : {"lock", "../db", "content-/../../x", "content-"}) {
    auto file = spool->open_file(name);
    ASSERT_FALSE(file) << name;
    EXPECT_EQ(file.error().code, Errc::storage);
    EXPECT_EQ(spool->remove(name).error().code, Errc::storage);
  }
}

TEST(Spool, ReportsAMissingFileAsAStorageError) {
  messageu::test::TempDir dir;
  auto spool = open_spool(dir / "s");
  auto file = spool->open_file("content-gone00");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, Errc::storage);
  EXPECT_TRUE(spool->remove("content-gone00")); // removing is idempotent
}

TEST(Spool, RemovesOnlyUnreferencedContentFiles) {
  messageu::test::TempDir dir;
  auto spool = open_spool(dir / "s");
  auto kept = spool->create();
  auto orphan = spool->create();
  ASSERT_TRUE(kept && orphan);
  messageu::test::write_file(spool->directory() / "notes.txt", "not ours");
  auto removed =
      spool->remove_unreferenced([&](std::string_view name) { return name == kept->name(); });
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1u);
  EXPECT_EQ(content_files(spool->directory()), std::set{kept->name()});
  EXPECT_TRUE(std::filesystem::exists(spool->directory() / "notes.txt"));
}

TEST(Spool, TemporarySpoolIsRemovedWithItsFiles) {
  std::filesystem::path directory;
  {
    auto spool = Spool::open_temporary();
    ASSERT_TRUE(spool);
    directory = (*spool)->directory();
    ASSERT_TRUE((*spool)->create());
    EXPECT_TRUE(std::filesystem::is_directory(directory));
  }
  EXPECT_FALSE(std::filesystem::exists(directory));
}

TEST(StagedContent, KeepsContentsUpToTheLimitInMemory) {
  messageu::test::TempDir dir;
  auto spool = open_spool(dir / "s");
  auto content = StagedContent::begin(spool, 100, 100);
  ASSERT_TRUE(content);
  EXPECT_TRUE((*content)->is_inline());
  auto bytes = pattern(100);
  ASSERT_TRUE((*content)->write(ByteView(bytes).first(60)));
  ASSERT_TRUE((*content)->write(ByteView(bytes).subspan(60)));
  ASSERT_TRUE((*content)->finish());
  EXPECT_TRUE((*content)->finished());
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), (*content)->inline_bytes().begin(),
                         (*content)->inline_bytes().end()));
  EXPECT_TRUE(content_files(spool->directory()).empty());
}

TEST(StagedContent, SpoolsContentsAboveTheLimitToAFile) {
  messageu::test::TempDir dir;
  auto spool = open_spool(dir / "s");
  auto content = StagedContent::begin(spool, 101, 100);
  ASSERT_TRUE(content);
  EXPECT_FALSE((*content)->is_inline());
  ASSERT_TRUE((*content)->write(pattern(101)));
  ASSERT_TRUE((*content)->finish());
  EXPECT_EQ(content_files(spool->directory()), std::set{(*content)->spool_name()});
  EXPECT_EQ(std::filesystem::file_size(spool->directory() / (*content)->spool_name()), 101u);
}

TEST(StagedContent, RefusesMoreBytesThanDeclared) {
  messageu::test::TempDir dir;
  auto spool = open_spool(dir / "s");
  for (std::uint64_t limit : {1000u, 10u}) { // inline, then spooled
    auto content = StagedContent::begin(spool, 20, limit);
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
  auto spool = open_spool(dir / "s");
  auto content = StagedContent::begin(spool, 200, 100);
  ASSERT_TRUE(content);
  ASSERT_TRUE((*content)->write(pattern(199)));
  auto status = (*content)->finish();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::size_mismatch);
  EXPECT_FALSE((*content)->finished());
}

TEST(StagedContent, RefusesWritesAfterFinish) {
  messageu::test::TempDir dir;
  auto spool = open_spool(dir / "s");
  auto content = StagedContent::begin(spool, 0, 100);
  ASSERT_TRUE(content);
  ASSERT_TRUE((*content)->finish());
  EXPECT_EQ((*content)->write({}).error().code, Errc::internal);
  EXPECT_EQ((*content)->finish().error().code, Errc::internal);
}

TEST(StagedContent, RemovesItsFileWhenDroppedBeforeBeingStored) {
  messageu::test::TempDir dir;
  auto spool = open_spool(dir / "s");
  {
    auto unfinished = StagedContent::begin(spool, 500, 100);
    ASSERT_TRUE(unfinished && (*unfinished)->write(pattern(200)));
    auto finished = StagedContent::begin(spool, 500, 100);
    ASSERT_TRUE(finished && (*finished)->write(pattern(500)) && (*finished)->finish());
    EXPECT_EQ(content_files(spool->directory()).size(), 2u);
  }
  EXPECT_TRUE(content_files(spool->directory()).empty());
}

TEST(StagedContent, KeepsItsFileOnceStored) {
  messageu::test::TempDir dir;
  auto spool = open_spool(dir / "s");
  std::string name;
  {
    auto content = StagedContent::begin(spool, 500, 100);
    ASSERT_TRUE(content && (*content)->write(pattern(500)) && (*content)->finish());
    name = (*content)->spool_name();
    (*content)->mark_stored();
  }
  EXPECT_EQ(content_files(spool->directory()), std::set{name});
}

TEST(InlineContentSource, ReadsInChunksThenReportsTheEnd) {
  InlineContentSource source(pattern(10));
  EXPECT_EQ(source.size(), 10u);
  Bytes buffer(4);
  EXPECT_EQ(*source.read(buffer), 4u);
  EXPECT_EQ(*source.read(buffer), 4u);
  EXPECT_EQ(*source.read(buffer), 2u);
  EXPECT_EQ(*source.read(buffer), 0u);
}

TEST(SpoolContentSource, ReportsAFileShorterThanItsRecordedSize) {
  messageu::test::TempDir dir;
  auto spool = open_spool(dir / "s");
  auto file = spool->create();
  ASSERT_TRUE(file && file->write_all(pattern(50)));
  auto reader = spool->open_file(file->name());
  ASSERT_TRUE(reader);
  SpoolContentSource source(std::move(reader).value(), 80);
  Bytes buffer(64);
  EXPECT_EQ(*source.read(buffer), 50u);
  auto next = source.read(buffer);
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().code, Errc::storage);
}
