// Bounded whole-file reads and atomic whole-file writes.
#include <messageu/util/files.hpp>

#include "support/temp_dir.hpp"
#include "support/vectors.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace messageu;
using messageu::test::TempDir;

namespace {

mode_t mode_of(const std::filesystem::path &path) {
  struct stat status {};
  EXPECT_EQ(::stat(path.c_str(), &status), 0);
  return status.st_mode & 07777;
}

} // namespace

TEST(ReadFile, ReadsWholeContent) {
  TempDir dir;
  std::string content(100000, 'x');
  content[5] = '\0';
  test::write_file(dir / "data", content);
  auto read = read_file(dir / "data", 200000);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, content);
}

TEST(ReadFile, ReportsMissingFileAsNotFound) {
  TempDir dir;
  EXPECT_EQ(read_file(dir / "absent", 100).error().code, Errc::file_not_found);
}

TEST(ReadFile, ReportsDirectoryAsNotFound) {
  TempDir dir;
  EXPECT_EQ(read_file(dir.path(), 100).error().code, Errc::file_not_found);
}

TEST(ReadFile, RefusesFileAboveLimit) {
  TempDir dir;
  test::write_file(dir / "big", std::string(101, 'a'));
  EXPECT_EQ(read_file(dir / "big", 100).error().code, Errc::too_large);
  EXPECT_TRUE(read_file(dir / "big", 101));
}

TEST(WriteFileAtomically, CreatesFileWithRequestedMode) {
  TempDir dir;
  auto path = dir / "secret";
  ASSERT_TRUE(write_file_atomically(path, std::string_view("hello\n"), 0600));
  EXPECT_EQ(test::read_text_file(path.string()), "hello\n");
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST(WriteFileAtomically, AppliesModeWiderThanUmask) {
  TempDir dir;
  auto path = dir / "public";
  auto previous = ::umask(077);
  auto written = write_file_atomically(path, std::string_view("x"), 0644);
  ::umask(previous);
  ASSERT_TRUE(written);
  EXPECT_EQ(mode_of(path), 0644u);
}

TEST(WriteFileAtomically, ReplacesExistingContentAndLeavesNoTemporaryFile) {
  TempDir dir;
  auto path = dir / "server.info";
  test::write_file(path, "old content that is longer than the new one");
  Bytes content{'1', '2', '3'};
  ASSERT_TRUE(write_file_atomically(path, ByteView(content), 0600));
  EXPECT_EQ(test::read_text_file(path.string()), "123");
  int entries = 0;
  for ([[maybe_unused]] auto &entry : std::filesystem::directory_iterator(dir.path()))
    ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(WriteFileAtomically, LeavesTargetUntouchedWhenRenameFails) {
  TempDir dir;
  // A non-empty directory cannot be replaced by a file: rename fails after the write.
  auto target = dir / "occupied";
  std::filesystem::create_directory(target);
  test::write_file(target / "inside", "keep");
  auto written = write_file_atomically(target, std::string_view("new"), 0600);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, Errc::io_error);
  EXPECT_TRUE(std::filesystem::is_directory(target));
  EXPECT_EQ(test::read_text_file((target / "inside").string()), "keep");
  int entries = 0;
  for ([[maybe_unused]] auto &entry : std::filesystem::directory_iterator(dir.path()))
    ++entries;
  EXPECT_EQ(entries, 1) << "the temporary file was not removed";
}

TEST(WriteFileAtomically, ReportsMissingDirectoryAsCannotCreate) {
  TempDir dir;
  auto written = write_file_atomically(dir / "missing" / "file", std::string_view("x"), 0600);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, Errc::cannot_create);
}

TEST(FsyncDirectory, SyncsExistingDirectoryAndReportsMissingOne) {
  TempDir dir;
  EXPECT_TRUE(fsync_directory(dir.path()));
  EXPECT_EQ(fsync_directory(dir / "missing").error().code, Errc::io_error);
}

TEST(EnsurePrivateDirectory, CreatesMissingParentsAndClosesTheLastToOthers) {
  TempDir dir;
  auto target = dir / "a" / "b" / "files";
  ASSERT_TRUE(ensure_private_directory(target, "save directory"));
  EXPECT_EQ(mode_of(target), 0700u);
  EXPECT_TRUE(ensure_private_directory(target, "save directory")); // already there
}

TEST(EnsurePrivateDirectory, ReportsAFileInTheWayAsCannotCreate) {
  TempDir dir;
  messageu::test::write_file(dir / "taken", "");
  auto made = ensure_private_directory(dir / "taken" / "files", "save directory");
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, Errc::cannot_create);
  EXPECT_NE(made.error().message.find("cannot create the save directory"), std::string::npos);
}

TEST(ReadFullFromFd, FillsTheBufferAcrossShortReadsAndStopsShortOnlyAtTheEnd) {
  int pipe_ends[2];
  ASSERT_EQ(::pipe(pipe_ends), 0);
  // Two writes: a pipe read returns the first alone, the helper must go on.
  ASSERT_EQ(::write(pipe_ends[1], "abc", 3), 3);
  ASSERT_EQ(::write(pipe_ends[1], "defgh", 5), 5);
  ::close(pipe_ends[1]);
  Bytes buffer(6);
  auto first = read_full_from_fd(pipe_ends[0], buffer, "the pipe");
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 6u);
  EXPECT_EQ(std::string(buffer.begin(), buffer.end()), "abcdef");
  auto rest = read_full_from_fd(pipe_ends[0], buffer, "the pipe");
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, 2u);
  EXPECT_EQ(*read_full_from_fd(pipe_ends[0], buffer, "the pipe"), 0u);
  ::close(pipe_ends[0]);
}

TEST(ReadFullFromFd, ReportsAFailedReadAsAnIoErrorNamingWhat) {
  Bytes buffer(4);
  auto read = read_full_from_fd(-1, buffer, "the pipe");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, Errc::io_error);
  EXPECT_EQ(read.error().message.rfind("cannot read the pipe: ", 0), 0u);
}

TEST(CopyFd, CopiesEverythingLeftThroughASmallerBuffer) {
  TempDir dir;
  std::string content(10'000, 'x');
  for (std::size_t index = 0; index < content.size(); ++index)
    content[index] = static_cast<char>('a' + index % 26);
  messageu::test::write_file(dir / "from", content);
  int from = ::open((dir / "from").c_str(), O_RDONLY | O_CLOEXEC);
  int to = ::open((dir / "to").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(from, 0);
  ASSERT_GE(to, 0);
  Bytes buffer(4096);
  EXPECT_TRUE(copy_fd(from, to, buffer, "from", "to"));
  ::close(from);
  ::close(to);
  EXPECT_EQ(messageu::test::read_text_file((dir / "to").string()), content);
}
