// Profile directory resolution, file layout, server endpoint and directory creation.
#include <messageu/client/profile.hpp>

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

using namespace messageu;
using namespace messageu::client;
using messageu::test::TempDir;

TEST(ResolveHome, PrefersHomeOption) {
  Environment environment{"/env/home", "/xdg", "/users/me"};
  EXPECT_EQ(resolve_home("/option", environment), "/option");
}

TEST(ResolveHome, UsesMessageuHomeWithoutOption) {
  Environment environment{"/env/home", "/xdg", "/users/me"};
  EXPECT_EQ(resolve_home(std::nullopt, environment), "/env/home");
}

TEST(ResolveHome, UsesXdgConfigHomeThenHome) {
  EXPECT_EQ(resolve_home(std::nullopt, Environment{std::nullopt, "/xdg", "/users/me"}),
            "/xdg/messageu");
  EXPECT_EQ(resolve_home(std::nullopt, Environment{std::nullopt, std::nullopt, "/users/me"}),
            "/users/me/.config/messageu");
}

TEST(ResolveHome, IgnoresEmptyValuesAndRelativeXdgConfigHome) {
  EXPECT_EQ(resolve_home(std::string(), Environment{"", "", "/users/me"}),
            "/users/me/.config/messageu");
  EXPECT_EQ(resolve_home(std::nullopt, Environment{std::nullopt, "relative", "/users/me"}),
            "/users/me/.config/messageu");
}

TEST(ResolveHome, FallsBackToWorkingDirectoryWithNoHome) {
  EXPECT_EQ(resolve_home(std::nullopt, Environment{}), ".config/messageu");
}

TEST(ResolveHome, KeepsRelativeHomeOptionAsGiven) {
  EXPECT_EQ(resolve_home("profiles/alice", Environment{}), "profiles/alice");
}

TEST(Profile, PlacesFilesInsideHome) {
  Profile profile("/p");
  EXPECT_EQ(profile.server_info_path(), "/p/server.info");
  EXPECT_EQ(profile.my_info_path(), "/p/my.info");
  EXPECT_EQ(profile.state_db_path(), "/p/state.db");
  EXPECT_EQ(profile.files_directory(), "/p/files");
  EXPECT_EQ(profile.spool_directory(), "/p/spool");
  EXPECT_EQ(profile.lock_path(), "/p/lock");
}

TEST(Profile, ReadsServerInfo) {
  TempDir dir;
  test::write_file(dir / "server.info", "127.0.0.1:1234\n");
  auto endpoint = Profile(dir.path()).server_endpoint(std::nullopt);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_EQ(*endpoint, (Endpoint{"127.0.0.1", 1234}));
}

TEST(Profile, OverrideWinsOverServerInfo) {
  TempDir dir;
  test::write_file(dir / "server.info", "127.0.0.1:1234\n");
  auto endpoint = Profile(dir.path()).server_endpoint(std::string("[::1]:99"));
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(*endpoint, (Endpoint{"::1", 99}));
}

TEST(Profile, MissingServerInfoIsConfigError) {
  TempDir dir;
  auto endpoint = Profile(dir.path()).server_endpoint(std::nullopt);
  ASSERT_FALSE(endpoint);
  EXPECT_EQ(endpoint.error().code, Errc::config);
  EXPECT_EQ(endpoint.error().message.rfind("no server configured", 0), 0u);
}

TEST(Profile, InvalidServerInfoNamesTheFile) {
  TempDir dir;
  test::write_file(dir / "server.info", "127.0.0.1\n");
  auto endpoint = Profile(dir.path()).server_endpoint(std::nullopt);
  ASSERT_FALSE(endpoint);
  EXPECT_EQ(endpoint.error().code, Errc::config);
  EXPECT_NE(endpoint.error().message.find("server.info: missing port"), std::string::npos);
}

TEST(Profile, InvalidOverrideNamesTheOption) {
  TempDir dir;
  auto endpoint = Profile(dir.path()).server_endpoint(std::string("nowhere"));
  ASSERT_FALSE(endpoint);
  EXPECT_EQ(endpoint.error().code, Errc::config);
  EXPECT_EQ(endpoint.error().message.rfind("--server", 0), 0u);
}

TEST(Profile, ClassicDirectoryIsRegistered) {
  TempDir dir;
  Profile profile(dir.path());
  EXPECT_FALSE(profile.is_registered());
  test::write_file(dir / "server.info", "127.0.0.1:1234\n");
  test::write_file(dir / "my.info", "alice\n");
  EXPECT_TRUE(profile.is_registered());
  EXPECT_TRUE(profile.server_endpoint(std::nullopt));
}

TEST(Profile, EnsureDirectoryCreatesPrivateDirectoryWithParents) {
  TempDir dir;
  Profile profile(dir / "config" / "messageu");
  ASSERT_TRUE(profile.ensure_directory());
  struct stat status {};
  ASSERT_EQ(::stat(profile.home().c_str(), &status), 0);
  EXPECT_TRUE(S_ISDIR(status.st_mode));
  EXPECT_EQ(status.st_mode & 0777, 0700u);
}

TEST(Profile, EnsureDirectoryMakesExactly0700WhateverTheUmask) {
  TempDir dir;
  Profile profile(dir / "messageu");
  auto previous = ::umask(0277); // would leave the owner unable to write or enter it
  auto made = profile.ensure_directory();
  ::umask(previous);
  ASSERT_TRUE(made) << made.error().message;
  struct stat status {};
  ASSERT_EQ(::stat(profile.home().c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0700u);
}

TEST(Profile, EnsureDirectoryLeavesExistingDirectoryAlone) {
  TempDir dir;
  std::filesystem::permissions(dir.path(), std::filesystem::perms(0750));
  ASSERT_TRUE(Profile(dir.path()).ensure_directory());
  struct stat status {};
  ASSERT_EQ(::stat(dir.path().c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0750u);
}

TEST(Profile, EnsureDirectoryRefusesAFileInTheWay) {
  TempDir dir;
  test::write_file(dir / "home", "");
  EXPECT_EQ(Profile(dir / "home").ensure_directory().error().code, Errc::cannot_create);
}
