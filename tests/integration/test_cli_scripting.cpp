// What scripts rely on, against the real messageu-server: sending to several recipients with
// one line (one JSON object) per recipient and exit 1 when only some are served; the time
// each message reached the client; the "schema" field on every JSON line of every command,
// stdout and stderr alike (docs/JSON.md); and usage errors that name the wrong word and
// suggest the right one, blame the environment variable that was wrong, and tell how to send
// a text that starts with '-'.
#include "test_cli_support.hpp"

#include <messageu/util/utc_time.hpp>

#include <algorithm>
#include <fstream>

namespace messageu::test {
namespace {

constexpr std::string_view k_schema_prefix = R"({"schema":"messageu/1",)";

class CliScripting : public ::testing::Test {
protected:
  void SetUp() override {
    for (const auto &[profile, name] :
         {std::pair{&m_alice, "alice"}, std::pair{&m_bob, "bob"}, std::pair{&m_carol, "carol"}}) {
      auto result = (*profile)({"register", name});
      ASSERT_EQ(result.exit_code, 0) << describe(result);
    }
  }

  // The texts a profile pulls, in order.
  static std::vector<std::string> texts_pulled(const CliProfile &profile) {
    auto result = profile({"pull", "--json"});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    std::vector<std::string> texts;
    for (const auto &line : lines_of(result.out)) {
      auto start = line.find(R"("text":")");
      if (start != std::string::npos)
        texts.push_back(line.substr(start + 8, line.find('"', start + 8) - start - 8));
    }
    return texts;
  }

  ServerProcess m_server;
  CliProfile m_alice{m_server.address()};
  CliProfile m_bob{m_server.address()};
  CliProfile m_carol{m_server.address()};
};

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// --- several recipients ----------------------------------------------------------------------

TEST_F(CliScripting, SendsOneTextToSeveralRecipientsWithOneLineEach) {
  auto result = m_alice({"send", "bob", "carol", "hello both"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 2u) << result.out;
  EXPECT_TRUE(lines[0].ends_with("\tbob")) << lines[0];
  EXPECT_TRUE(lines[1].ends_with("\tcarol")) << lines[1];
  EXPECT_EQ(texts_pulled(m_bob), std::vector<std::string>{"hello both"});
  EXPECT_EQ(texts_pulled(m_carol), std::vector<std::string>{"hello both"});
}

TEST_F(CliScripting, ReadsStdinOnceForEveryRecipient) {
  RunOptions input;
  input.stdin_data = "from stdin";
  auto result = m_alice({"send", "bob", "carol", "-"}, input);
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(texts_pulled(m_bob), std::vector<std::string>{"from stdin"});
  EXPECT_EQ(texts_pulled(m_carol), std::vector<std::string>{"from stdin"});
}

TEST_F(CliScripting, AnUnknownRecipientAmongOthersIsPartlyDoneWithExit1) {
  auto result = m_alice({"send", "bob", "nobody", "carol", "hi"});
  EXPECT_EQ(result.exit_code, 1) << describe(result);
  auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 2u) << result.out;
  EXPECT_TRUE(lines[0].ends_with("\tbob"));
  EXPECT_TRUE(lines[1].ends_with("\tcarol"));
  EXPECT_TRUE(contains(result.err, "not sent to nobody")) << result.err;
  EXPECT_TRUE(contains(result.err, "sent to 2 of 3 recipients; not to nobody")) << result.err;
  EXPECT_EQ(texts_pulled(m_carol), std::vector<std::string>{"hi"});
}

TEST_F(CliScripting, SeveralRecipientsUnderJsonGiveOneObjectEachFailuresIncluded) {
  auto result = m_alice({"--json", "send", "bob", "nobody", "hi"});
  EXPECT_EQ(result.exit_code, 1) << describe(result);
  auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 2u) << result.out;
  EXPECT_TRUE(contains(lines[0], R"("to":"bob","to_id":")" + m_bob.id() + R"(","type":"text"})"))
      << lines[0];
  EXPECT_EQ(lines[1], std::string(k_schema_prefix) +
                          R"("to":"nobody","error":"unknown user 'nobody'","exit_code":67})");
  EXPECT_TRUE(contains(lines_of(result.err).back(), R"("exit_code":1})")) << result.err;
}

TEST_F(CliScripting, NoRecipientServedExitsWithTheirError) {
  auto result = m_alice({"send", "nobody", "noone", "hi"});
  EXPECT_EQ(result.exit_code, 67) << describe(result);
  EXPECT_EQ(result.out, "");
}

TEST_F(CliScripting, SendsOneFileToSeveralRecipients) {
  TempDir files;
  auto path = files / "report.txt";
  write_file(path, std::string(100'000, 'r'));
  auto result = m_alice({"sendfile", "bob", "carol", path.string()});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(lines_of(result.out).size(), 2u) << result.out;
  for (const auto *profile : {&m_bob, &m_carol}) {
    auto pulled = (*profile)({"pull", "--json"});
    ASSERT_EQ(pulled.exit_code, 0) << describe(pulled);
    EXPECT_TRUE(contains(pulled.out, R"("type":"file")")) << pulled.out;
    EXPECT_TRUE(contains(pulled.out, R"("size":100000)")) << pulled.out;
  }
}

// --- received time ---------------------------------------------------------------------------

TEST_F(CliScripting, PullShowsWhenEachMessageReachedThisClient) {
  ASSERT_EQ(m_alice({"send", "bob", "one"}).exit_code, 0);
  auto before = unix_seconds_now();
  auto text = m_bob.raw({"pull"});
  auto after = unix_seconds_now();
  ASSERT_EQ(text.exit_code, 0) << describe(text);
  // The key message and the text, each with a time from the pull's own second range.
  std::vector<std::string> times;
  for (const auto &line : lines_of(text.out))
    if (line.starts_with("Received: "))
      times.push_back(line.substr(10));
  ASSERT_EQ(times.size(), 2u) << text.out;
  for (const auto &time : times)
    EXPECT_TRUE(time >= rfc3339_utc(before) && time <= rfc3339_utc(after)) << time;

  ASSERT_EQ(m_alice({"send", "bob", "two"}).exit_code, 0);
  before = unix_seconds_now();
  auto json = m_bob.raw({"pull", "--json"});
  after = unix_seconds_now();
  ASSERT_EQ(json.exit_code, 0) << describe(json);
  auto start = json.out.find(R"("received":")");
  ASSERT_NE(start, std::string::npos) << json.out;
  auto time = json.out.substr(start + 12, 20);
  EXPECT_TRUE(time >= rfc3339_utc(before) && time <= rfc3339_utc(after)) << time;
}

// --- the schema field ------------------------------------------------------------------------

// Every line of `text` is a JSON object that starts with the schema field.
void expect_schema_on_every_line(const std::string &text, const std::string &what) {
  for (const auto &line : lines_of(text))
    EXPECT_TRUE(line.starts_with(k_schema_prefix)) << what << ": " << line;
}

TEST_F(CliScripting, EveryJsonLineOfEveryCommandCarriesTheSchema) {
  TempDir files;
  write_file(files / "file.txt", "content");
  CliProfile dave{m_server.address()};
  std::vector<std::pair<const CliProfile *, std::vector<std::string>>> runs = {
      {&dave, {"register", "dave"}},
      {&m_alice, {"whoami"}},
      {&m_alice, {"ping"}},
      {&m_alice, {"list"}},
      {&m_alice, {"list", "--cached"}},
      {&m_alice, {"getkey", "bob"}},
      {&m_alice, {"requestkey", "bob"}},
      {&m_alice, {"sendkey", "carol"}},
      {&m_alice, {"send", "bob", "hi"}}, // a note on stderr: the first key for bob
      {&m_alice, {"send", "bob", "carol", "hi"}},
      {&m_alice, {"sendfile", "bob", (files / "file.txt").string()}},
      {&m_bob, {"pull", "--verbose", "--save-dir", files.path().string()}},
      {&m_bob, {"pull"}}, // a note: no new messages
      {&m_alice, {"contacts"}},
      {&m_alice, {"trust", "bob"}},
      {&m_alice, {"completion", "bash"}},
      {&m_alice, {"send", "nobody", "hi"}}, // an error
      {&m_alice, {"pul"}},                  // a usage error
  };
  for (const auto &[profile, arguments] : runs) {
    auto full = arguments;
    full.insert(full.begin(), "--json");
    auto result = (*profile)(full);
    auto what = arguments.front() + " (exit " + std::to_string(result.exit_code) + ")";
    EXPECT_FALSE(result.out.empty() && result.err.empty()) << what;
    expect_schema_on_every_line(result.out, what);
    expect_schema_on_every_line(result.err, what);
  }
}

TEST_F(CliScripting, NotesAndWarningsUnderJsonAreJsonLinesOnStderr) {
  auto result = m_alice({"--json", "send", "bob", "hi"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_TRUE(contains(result.err,
                       std::string(k_schema_prefix) + R"("note":"sent a new symmetric key to bob)"))
      << result.err;
  // The server authenticated alice above: --protocol 2 now draws a warning.
  auto warned = m_alice({"--json", "--protocol", "2", "--retries", "0", "send", "bob", "x"});
  EXPECT_TRUE(contains(warned.err, std::string(k_schema_prefix) + R"("warning":"--protocol 2: )"))
      << warned.err;
  for (const auto &line : lines_of(warned.err))
    EXPECT_TRUE(line.starts_with(k_schema_prefix)) << line;
}

// --- usage errors ----------------------------------------------------------------------------

TEST_F(CliScripting, AnUnknownCommandIsNamedWithTheClosestSuggested) {
  auto result = m_alice({"pul"});
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_TRUE(contains(result.err, "unknown command pul; did you mean pull?")) << result.err;
  auto far = m_alice({"frobnicate"});
  EXPECT_EQ(far.exit_code, 64);
  EXPECT_TRUE(contains(far.err, "unknown command frobnicate\n")) << far.err;
}

TEST_F(CliScripting, AnUnknownOptionIsNamedWithTheClosestSuggested) {
  auto result = m_alice({"pull", "--jsn"});
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_TRUE(contains(result.err, "unknown option --jsn; did you mean --json?")) << result.err;
  auto command_option = m_alice({"pull", "--save-dri", "x"});
  EXPECT_EQ(command_option.exit_code, 64);
  EXPECT_TRUE(contains(command_option.err, "did you mean --save-dir?")) << command_option.err;
}

TEST_F(CliScripting, NumericOptionErrorsReadLikeASentence) {
  auto result = m_alice({"--timeout", "0", "whoami"});
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_TRUE(contains(result.err, "--timeout: '0' is not a number of seconds above 0 to 86400"))
      << result.err;
  EXPECT_FALSE(contains(result.err, "00000000")) << result.err;
  auto too_long = m_alice({"--lock-timeout", "86401", "whoami"});
  EXPECT_EQ(too_long.exit_code, 64);
  EXPECT_TRUE(contains(too_long.err, "'86401' is not a number of seconds from 0 to 86400"))
      << too_long.err;
  auto retries = m_alice({"--retries", "500", "whoami"});
  EXPECT_EQ(retries.exit_code, 64);
  EXPECT_TRUE(contains(retries.err, "'500' is not a whole number from 0 to 100")) << retries.err;
}

TEST_F(CliScripting, AnInvalidEnvironmentVariableIsNamedNotTheOption) {
  RunOptions options;
  options.env["MESSAGEU_TIMEOUT"] = "soon";
  auto result = m_alice({"whoami"}, options);
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_TRUE(contains(result.err, "environment variable MESSAGEU_TIMEOUT=soon: 'soon' is not a "
                                   "number of seconds"))
      << result.err;
  // Typed on the command line, the option is named.
  auto typed = m_alice({"--timeout", "soon", "whoami"}, options);
  EXPECT_TRUE(contains(typed.err, "--timeout: 'soon'")) << typed.err;
}

TEST_F(CliScripting, ATextThatLooksLikeAnOptionGetsAHintToUseDoubleDash) {
  for (const auto &text : {"-hello", "--hello", "-x"}) {
    auto result = m_alice({"send", "bob", text});
    EXPECT_EQ(result.exit_code, 64) << text << "\n" << describe(result);
    EXPECT_TRUE(
        contains(result.err, "put -- before it: messageu send USER -- " + std::string(text)))
        << result.err;
    EXPECT_EQ(result.out, "") << text; // -hello is no request for help
  }
  auto sent = m_alice({"send", "bob", "--", "-hello"});
  EXPECT_EQ(sent.exit_code, 0) << describe(sent);
  EXPECT_EQ(texts_pulled(m_bob), std::vector<std::string>{"-hello"});
}

// --- the profile's files ---------------------------------------------------------------------

TEST_F(CliScripting, ADamagedStateDbNamesTheFileAndWhatToDo) {
  {
    std::ofstream damaged(m_alice.path("state.db"), std::ios::binary | std::ios::trunc);
    damaged << std::string(8192, 'x');
  }
  for (const auto &name : {"state.db-wal", "state.db-shm"})
    std::filesystem::remove(m_alice.path(name));
  auto result = m_alice({"contacts"});
  EXPECT_EQ(result.exit_code, 74) << describe(result);
  EXPECT_TRUE(contains(result.err, m_alice.path("state.db").string() + " is damaged"))
      << result.err;
  EXPECT_TRUE(contains(result.err, "move it aside")) << result.err;
}

TEST_F(CliScripting, AHomeThatIsAFileSaysSo) {
  TempDir dir;
  write_file(dir / "file", "x");
  auto result = messageu({"--home", (dir / "file").string(), "whoami"});
  EXPECT_EQ(result.exit_code, 78) << describe(result);
  EXPECT_TRUE(contains(result.err, (dir / "file").string() + " is not a directory")) << result.err;
}

} // namespace
} // namespace messageu::test
