// The client's profile and process hygiene against the real server: a profile others can read
// or change is refused (77) unless --insecure-profile says otherwise; closed standard streams
// never send an empty input nor let output land in the profile's files; a server that does not
// know the profile says so (78); a host name that does not exist is 68, not "try again later".
#include "test_cli_support.hpp"

#include "support/vectors.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace messageu::test {
namespace {

unsigned mode_of(const std::filesystem::path &path) {
  struct stat status {};
  EXPECT_EQ(::stat(path.c_str(), &status), 0) << path;
  return status.st_mode & 07777;
}

RunOptions with_closed(int fd) {
  RunOptions options;
  options.closed_fds = {fd};
  return options;
}

// What the profile's lock file holds ("" when there is none): output must never land there.
std::string lock_content(const CliProfile &profile) {
  auto path = profile.path("lock");
  return std::filesystem::exists(path) ? read_text_file(path.string()) : "";
}

class CliProfileSafety : public ::testing::Test {
protected:
  void SetUp() override {
    for (const auto *profile : {&m_alice, &m_bob}) {
      auto name = profile == &m_alice ? "alice" : "bob";
      auto result = (*profile)({"register", name});
      ASSERT_EQ(result.exit_code, 0) << describe(result);
    }
  }

  // bob's pull must show nothing: what alice tried did not reach him.
  void expect_nothing_for_bob() {
    auto pulled = m_bob({"pull"});
    EXPECT_EQ(pulled.exit_code, 0) << describe(pulled);
    EXPECT_EQ(pulled.out, "");
  }

  ServerProcess m_server;
  CliProfile m_alice{m_server.address()};
  CliProfile m_bob{m_server.address()};
};

// --- permissions -----------------------------------------------------------------------------

TEST_F(CliProfileSafety, RegisterMakesAPrivateDirectoryAndKey) {
  CliProfile carol(m_server.address());
  ASSERT_EQ(carol({"register", "carol"}).exit_code, 0);
  EXPECT_EQ(mode_of(carol.home()), 0700u);
  EXPECT_EQ(mode_of(carol.path("my.info")), 0600u);
}

TEST_F(CliProfileSafety, RefusesAKeyOthersCanReadWithExit77) {
  ::chmod(m_alice.path("my.info").c_str(), 0644);
  for (const std::string command : {"whoami", "pull"}) {
    auto result = m_alice({command});
    EXPECT_EQ(result.exit_code, 77) << describe(result);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("chmod 600 " + m_alice.path("my.info").string()), std::string::npos)
        << result.err;
    EXPECT_EQ(lines_of(result.err).size(), 1u) << result.err;
  }
}

TEST_F(CliProfileSafety, RefusesADirectoryOthersCanChangeWithExit77) {
  ::chmod(m_alice.home().c_str(), 0777);
  for (const std::string command : {"whoami", "contacts"}) {
    auto result = m_alice({command});
    EXPECT_EQ(result.exit_code, 77) << describe(result);
    EXPECT_NE(result.err.find("chmod 700 " + m_alice.home().string()), std::string::npos)
        << result.err;
  }
  auto sent = m_alice({"send", "bob", "through an open door"});
  EXPECT_EQ(sent.exit_code, 77) << describe(sent);
  expect_nothing_for_bob();
}

TEST_F(CliProfileSafety, RegisterRefusesAnExistingDirectoryOthersCanChange) {
  CliProfile carol(m_server.address());
  std::filesystem::create_directories(carol.home());
  ::chmod(carol.home().c_str(), 0777);
  auto result = carol({"register", "carol"});
  EXPECT_EQ(result.exit_code, 77) << describe(result);
  EXPECT_FALSE(std::filesystem::exists(carol.path("my.info")));
  EXPECT_EQ(mode_of(carol.home()), 0777u); // refused, not silently changed
}

TEST_F(CliProfileSafety, InsecureProfileUsesItWithAWarning) {
  ::chmod(m_alice.path("my.info").c_str(), 0644);
  auto by_option = m_alice({"whoami", "--insecure-profile"});
  EXPECT_EQ(by_option.exit_code, 0) << describe(by_option);
  EXPECT_NE(by_option.out.find("alice"), std::string::npos);
  EXPECT_NE(by_option.err.find("warning:"), std::string::npos) << by_option.err;
  EXPECT_NE(by_option.err.find("used anyway: --insecure-profile"), std::string::npos);

  RunOptions environment;
  environment.env["MESSAGEU_INSECURE_PROFILE"] = "1";
  auto by_environment = m_alice({"send", "bob", "sent anyway"}, environment);
  EXPECT_EQ(by_environment.exit_code, 0) << describe(by_environment);
  EXPECT_NE(m_bob({"pull"}).out.find("sent anyway"), std::string::npos);
}

// --- closed standard streams -----------------------------------------------------------------

TEST_F(CliProfileSafety, SendToAClosedStdoutSendsNothingAndExits74) {
  auto result = m_alice({"send", "bob", "lost id"}, with_closed(STDOUT_FILENO));
  EXPECT_EQ(result.exit_code, 74) << describe(result);
  EXPECT_NE(result.err.find("standard output is closed"), std::string::npos) << result.err;
  EXPECT_EQ(lock_content(m_alice), "");
  expect_nothing_for_bob();
}

TEST_F(CliProfileSafety, PullToAClosedStdoutKeepsTheMessagesForTheNextPull) {
  ASSERT_EQ(m_alice({"send", "bob", "keep me"}).exit_code, 0);
  auto closed = m_bob({"pull"}, with_closed(STDOUT_FILENO));
  EXPECT_EQ(closed.exit_code, 74) << describe(closed);
  EXPECT_EQ(lock_content(m_bob), "");
  auto pulled = m_bob({"pull"});
  EXPECT_EQ(pulled.exit_code, 0) << describe(pulled);
  EXPECT_NE(pulled.out.find("keep me"), std::string::npos) << pulled.out;
}

TEST_F(CliProfileSafety, ReadingAClosedStdinIsAnErrorBeforeAnythingIsSent) {
  for (const std::string command : {"send", "sendfile"}) {
    auto result = m_alice({command, "bob", "-"}, with_closed(STDIN_FILENO));
    EXPECT_EQ(result.exit_code, 66) << command << ": " << describe(result);
    EXPECT_NE(result.err.find("standard input is closed"), std::string::npos) << result.err;
    EXPECT_EQ(result.out, "");
  }
  expect_nothing_for_bob();
}

TEST_F(CliProfileSafety, AClosedStderrLosesOnlyTheDiagnostics) {
  auto result = m_alice({"send", "bob", "quietly", "--verbose"}, with_closed(STDERR_FILENO));
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_FALSE(chomp(result.out).empty()) << "the message id is still printed";
  EXPECT_NE(m_bob({"pull"}).out.find("quietly"), std::string::npos);
}

// --- the server's answers and the server's name ------------------------------------------------

TEST_F(CliProfileSafety, AServerThatDoesNotKnowTheProfileSaysSoWithExit78) {
  ServerProcess other;
  auto id = lines_of(read_text_file(m_alice.path("my.info").string())).at(1);
  for (const auto &command :
       std::vector<std::vector<std::string>>{{"list"}, {"send", "bob", "hello"}}) {
    auto arguments = command;
    arguments.insert(arguments.end(), {"--server", other.address()});
    auto result = m_alice(arguments);
    EXPECT_EQ(result.exit_code, 78) << describe(result);
    EXPECT_NE(result.err.find("this server does not know you (id " + id +
                              "): register again, or check --server"),
              std::string::npos)
        << result.err;
  }
}

TEST_F(CliProfileSafety, ARefusalToAKnownProfileStaysAServerError) {
  // Once alice has authenticated, the server refuses her classic sends, but knows her.
  ASSERT_EQ(m_alice({"send", "bob", "authenticated"}).exit_code, 0);
  auto result = m_alice({"send", "bob", "classic", "--protocol", "2"});
  EXPECT_EQ(result.exit_code, 69) << describe(result);
  EXPECT_NE(result.err.find("server responded with an error"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("does not know you"), std::string::npos) << result.err;
}

TEST_F(CliProfileSafety, AHostNameThatDoesNotExistExits68) {
  auto result = m_alice({"list", "--server", "nosuchhost.invalid:1357"});
  EXPECT_EQ(result.exit_code, 68) << describe(result);
  EXPECT_NE(result.err.find("unknown host nosuchhost.invalid"), std::string::npos) << result.err;
}

} // namespace
} // namespace messageu::test
