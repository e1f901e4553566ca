// The profile lock against a second descriptor in this process and against another process.
#include <messageu/client/lock.hpp>

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <sys/file.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace messageu;
using namespace messageu::client;
using messageu::test::TempDir;
using namespace std::chrono_literals;

namespace {

// A child process that takes the lock and holds it until killed; the constructor returns once
// the child holds it.
class LockHolder {
public:
  explicit LockHolder(const std::filesystem::path &path) {
    int ready[2];
    if (::pipe(ready) != 0)
      throw std::runtime_error("pipe failed");
    m_pid = ::fork();
    if (m_pid == 0) {
      ::close(ready[0]);
      auto lock = ProfileLock::acquire(path, 5s);
      char status = lock ? 'y' : 'n';
      [[maybe_unused]] auto written = ::write(ready[1], &status, 1);
      ::pause(); // until killed; bounded by the parent's destructor
      ::_exit(0);
    }
    ::close(ready[1]);
    char status = 0;
    auto count = ::read(ready[0], &status, 1);
    ::close(ready[0]);
    if (count != 1 || status != 'y')
      throw std::runtime_error("the child could not take the lock");
  }
  ~LockHolder() { stop(); }

  void stop() {
    if (m_pid <= 0)
      return;
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, nullptr, 0);
    m_pid = -1;
  }

private:
  pid_t m_pid = -1;
};

} // namespace

TEST(ProfileLock, CreatesLockFileAndHoldsIt) {
  TempDir dir;
  auto lock = ProfileLock::acquire(dir / "lock", 1s);
  ASSERT_TRUE(lock) << lock.error().message;
  EXPECT_TRUE(lock->held());
  EXPECT_TRUE(std::filesystem::exists(dir / "lock"));
}

TEST(ProfileLock, SecondDescriptorTimesOutAsUnavailable) {
  TempDir dir;
  auto first = ProfileLock::acquire(dir / "lock", 1s);
  ASSERT_TRUE(first);
  auto second = ProfileLock::acquire(dir / "lock", 50ms);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::unavailable);
  EXPECT_NE(second.error().message.find("profile is locked by another messageu process"),
            std::string::npos);
}

TEST(ProfileLock, ZeroTimeoutTriesOnce) {
  TempDir dir;
  auto first = ProfileLock::acquire(dir / "lock", 0ms);
  ASSERT_TRUE(first);
  EXPECT_EQ(ProfileLock::acquire(dir / "lock", 0ms).error().code, Errc::unavailable);
}

TEST(ProfileLock, IsFreeAgainAfterDestruction) {
  TempDir dir;
  {
    auto first = ProfileLock::acquire(dir / "lock", 1s);
    ASSERT_TRUE(first);
  }
  EXPECT_TRUE(ProfileLock::acquire(dir / "lock", 0ms));
}

TEST(ProfileLock, ReleaseFreesItAndMoveKeepsIt) {
  TempDir dir;
  auto first = ProfileLock::acquire(dir / "lock", 1s);
  ASSERT_TRUE(first);
  ProfileLock moved = std::move(*first);
  EXPECT_FALSE(first->held());
  EXPECT_EQ(ProfileLock::acquire(dir / "lock", 0ms).error().code, Errc::unavailable);
  moved.release();
  moved.release();
  EXPECT_FALSE(moved.held());
  EXPECT_TRUE(ProfileLock::acquire(dir / "lock", 0ms));
}

TEST(ProfileLock, WaiterGetsLockWhenHolderReleasesInTime) {
  TempDir dir;
  auto first = ProfileLock::acquire(dir / "lock", 1s);
  ASSERT_TRUE(first);
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    first->release();
  });
  auto second = ProfileLock::acquire(dir / "lock", 30s);
  releaser.join();
  EXPECT_TRUE(second) << second.error().message;
}

TEST(ProfileLock, AnotherProcessHoldingItMakesUsWaitThenFail) {
  TempDir dir;
  LockHolder holder(dir / "lock");
  auto lock = ProfileLock::acquire(dir / "lock", 100ms);
  ASSERT_FALSE(lock);
  EXPECT_EQ(lock.error().code, Errc::unavailable);
}

TEST(ProfileLock, DeadHolderProcessReleasesIt) {
  TempDir dir;
  LockHolder holder(dir / "lock");
  holder.stop();
  EXPECT_TRUE(ProfileLock::acquire(dir / "lock", 0ms));
}

TEST(ProfileLock, MissingDirectoryIsAnIoError) {
  TempDir dir;
  EXPECT_EQ(ProfileLock::acquire(dir / "missing" / "lock", 0ms).error().code, Errc::io_error);
}
