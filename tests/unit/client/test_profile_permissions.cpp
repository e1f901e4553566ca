// The profile's permission rule (as ssh's for private keys) and its check on real files.
#include <messageu/client/profile_permissions.hpp>

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace messageu;
using namespace messageu::client;
using messageu::test::TempDir;

namespace {

constexpr uid_t k_user = 1000;

std::optional<std::string> problem(ProfileEntry entry, mode_t mode, uid_t owner = k_user) {
  return permission_problem(entry, FileOwnership{static_cast<mode_t>(S_IFREG | mode), owner},
                            k_user);
}

// Checks `path` as `entry` through an open descriptor, as the client does.
Status check(const std::filesystem::path &path, ProfileEntry entry,
             const PermissionPolicy &policy = {}) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0) << path;
  auto checked = check_permissions(fd, path, entry, policy);
  ::close(fd);
  return checked;
}

std::filesystem::path my_info_with_mode(const TempDir &dir, mode_t mode) {
  auto path = dir / "my.info";
  test::write_file(path, "alice\n");
  ::chmod(path.c_str(), mode);
  return path;
}

} // namespace

TEST(ProfilePermissions, AcceptsAKeyOnlyItsOwnerCanReadOrChange) {
  EXPECT_EQ(problem(ProfileEntry::my_info, 0600), std::nullopt);
  EXPECT_EQ(problem(ProfileEntry::my_info, 0400), std::nullopt);
}

TEST(ProfilePermissions, RefusesAKeyAnyoneElseCanReadOrChange) {
  for (mode_t mode : {0640, 0604, 0644, 0620, 0602, 0666, 0610}) {
    auto found = problem(ProfileEntry::my_info, mode);
    ASSERT_TRUE(found) << std::oct << mode;
    EXPECT_EQ(found->rfind("can be read or changed by others (mode 0", 0), 0u) << *found;
  }
  EXPECT_EQ(*problem(ProfileEntry::my_info, 0644), "can be read or changed by others (mode 0644)");
}

TEST(ProfilePermissions, AcceptsADirectoryOthersMayOnlyRead) {
  for (mode_t mode : {0700, 0750, 0755, 0711})
    EXPECT_EQ(problem(ProfileEntry::directory, mode), std::nullopt) << std::oct << mode;
}

TEST(ProfilePermissions, RefusesADirectoryOthersCanChange) {
  for (mode_t mode : {0770, 0777, 0702, 0720, 01777}) {
    auto found = problem(ProfileEntry::directory, mode);
    ASSERT_TRUE(found) << std::oct << mode;
    EXPECT_EQ(found->rfind("can be changed by others", 0), 0u) << *found;
  }
}

TEST(ProfilePermissions, RefusesWhatAnotherUserOwnsButAcceptsRoot) {
  EXPECT_EQ(*problem(ProfileEntry::my_info, 0600, 1001), "is owned by uid 1001, not by you");
  EXPECT_TRUE(problem(ProfileEntry::directory, 0700, 1001));
  EXPECT_EQ(problem(ProfileEntry::my_info, 0600, 0), std::nullopt);
  EXPECT_EQ(problem(ProfileEntry::directory, 0755, 0), std::nullopt);
}

TEST(ProfilePermissionsCheck, RefusesAReadableKeyWithTheCommandThatFixesIt) {
  TempDir dir;
  auto path = my_info_with_mode(dir, 0644);
  auto checked = check(path, ProfileEntry::my_info);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, Errc::insecure_profile);
  EXPECT_EQ(checked.error().message,
            path.string() +
                " can be read or changed by others (mode 0644): the private key must be yours "
                "alone. Run `chmod 600 " +
                path.string() + "` (or pass --insecure-profile to use it anyway)");
  EXPECT_TRUE(check(my_info_with_mode(dir, 0600), ProfileEntry::my_info));
}

TEST(ProfilePermissionsCheck, OnlyWarnsWhenThePolicyDoesNotEnforce) {
  TempDir dir;
  auto path = my_info_with_mode(dir, 0666);
  std::vector<std::string> warnings;
  PermissionPolicy policy{false, [&](std::string_view text) { warnings.emplace_back(text); }};
  EXPECT_TRUE(check(path, ProfileEntry::my_info, policy));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("(mode 0666)"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("used anyway: --insecure-profile"), std::string::npos);
}

TEST(ProfilePermissionsCheck, RefusesAFileOfAnotherUser) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "giving a file to another user takes root";
  TempDir dir;
  auto path = my_info_with_mode(dir, 0600);
  ASSERT_EQ(::chown(path.c_str(), 12345, 12345), 0);
  auto checked = check(path, ProfileEntry::my_info);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, Errc::insecure_profile);
  EXPECT_NE(checked.error().message.find("is owned by uid 12345, not by you"), std::string::npos)
      << checked.error().message;
}

TEST(ProfileDirectoryCheck, RefusesADirectoryOthersCanChange) {
  TempDir dir;
  auto home = dir / "profile";
  std::filesystem::create_directory(home);
  ::chmod(home.c_str(), 0777);
  auto checked = check_profile_directory(home, {});
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, Errc::insecure_profile);
  EXPECT_NE(checked.error().message.find("(mode 0777): others could replace the profile's "
                                         "files. Run `chmod 700 " +
                                         home.string() + "`"),
            std::string::npos)
      << checked.error().message;
  ::chmod(home.c_str(), 0755);
  EXPECT_TRUE(check_profile_directory(home, {}));
}

TEST(ProfileDirectoryCheck, PassesAMissingDirectory) {
  TempDir dir;
  EXPECT_TRUE(check_profile_directory(dir / "not-yet", {}));
}

TEST(ProfileDirectoryCheck, RefusesAFileWhereTheProfileShouldBe) {
  TempDir dir;
  auto home = dir / "profile";
  test::write_file(home, "not a directory");
  auto checked = check_profile_directory(home, {});
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, Errc::config);
  EXPECT_NE(checked.error().message.find(home.string() + " is not a directory"), std::string::npos)
      << checked.error().message;
}
