// Writing on a thread of its own: buffers land in order, and a failed write is reported by
// the next call rather than lost.
#include <messageu/client/background_writer.hpp>

#include "support/temp_dir.hpp"
#include "support/vectors.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

using namespace messageu;
using messageu::client::BackgroundWriter;
using messageu::test::TempDir;

TEST(BackgroundWriter, WritesBuffersInTheOrderGiven) {
  TempDir directory;
  auto path = directory / "out";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  std::array<Bytes, 2> buffers;
  std::string expected;
  {
    BackgroundWriter writer(fd);
    for (int round = 0; round < 50; ++round) {
      // Refilling a buffer is safe once the write after the one that used it was started.
      auto &buffer = buffers[static_cast<std::size_t>(round % 2)];
      buffer.assign(1000 + static_cast<std::size_t>(round), static_cast<Byte>('a' + round % 26));
      expected.append(buffer.size(), static_cast<char>('a' + round % 26));
      ASSERT_TRUE(writer.write(buffer));
    }
    ASSERT_TRUE(writer.wait());
  }
  ::close(fd);
  EXPECT_EQ(messageu::test::read_text_file(path.string()), expected);
}

TEST(BackgroundWriter, ReportsAFailedWriteOnTheNextCall) {
  TempDir directory;
  messageu::test::write_file(directory / "read-only", "");
  int fd = ::open((directory / "read-only").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  Bytes bytes(100, 1);
  {
    BackgroundWriter writer(fd);
    ASSERT_TRUE(writer.write(bytes)); // started: its failure is not known yet
    auto waited = writer.wait();
    ASSERT_FALSE(waited);
    EXPECT_EQ(waited.error().code, Errc::io_error);
    auto next = writer.write(bytes);
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error().code, Errc::io_error);
  }
  ::close(fd);
}

TEST(BackgroundWriter, WritesThroughThePageCacheWhatDirectIoRefuses) {
  TempDir directory;
  auto path = directory / "direct";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_DIRECT, 0600);
  if (fd < 0)
    GTEST_SKIP() << "no direct I/O on this file system";
  // Neither the size nor (most likely) the address is aligned: a direct write fails EINVAL.
  Bytes bytes(1001, 7);
  {
    BackgroundWriter writer(fd);
    ASSERT_TRUE(writer.write(ByteView(bytes).subspan(1)));
    ASSERT_TRUE(writer.wait());
  }
  EXPECT_EQ(::fcntl(fd, F_GETFL) & O_DIRECT, 0);
  ::close(fd);
  EXPECT_EQ(messageu::test::read_text_file(path.string()), std::string(1000, '\x07'));
}
