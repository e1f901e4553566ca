// The messageu command line before any server is involved: version and help, usage errors
// (exit 64) as text or JSON, options before or after the command and from the environment,
// profile resolution, a classic profile used unchanged, and every refusal that needs no
// network (65, 66, 74, 75, 78).
#include "test_cli_support.hpp"

#include "support/vectors.hpp"

#include <messageu/crypto/fingerprint.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/version.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

namespace messageu::test {
namespace {

const std::vector<std::string> k_commands = {"register",   "whoami",   "list",  "getkey",
                                             "requestkey", "sendkey",  "send",  "sendfile",
                                             "pull",       "contacts", "trust", "completion"};

// Writes the classic layout: server.info and my.info (the shared vector's identity).
void write_classic_profile(const std::filesystem::path &home, const std::string &my_info_sample,
                           const std::string &server = "127.0.0.1:1") {
  std::filesystem::create_directories(home);
  auto vectors = load_vectors("my_info.json");
  write_file(home / "my.info", vectors.get<std::string>("samples." + my_info_sample));
  std::filesystem::permissions(home / "my.info", std::filesystem::perms::owner_read |
                                                     std::filesystem::perms::owner_write);
  write_file(home / "server.info", server + "\n");
}

// A TCP port on 127.0.0.1 with nothing listening on it.
std::uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST(CliFrame, PrintsItsVersion) {
  auto result = messageu({"--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "messageu " + std::string(k_version) + "\n");
}

TEST(CliFrame, ShowsHelpWithADescriptionAndAnExampleForEveryCommand) {
  auto top = messageu({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  for (const auto &command : k_commands) {
    SCOPED_TRACE(command);
    EXPECT_NE(top.out.find("  " + command + " "), std::string::npos);
    auto help = messageu({command, "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("Usage: messageu " + command), std::string::npos);
    auto example = help.out.find("Example:\n  ");
    ASSERT_NE(example, std::string::npos) << help.out;
    EXPECT_NE(help.out.find("messageu ", example), std::string::npos) << help.out;
    EXPECT_NE(help.out.find(" " + command, example), std::string::npos) << help.out;
    EXPECT_TRUE(help.err.empty());
  }
}

TEST(CliFrame, RejectsAnUnknownOptionWithExit64) {
  auto result = messageu({"list", "--no-such-option"});
  EXPECT_EQ(result.exit_code, 64) << describe(result);
  EXPECT_TRUE(result.out.empty());
  EXPECT_NE(result.err.find("--no-such-option"), std::string::npos);
  EXPECT_NE(result.err.find("messageu list --help"), std::string::npos);
}

TEST(CliFrame, RejectsAMissingArgumentWithExit64) {
  EXPECT_EQ(messageu({"send", "bob"}).exit_code, 64);
  EXPECT_EQ(messageu({"getkey"}).exit_code, 64);
  EXPECT_EQ(messageu({"getkey", "bob", "extra"}).exit_code, 64);
}

TEST(CliFrame, RequiresACommand) {
  auto result = messageu({});
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_NE(result.err.find("a command is required"), std::string::npos) << result.err;
}

TEST(CliFrame, ReportsUsageErrorsAsOneJsonObjectOnStderrWithJson) {
  auto result = messageu({"--json", "completion", "tcsh"});
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_TRUE(result.out.empty());
  ASSERT_EQ(lines_of(result.err).size(), 1u) << result.err;
  EXPECT_EQ(result.err.rfind("{\"schema\":\"messageu/1\",\"error\":\"", 0), 0u) << result.err;
  EXPECT_NE(result.err.find("\"exit_code\":64}"), std::string::npos) << result.err;
}

TEST(CliFrame, RejectsAnInvalidDialectOrProtocolFromOptionsAndEnvironment) {
  EXPECT_EQ(messageu({"--dialect", "1999", "whoami"}).exit_code, 64);
  EXPECT_EQ(messageu({"whoami", "--protocol", "4"}).exit_code, 64);
  RunOptions environment;
  environment.env["MESSAGEU_PROTOCOL"] = "5";
  std::vector<std::string> argv{MESSAGEU_CLI_PATH, "whoami"};
  EXPECT_EQ(run(argv, environment).exit_code, 64);
}

TEST(CliFrame, WhoamiWithoutAProfileIsAConfigurationError) {
  CliProfile profile;
  auto result = profile({"whoami"});
  EXPECT_EQ(result.exit_code, 78) << describe(result);
  EXPECT_NE(result.err.find("not registered"), std::string::npos);
}

TEST(CliFrame, WhoamiWithoutServerInfoIsAConfigurationError) {
  CliProfile profile;
  write_classic_profile(profile.home(), "one_line_lower_hex");
  std::filesystem::remove(profile.path("server.info"));
  auto result = profile({"whoami"});
  EXPECT_EQ(result.exit_code, 78) << describe(result);
}

TEST(CliFrame, UsesAClassicProfileAsItIs) {
  auto vectors = load_vectors("my_info.json");
  auto key = hex_field(vectors, "public_key_spki_hex");
  PublicKeyBytes public_key{};
  std::copy(key.begin(), key.end(), public_key.begin());
  for (auto sample :
       {"one_line_lower_hex", "wrapped72_upper_hex_trailing_newline", "crlf_line_endings"}) {
    SCOPED_TRACE(sample);
    CliProfile profile;
    write_classic_profile(profile.home(), sample, "127.0.0.1:4242");
    auto result = profile({"whoami", "--json"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("\"name\":\"alice\""), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("\"id\":\"64f3f63985f04beb81a0e43321880182\""), std::string::npos);
    EXPECT_NE(result.out.find("\"fingerprint\":\"" + crypto::fingerprint(public_key) + "\""),
              std::string::npos);
    EXPECT_NE(result.out.find("\"server\":\"127.0.0.1:4242\""), std::string::npos);
  }
}

TEST(CliFrame, AcceptsGlobalOptionsAfterTheCommand) {
  CliProfile profile;
  write_classic_profile(profile.home(), "one_line_lower_hex", "127.0.0.1:4242");
  auto result = messageu({"whoami", "--home", profile.home().string(), "--json"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(result.out.rfind("{\"schema\":\"messageu/1\",\"name\":\"alice\"", 0), 0u) << result.out;
}

TEST(CliFrame, FindsTheProfileThroughTheEnvironment) {
  CliProfile profile;
  write_classic_profile(profile.home(), "one_line_lower_hex", "127.0.0.1:4242");
  std::vector<std::string> argv{MESSAGEU_CLI_PATH, "whoami"};
  RunOptions by_home;
  by_home.env["MESSAGEU_HOME"] = profile.home().string();
  auto result = run(argv, by_home);
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.out.find("127.0.0.1:4242"), std::string::npos);

  TempDir config;
  write_classic_profile(config.path() / "messageu", "one_line_lower_hex", "127.0.0.1:4343");
  RunOptions by_xdg;
  by_xdg.unset_env = {"MESSAGEU_HOME"};
  by_xdg.env["XDG_CONFIG_HOME"] = config.str();
  result = run(argv, by_xdg);
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.out.find("127.0.0.1:4343"), std::string::npos);

  RunOptions server_override = by_xdg;
  server_override.env["MESSAGEU_SERVER"] = "127.0.0.1:4444";
  result = run(argv, server_override);
  EXPECT_NE(result.out.find("127.0.0.1:4444"), std::string::npos) << describe(result);
}

TEST(CliFrame, RefusesAnInvalidNameWithExit65) {
  CliProfile profile("127.0.0.1:1");
  for (const auto &name : std::vector<std::string>{"", std::string(255, 'a'), "tab\there"}) {
    auto result = profile({"register", name});
    EXPECT_EQ(result.exit_code, 65) << describe(result);
    EXPECT_FALSE(std::filesystem::exists(profile.path("my.info")));
  }
}

TEST(CliFrame, RefusesToRegisterTwiceWithExit78) {
  CliProfile profile;
  write_classic_profile(profile.home(), "one_line_lower_hex");
  auto before = read_text_file(profile.path("my.info").string());
  auto result = profile({"register", "bob"});
  EXPECT_EQ(result.exit_code, 78) << describe(result);
  EXPECT_NE(result.err.find("already registered"), std::string::npos);
  EXPECT_EQ(read_text_file(profile.path("my.info").string()), before);
}

TEST(CliFrame, ReportsAMissingFileWithExit66BeforeAnythingElse) {
  CliProfile profile;
  write_classic_profile(profile.home(), "one_line_lower_hex");
  auto result = profile({"sendfile", "bob", (profile.home() / "no-such-file").string()});
  EXPECT_EQ(result.exit_code, 66) << describe(result);
  EXPECT_NE(result.err.find("file not found"), std::string::npos);
  result = profile({"sendfile", "bob", profile.home().string()}); // a directory
  EXPECT_EQ(result.exit_code, 66) << describe(result);
}

TEST(CliFrame, ReportsAnUnreachableServerWithExit75) {
  CliProfile profile;
  write_classic_profile(profile.home(), "one_line_lower_hex",
                        "127.0.0.1:" + std::to_string(closed_port()));
  auto result = profile({"list", "--retries", "1", "--timeout", "2"});
  EXPECT_EQ(result.exit_code, 75) << describe(result);
  EXPECT_NE(result.err.find("cannot reach the server"), std::string::npos);
}

TEST(CliFrame, GivesUpOnALockedProfileWithExit75) {
  CliProfile profile;
  write_classic_profile(profile.home(), "one_line_lower_hex");
  // send takes the profile lock; pull takes the inbox lock.
  for (const auto &[lock_file, arguments] :
       {std::pair<std::string, std::vector<std::string>>{"lock", {"send", "bob", "hi"}},
        std::pair<std::string, std::vector<std::string>>{"inbox.lock", {"pull"}}}) {
    int fd = ::open(profile.path(lock_file).c_str(), O_RDWR | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX), 0);
    auto full = arguments;
    full.insert(full.end(), {"--lock-timeout", "0.3"});
    auto result = profile(full);
    ::close(fd);
    EXPECT_EQ(result.exit_code, 75) << lock_file << "\n" << describe(result);
    EXPECT_NE(result.err.find(profile.path(lock_file).string() + "); try again"), std::string::npos)
        << result.err;
  }
}

TEST(CliFrame, ReadOnlyCommandsNeedNoLock) {
  CliProfile profile;
  write_classic_profile(profile.home(), "one_line_lower_hex");
  int fd = ::open(profile.path("lock").c_str(), O_RDWR | O_CREAT, 0600);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  EXPECT_EQ(profile({"whoami", "--lock-timeout", "0"}).exit_code, 0);
  EXPECT_EQ(profile({"contacts", "--lock-timeout", "0"}).exit_code, 0);
  EXPECT_EQ(profile({"list", "--cached", "--lock-timeout", "0"}).exit_code, 0);
  ::close(fd);
}

TEST(CliFrame, ListsNoContactsForAFreshProfile) {
  CliProfile profile;
  auto text = profile({"contacts"});
  EXPECT_EQ(text.exit_code, 0) << describe(text);
  EXPECT_EQ(text.out, "");
  auto json = profile({"contacts", "--json"});
  EXPECT_EQ(json.out, "{\"schema\":\"messageu/1\",\"contacts\":[]}\n");
  EXPECT_EQ(profile({"list", "--cached", "--json"}).out,
            "{\"schema\":\"messageu/1\",\"users\":[]}\n");
}

TEST(CliFrame, ReportsABrokenStateDatabaseAsALocalIoError) {
  CliProfile profile;
  write_classic_profile(profile.home(), "one_line_lower_hex");
  write_file(profile.path("state.db"), std::string(4096, 'x'));
  auto result = profile({"contacts"});
  EXPECT_EQ(result.exit_code, 74) << describe(result);
}

TEST(CliFrame, PrintsTheCompletionScriptsOfTheSourceTree) {
  const std::vector<std::pair<std::string, std::string>> scripts = {
      {"bash", "messageu.bash"}, {"zsh", "_messageu"}, {"fish", "messageu.fish"}};
  for (const auto &[shell, file] : scripts) {
    SCOPED_TRACE(shell);
    auto path = std::filesystem::path(MESSAGEU_SOURCE_DIR) / "completions" / file;
    if (!std::filesystem::exists(path))
      GTEST_SKIP() << path << " is not written yet";
    auto result = messageu({"completion", shell});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, read_text_file(path.string()));
  }
}

TEST(CliFrame, RejectsAnUnknownShellForCompletion) {
  EXPECT_EQ(messageu({"completion", "tcsh"}).exit_code, 64);
}

} // namespace
} // namespace messageu::test
