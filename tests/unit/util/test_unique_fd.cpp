// UniqueFd: closes its descriptor exactly once, moves ownership, gives it up on release().
#include <messageu/util/unique_fd.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <fcntl.h>
#include <type_traits>
#include <unistd.h>
#include <utility>

using messageu::UniqueFd;

namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

int open_null() {
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  return fd;
}

static_assert(!std::is_copy_constructible_v<UniqueFd>);
static_assert(!std::is_copy_assignable_v<UniqueFd>);
static_assert(std::is_nothrow_move_constructible_v<UniqueFd>);
static_assert(std::is_nothrow_move_assignable_v<UniqueFd>);

TEST(UniqueFd, ClosesItsDescriptorWhenDestroyed) {
  int fd = open_null();
  {
    UniqueFd owned(fd);
    EXPECT_EQ(owned.get(), fd);
    EXPECT_TRUE(owned.valid());
    EXPECT_TRUE(is_open(fd));
  }
  EXPECT_FALSE(is_open(fd));
}

TEST(UniqueFd, OwnsNothingByDefaultOrAfterAFailedOpen) {
  UniqueFd empty;
  EXPECT_EQ(empty.get(), -1);
  EXPECT_FALSE(empty);
  UniqueFd failed(::open("/nonexistent/messageu", O_RDONLY));
  EXPECT_EQ(failed.get(), -1);
  EXPECT_FALSE(failed.valid());
  EXPECT_EQ(failed.close(), 0);
}

TEST(UniqueFd, MovingHandsOverTheDescriptorAndClosesItOnce) {
  int fd = open_null();
  UniqueFd first(fd);
  UniqueFd second(std::move(first));
  EXPECT_EQ(first.get(), -1); // NOLINT(bugprone-use-after-move): the moved-from state is defined
  EXPECT_EQ(second.get(), fd);
  EXPECT_TRUE(is_open(fd));
  EXPECT_EQ(second.close(), 0);
  EXPECT_FALSE(is_open(fd));
  EXPECT_EQ(second.close(), 0); // a second close closes nothing
}

TEST(UniqueFd, MoveAssignmentClosesTheDescriptorItHeld) {
  int old_fd = open_null();
  int new_fd = open_null();
  UniqueFd target(old_fd);
  UniqueFd source(new_fd);
  target = std::move(source);
  EXPECT_FALSE(is_open(old_fd));
  EXPECT_TRUE(is_open(new_fd));
  EXPECT_EQ(target.get(), new_fd);
  EXPECT_EQ(source.get(), -1); // NOLINT(bugprone-use-after-move)
}

TEST(UniqueFd, ReleaseGivesUpOwnershipWithoutClosing) {
  int fd = open_null();
  {
    UniqueFd owned(fd);
    EXPECT_EQ(owned.release(), fd);
    EXPECT_EQ(owned.get(), -1);
  }
  EXPECT_TRUE(is_open(fd));
  ::close(fd);
}

TEST(UniqueFd, ResetClosesTheOldDescriptorAndOwnsTheNew) {
  int old_fd = open_null();
  int new_fd = open_null();
  UniqueFd owned(old_fd);
  owned.reset(new_fd);
  EXPECT_FALSE(is_open(old_fd));
  EXPECT_EQ(owned.get(), new_fd);
  owned.reset();
  EXPECT_FALSE(is_open(new_fd));
  EXPECT_FALSE(owned);
}

TEST(UniqueFd, ReportsAFailedClose) {
  // A descriptor closed behind the owner's back: close() must say it failed, not hide it.
  int fd = open_null();
  UniqueFd owned(fd);
  ::close(fd);
  errno = 0;
  EXPECT_EQ(owned.close(), -1);
  EXPECT_EQ(errno, EBADF);
  EXPECT_FALSE(owned.valid());
}

} // namespace
