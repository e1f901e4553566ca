// Every messageu command against the real messageu-server on loopback: the exact text and
// JSON outputs, name resolution, the automatic key exchange, key requests answered by a bot,
// keys crossing in flight, the spool that makes parallel pulls print each message once, and
// the server's refusals (69) and unknown users (67).
#include "test_cli_support.hpp"

#include "support/vectors.hpp"

#include <messageu/util/base64.hpp>
#include <messageu/util/ids.hpp>

#include <algorithm>
#include <fstream>
#include <future>
#include <map>
#include <sys/stat.h>

namespace messageu::test {
namespace {

class CliCommands : public ::testing::Test {
protected:
  void SetUp() override {
    register_profile(m_alice, "alice");
    register_profile(m_bob, "bob");
  }

  void register_profile(const CliProfile &profile, const std::string &name) {
    auto result = profile({"register", name});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
  }

  static std::string id_of(const CliProfile &profile) {
    return lines_of(read_text_file(profile.path("my.info").string())).at(1);
  }

  // Runs a command that must succeed and returns its stdout.
  static std::string ok(const CliProfile &profile, std::vector<std::string> arguments,
                        RunOptions options = {}) {
    auto result = profile(std::move(arguments), std::move(options));
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    return result.out;
  }

  ServerProcess m_server;
  CliProfile m_alice{m_server.address()};
  CliProfile m_bob{m_server.address()};
};

// One message as pull prints it, from the user `name` with the 32-hex-digit `id`.
std::string block(const std::string &name, const std::string &id, const std::string &content) {
  return "From: " + name + " <" + id + ">\nReceived: TIME\nContent:\n" + content +
         "\n-----<EOM>-----\n\n";
}

TEST_F(CliCommands, RegisterPrintsTheIdAndWritesAPrivateMyInfo) {
  CliProfile carol;
  auto result = carol({"--server", m_server.address(), "register", "carol"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  auto id = chomp(result.out);
  EXPECT_EQ(id.size(), 32u);
  EXPECT_TRUE(client_id_from_hex(id));
  auto my_info = lines_of(read_text_file(carol.path("my.info").string()));
  ASSERT_EQ(my_info.size(), 3u);
  EXPECT_EQ(my_info[0], "carol");
  EXPECT_EQ(my_info[1], id);
  EXPECT_TRUE(base64_decode(my_info[2]));
  struct stat status {};
  ASSERT_EQ(::stat(carol.path("my.info").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  // The server given on the command line is remembered for the next commands.
  EXPECT_EQ(read_text_file(carol.path("server.info").string()), m_server.address() + "\n");
  EXPECT_EQ(carol({"list"}).exit_code, 0);
}

TEST_F(CliCommands, RegisterPrintsJsonWithJson) {
  CliProfile carol(m_server.address());
  auto out = ok(carol, {"register", "carol", "--json"});
  auto id = lines_of(read_text_file(carol.path("my.info").string())).at(1);
  EXPECT_EQ(out, "{\"schema\":\"messageu/1\",\"id\":\"" + id + "\",\"name\":\"carol\"}\n");
}

TEST_F(CliCommands, RegisterRefusesATakenNameWithExit69) {
  CliProfile other(m_server.address());
  auto result = other({"register", "alice"});
  EXPECT_EQ(result.exit_code, 69) << describe(result);
  EXPECT_NE(result.err.find("server responded with an error"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(other.path("my.info")));
}

TEST_F(CliCommands, WhoamiPrintsNameIdFingerprintAndServerWithoutNetwork) {
  auto id = id_of(m_alice);
  auto result = m_alice({"whoami", "--server", "127.0.0.1:1"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  auto lines = lines_of(result.out);
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0], "name:        alice");
  EXPECT_EQ(lines[1], "id:          " + id);
  EXPECT_EQ(lines[2].rfind("fingerprint: ", 0), 0u);
  EXPECT_EQ(lines[2].size(), std::string("fingerprint: ").size() + 79);
  EXPECT_EQ(lines[3], "server:      127.0.0.1:1");
}

TEST_F(CliCommands, ListPrintsEveryOtherUserAsIdTabName) {
  auto out = ok(m_alice, {"list"});
  EXPECT_EQ(out, id_of(m_bob) + "\tbob\n");
  auto json = ok(m_alice, {"list", "--json"});
  EXPECT_EQ(json, "{\"schema\":\"messageu/1\",\"users\":[{\"id\":\"" + id_of(m_bob) +
                      "\",\"name\":\"bob\"}]}\n");
}

TEST_F(CliCommands, ListCachedShowsWhatTheLastListSawWithoutTheServer) {
  ok(m_alice, {"list"});
  auto cached = m_alice({"list", "--cached", "--server", "127.0.0.1:1"});
  EXPECT_EQ(cached.exit_code, 0) << describe(cached);
  EXPECT_EQ(cached.out, id_of(m_bob) + "\tbob\n");
}

TEST_F(CliCommands, GetkeyPinsAndPrintsIdNameFingerprint) {
  auto bob_fingerprint = lines_of(ok(m_bob, {"whoami"})).at(2).substr(13);
  auto out = ok(m_alice, {"getkey", "bob"});
  EXPECT_EQ(out, id_of(m_bob) + "\tbob\t" + bob_fingerprint + "\n");
  auto contacts = ok(m_alice, {"contacts"});
  EXPECT_EQ(contacts, id_of(m_bob) + "\tbob\t" + bob_fingerprint + "\tpinned\tno shared key\n");
  auto json = ok(m_alice, {"getkey", id_of(m_bob), "--json"});
  EXPECT_EQ(json, "{\"schema\":\"messageu/1\",\"id\":\"" + id_of(m_bob) +
                      "\",\"name\":\"bob\",\"fingerprint\":\"" + bob_fingerprint + "\"}\n");
}

TEST_F(CliCommands, UnknownUserExits67AfterOneRefresh) {
  auto result = m_alice({"send", "nobody", "hi", "--verbose"});
  EXPECT_EQ(result.exit_code, 67) << describe(result);
  EXPECT_NE(result.err.find("unknown user 'nobody'"), std::string::npos);
  EXPECT_NE(result.err.find("request list"), std::string::npos);
  result = m_alice({"getkey", std::string(32, '0')});
  EXPECT_EQ(result.exit_code, 67) << describe(result);
}

TEST_F(CliCommands, ReportsErrorsAsOneJsonObjectOnStderrWithJson) {
  auto result = m_alice({"--json", "send", "nobody", "hi"});
  EXPECT_EQ(result.exit_code, 67);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            "{\"schema\":\"messageu/1\",\"error\":\"unknown user 'nobody'\",\"exit_code\":67}\n");
}

TEST_F(CliCommands, FindsAUserRegisteredAfterTheCacheWasFilled) {
  ok(m_alice, {"list"});
  CliProfile carol(m_server.address());
  register_profile(carol, "carol");
  EXPECT_EQ(chomp(ok(m_alice, {"getkey", "carol"})).substr(0, 32), id_of(carol));
}

TEST_F(CliCommands, SendThenPullPrintsTheClassicBlocks) {
  auto key_note = m_alice({"send", "bob", "hello bob"});
  ASSERT_EQ(key_note.exit_code, 0) << describe(key_note);
  EXPECT_NE(key_note.err.find("sent a new symmetric key to bob"), std::string::npos);
  auto out = ok(m_bob, {"pull"});
  EXPECT_EQ(out, block("alice", id_of(m_alice), "symmetric key received") +
                     block("alice", id_of(m_alice), "hello bob"));
  EXPECT_EQ(ok(m_bob, {"pull"}), "");
}

TEST_F(CliCommands, SendPrintsTheMessageIdAndPullJsonOneObjectPerMessage) {
  auto first = chomp(ok(m_alice, {"send", "bob", "one"}));
  auto second = chomp(ok(m_alice, {"send", "bob", "two \"quoted\""}));
  EXPECT_FALSE(first.empty());
  EXPECT_TRUE(std::all_of(first.begin(), first.end(), ::isdigit)) << first;
  EXPECT_NE(first, second);
  auto alice_id = id_of(m_alice);
  auto lines = lines_of(ok(m_bob, {"pull", "--json"}));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find(",\"from\":\"alice\",\"from_id\":\"" + alice_id +
                          "\",\"type\":\"key\",\"received\":\"TIME\"}"),
            std::string::npos)
      << lines[0];
  EXPECT_EQ(lines[1], "{\"schema\":\"messageu/1\",\"id\":" + first +
                          ",\"from\":\"alice\",\"from_id\":\"" + alice_id +
                          "\",\"type\":\"text\",\"text\":\"one\",\"received\":\"TIME\"}");
  EXPECT_EQ(lines[2],
            "{\"schema\":\"messageu/1\",\"id\":" + second + ",\"from\":\"alice\",\"from_id\":\"" +
                alice_id +
                "\",\"type\":\"text\",\"text\":\"two \\\"quoted\\\"\",\"received\":\"TIME\"}");
}

TEST_F(CliCommands, SendJsonNamesTheRecipient) {
  auto out = ok(m_alice, {"--json", "send", "bob", "hi"});
  EXPECT_NE(out.find(",\"to\":\"bob\",\"to_id\":\"" + id_of(m_bob) + "\",\"type\":\"text\"}"),
            std::string::npos)
      << out;
}

TEST_F(CliCommands, SendReadsStdinByteForByte) {
  static constexpr char k_text[] = "line one\r\n\0binary \xff\xfe end\n\n";
  std::string text(k_text, sizeof k_text - 1);
  RunOptions input;
  input.stdin_data = text;
  ok(m_alice, {"send", "bob", "-"}, input);
  auto out = ok(m_bob, {"pull", "--raw"});
  EXPECT_NE(out.find("Content:\n" + text + "\n-----<EOM>-----"), std::string::npos);
  ok(m_alice, {"send", "bob", "-"}, input);
  EXPECT_EQ(ok(m_bob, {"pull"}),
            block("alice", id_of(m_alice), "line one^M\n^@binary \\xff\\xfe end\n\n"));
  ok(m_alice, {"send", "bob", "-"}, input);
  auto json = ok(m_bob, {"pull", "--json"});
  EXPECT_NE(json.find("\"text_base64\":\"" + base64_encode(as_bytes(text)) + "\""),
            std::string::npos)
      << json;
}

TEST_F(CliCommands, SendsTextThatLooksLikeAnOptionAfterDoubleDash) {
  ok(m_alice, {"send", "bob", "--", "--not-an-option"});
  EXPECT_NE(ok(m_bob, {"pull"}).find("\n--not-an-option\n"), std::string::npos);
}

TEST_F(CliCommands, SendWithAKnownKeyMakesOneRequestOnOneConnection) {
  ok(m_alice, {"send", "bob", "first"});
  auto result = m_alice({"send", "bob", "second", "--verbose"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  std::vector<std::string> requests;
  int connections = 0;
  for (const auto &line : lines_of(result.err)) {
    if (line.rfind("messageu: request ", 0) == 0)
      requests.push_back(line.substr(18, line.find(' ', 18) - 18));
    connections += line.rfind("messageu: connected to ", 0) == 0 ? 1 : 0;
  }
  // Beyond the session's handshake (PROTOCOL.md §10), the text is the only request.
  EXPECT_EQ(requests, (std::vector<std::string>{"challenge", "authenticate", "send"}))
      << result.err;
  EXPECT_EQ(connections, 1);
  EXPECT_EQ(result.err.find("sent a new symmetric key"), std::string::npos);
}

TEST_F(CliCommands, TheClassicProtocolSendsWithAKnownKeyInExactlyOneRequest) {
  CliProfile carol(m_server.address());
  CliProfile dave(m_server.address());
  register_profile(carol, "carol");
  register_profile(dave, "dave");
  ok(carol, {"--protocol", "2", "send", "dave", "first"});
  auto result = carol({"--protocol", "2", "send", "dave", "second", "--verbose"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  int requests = 0;
  int connections = 0;
  for (const auto &line : lines_of(result.err)) {
    requests += line.rfind("messageu: request ", 0) == 0 ? 1 : 0;
    connections += line.rfind("messageu: connected to ", 0) == 0 ? 1 : 0;
  }
  EXPECT_EQ(requests, 1) << result.err;
  EXPECT_EQ(connections, 1);
  EXPECT_EQ(ok(dave, {"pull", "--protocol", "2"}),
            block("carol", id_of(carol), "symmetric key received") +
                block("carol", id_of(carol), "first") + block("carol", id_of(carol), "second"));
}

TEST_F(CliCommands, SendsToAUserGivenByIdInEitherCase) {
  auto bob = id_of(m_bob);
  std::string upper = bob;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  ok(m_alice, {"send", upper, "by id"});
  EXPECT_NE(ok(m_bob, {"pull"}).find(block("alice", id_of(m_alice), "by id")), std::string::npos);
}

TEST_F(CliCommands, ABotAnswersKeyRequestsSoTheRequesterCanRead) {
  auto request_id = chomp(ok(m_alice, {"requestkey", "bob"}));
  auto bot = lines_of(ok(m_bob, {"pull", "--reply-key-requests", "--json"}));
  ASSERT_EQ(bot.size(), 1u);
  EXPECT_NE(bot[0].find("{\"schema\":\"messageu/1\",\"id\":" + request_id + ",\"from\":\"alice\""),
            std::string::npos);
  EXPECT_NE(bot[0].find("\"type\":\"key_request\",\"key_sent\":"), std::string::npos) << bot[0];
  EXPECT_EQ(ok(m_alice, {"pull"}), block("bob", id_of(m_bob), "symmetric key received"));
  auto reply = m_alice({"send", "bob", "now we share a key"});
  EXPECT_EQ(reply.err.find("sent a new symmetric key"), std::string::npos) << reply.err;
  EXPECT_EQ(ok(m_bob, {"pull"}), block("alice", id_of(m_alice), "now we share a key"));
}

TEST_F(CliCommands, PullPrintsAKeyRequestLikeTheClassicClient) {
  ok(m_alice, {"requestkey", "bob"});
  EXPECT_EQ(ok(m_bob, {"pull"}), block("alice", id_of(m_alice), "Request for symmetric key"));
}

TEST_F(CliCommands, KeysCrossingInFlightLoseNoText) {
  ok(m_alice, {"sendkey", "bob"});
  ok(m_bob, {"sendkey", "alice"});
  ok(m_alice, {"send", "bob", "from alice"});
  ok(m_bob, {"send", "alice", "from bob"});
  EXPECT_EQ(ok(m_bob, {"pull"}), block("alice", id_of(m_alice), "symmetric key received") +
                                     block("alice", id_of(m_alice), "from alice"));
  EXPECT_EQ(ok(m_alice, {"pull"}), block("bob", id_of(m_bob), "symmetric key received") +
                                       block("bob", id_of(m_bob), "from bob"));
  // Both sides now hold both keys; each keeps talking with its newest one.
  ok(m_alice, {"send", "bob", "again"});
  ok(m_bob, {"send", "alice", "again"});
  EXPECT_EQ(ok(m_bob, {"pull"}), block("alice", id_of(m_alice), "again"));
  EXPECT_EQ(ok(m_alice, {"pull"}), block("bob", id_of(m_bob), "again"));
}

TEST_F(CliCommands, KeepsATextItCannotDecryptUntilTheUserGivesUpOnIt) {
  ok(m_alice, {"send", "bob", "secret"});
  // Bob's state.db (and with it the key alice sent) is lost: the text stays unreadable.
  ok(m_bob, {"pull"});
  std::filesystem::remove(m_bob.path("state.db"));
  ok(m_alice, {"send", "bob", "another secret"});
  auto kept = m_bob({"pull"});
  EXPECT_EQ(kept.exit_code, 1) << describe(kept);
  EXPECT_EQ(kept.out, block("alice", id_of(m_alice), "can't decrypt message"));
  EXPECT_NE(kept.err.find("cannot be decrypted: kept for the next pull; ask alice for their key "
                          "again: messageu requestkey alice"),
            std::string::npos)
      << kept.err;
  // Kept: every pull tries it again, until --discard-undecryptable gives up on it.
  auto again = m_bob({"pull", "--json"});
  EXPECT_EQ(again.exit_code, 1) << describe(again);
  EXPECT_NE(again.out.find("\"type\":\"text\",\"error\":\"can't decrypt "
                           "message\",\"kept\":true,\"received\":\"TIME\"}"),
            std::string::npos)
      << again.out;
  auto discarded = m_bob({"pull", "--json", "--discard-undecryptable"});
  EXPECT_EQ(discarded.exit_code, 0) << describe(discarded);
  EXPECT_NE(discarded.out.find(
                "\"error\":\"can't decrypt message\",\"kept\":false,\"received\":\"TIME\"}"),
            std::string::npos)
      << discarded.out;
  EXPECT_EQ(ok(m_bob, {"pull"}), "");
}

TEST_F(CliCommands, DropsAKeyItCanNeverDecryptAndSaysSo) {
  ok(m_alice, {"sendkey", "bob"});
  // Bob's my.info now holds carol's private key under bob's name and id: the key alice sent,
  // encrypted for bob's registered public key, can never be opened with it.
  CliProfile carol;
  ASSERT_EQ(carol({"--server", m_server.address(), "register", "carol"}).exit_code, 0);
  auto bob_info = lines_of(read_text_file(m_bob.path("my.info").string()));
  auto carol_info = lines_of(read_text_file(carol.path("my.info").string()));
  {
    std::ofstream my_info(m_bob.path("my.info"), std::ios::trunc);
    my_info << bob_info.at(0) << "\n" << bob_info.at(1) << "\n";
    for (std::size_t line = 2; line < carol_info.size(); ++line)
      my_info << carol_info[line] << "\n";
  }
  // The classic protocol: an authenticated session would need bob's own private key.
  auto dropped = m_bob({"--protocol", "2", "pull"});
  EXPECT_EQ(dropped.exit_code, 1) << describe(dropped);
  EXPECT_EQ(dropped.out, block("alice", id_of(m_alice), "can't decrypt message"));
  EXPECT_NE(dropped.err.find("is a key this profile cannot decrypt: dropped; ask alice for their "
                             "key again: messageu requestkey alice"),
            std::string::npos)
      << dropped.err;
  auto again = m_bob({"--protocol", "2", "pull"});
  EXPECT_EQ(again.exit_code, 0) << describe(again);
  EXPECT_EQ(again.out, "");
}

TEST_F(CliCommands, AnEmptyPullSucceedsAndPrintsNothing) {
  auto result = m_bob({"pull"});
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(m_bob({"pull", "--json", "--quiet"}).err, "");
}

TEST_F(CliCommands, ParallelPullsOnOneProfilePrintEachMessageOnce) {
  constexpr int k_messages = 12;
  for (int index = 0; index < k_messages; ++index)
    ok(m_alice, {"send", "bob", "message " + std::to_string(index)});
  std::vector<std::future<RunResult>> pulls;
  for (int index = 0; index < 4; ++index)
    pulls.push_back(std::async(std::launch::async, [this] { return m_bob({"pull", "--json"}); }));
  std::map<std::string, int> seen;
  for (auto &pull : pulls) {
    auto result = pull.get();
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    for (const auto &line : lines_of(result.out))
      ++seen[line];
  }
  int texts = 0;
  for (const auto &[line, count] : seen) {
    EXPECT_EQ(count, 1) << line;
    texts += line.find("\"type\":\"text\"") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(texts, k_messages);
}

TEST_F(CliCommands, SpeaksEveryDialectToTheServer) {
  for (auto dialect : {"2025a", "2022", "2021c", "2026"}) {
    SCOPED_TRACE(dialect);
    ok(m_alice, {"--dialect", dialect, "send", "bob", std::string("in ") + dialect});
    auto out = ok(m_bob, {"pull", "--dialect", dialect});
    EXPECT_NE(out.find(block("alice", id_of(m_alice), std::string("in ") + dialect)),
              std::string::npos)
        << out;
  }
}

TEST_F(CliCommands, QuietPrintsOnlyData) {
  auto result = m_alice({"send", "bob", "hi", "--quiet"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.err, "");
  EXPECT_FALSE(result.out.empty());
}

TEST_F(CliCommands, VerboseNeverShowsKeysOrPlaintext) {
  auto secret = std::string("the plaintext that must not leak");
  auto sent = m_alice({"send", "bob", secret, "--verbose"});
  ASSERT_EQ(sent.exit_code, 0) << describe(sent);
  auto pulled = m_bob({"pull", "--verbose"});
  ASSERT_EQ(pulled.exit_code, 0) << describe(pulled);
  auto my_info = lines_of(read_text_file(m_alice.path("my.info").string()));
  for (const auto *result : {&sent, &pulled}) {
    EXPECT_NE(result->err.find("messageu: request "), std::string::npos);
    EXPECT_EQ(result->err.find(secret), std::string::npos);
    EXPECT_EQ(result->err.find(my_info[2].substr(40, 40)), std::string::npos);
  }
}

} // namespace
} // namespace messageu::test
