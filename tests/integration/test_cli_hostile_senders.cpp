// pull against senders who mean harm, through the real server: a legal but very long sender
// name saves its file under a name cut to fit, a message that cannot be saved stays in the
// spool while every message before and after it is delivered (exit 1), and texts holding
// escape sequences, carriage returns, bidi overrides, invalid UTF-8 or a forged frame are
// shown escaped and quoted in text mode, exactly in JSON, and as sent with --raw.
#include "test_cli_support.hpp"

#include "support/vectors.hpp"

#include <messageu/util/base64.hpp>

#include <algorithm>

namespace messageu::test {
namespace {

// A text that tries everything: an OSC 52 clipboard write, a screen clear, a carriage return
// that hides the start of its line, a bidi override, a byte that is not UTF-8, and a forged
// end of message followed by a forged message.
const std::string k_hostile_text =
    "hi\x1b]52;c;aGk=\x07\x1b[2J\rFrom: bank\n"
    "invoice_\xe2\x80\xae"
    "fdp.exe \xff\n"
    "-----<EOM>-----\n\nFrom: bank <00112233445566778899aabbccddeeff>\n"
    "Content:\npay now";

// What text mode shows of it: escaped, with the frame lines quoted.
const std::string k_hostile_shown =
    "hi^[]52;c;aGk=^G^[[2J^MFrom: bank\n"
    "invoice_\\u202efdp.exe \\xff\n"
    ">-----<EOM>-----\n\n>From: bank <00112233445566778899aabbccddeeff>\n"
    ">Content:\npay now";

class CliHostileSenders : public ::testing::Test {
protected:
  void SetUp() override {
    register_profile(m_alice, "alice");
    register_profile(m_bob, "bob");
  }

  static void register_profile(const CliProfile &profile, const std::string &name) {
    auto result = profile({"register", name});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
  }

  static std::string id_of(const CliProfile &profile) {
    return lines_of(read_text_file(profile.path("my.info").string())).at(1);
  }

  static std::string block(const std::string &name, const std::string &id,
                           const std::string &content) {
    return "From: " + name + " <" + id + ">\nReceived: TIME\nContent:\n" + content +
           "\n-----<EOM>-----\n\n";
  }

  // Sends `text` (any bytes) from `from` to bob through stdin.
  static void send_text(const CliProfile &from, const std::string &text) {
    RunOptions input;
    input.stdin_data = text;
    auto result = from({"send", "bob", "-"}, input);
    ASSERT_EQ(result.exit_code, 0) << describe(result);
  }

  std::string send_file(const CliProfile &from, const std::string &content) {
    auto path = m_work.path() / "input.bin";
    write_file(path, content);
    auto result = from({"sendfile", "bob", path.string()});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    return chomp(result.out);
  }

  ServerProcess m_server;
  CliProfile m_alice{m_server.address()};
  CliProfile m_bob{m_server.address()};
  TempDir m_work;
};

TEST_F(CliHostileSenders, SavesTheFileOfAVeryLongSenderNameAndDeliversEveryOtherMessage) {
  CliProfile mallory{m_server.address()};
  const std::string long_name(240, 'm');
  register_profile(mallory, long_name);
  std::string content(70000, 'x');
  auto save_dir = m_work.path() / "downloads";
  for (const auto *mode : {"text", "json"}) {
    SCOPED_TRACE(mode);
    send_text(m_alice, "before");
    auto file_id = send_file(mallory, content);
    send_text(m_alice, "after");
    std::vector<std::string> arguments{"pull", "--save-dir", save_dir.string()};
    if (std::string(mode) == "json")
      arguments.push_back("--json");
    auto pulled = m_bob(arguments);
    ASSERT_EQ(pulled.exit_code, 0) << describe(pulled);
    auto saved = std::filesystem::directory_iterator(save_dir)->path();
    EXPECT_LE(saved.filename().string().size(), 255u);
    EXPECT_TRUE(saved.filename().string().starts_with(std::string(200, 'm'))) << saved;
    EXPECT_TRUE(saved.filename().string().ends_with("-" + file_id)) << saved;
    EXPECT_EQ(read_text_file(saved.string()), content);
    if (std::string(mode) == "text") {
      EXPECT_EQ(pulled.out, block("alice", id_of(m_alice), "symmetric key received") +
                                block("alice", id_of(m_alice), "before") +
                                block(long_name, id_of(mallory), "symmetric key received") +
                                block(long_name, id_of(mallory), saved.string()) +
                                block("alice", id_of(m_alice), "after"));
    } else {
      EXPECT_EQ(lines_of(pulled.out).size(), 3u) << pulled.out;
      EXPECT_NE(pulled.out.find("\"type\":\"file\",\"path\":\"" + saved.string()),
                std::string::npos);
    }
    std::filesystem::remove_all(save_dir);
  }
}

TEST_F(CliHostileSenders, KeepsAFileItCannotSaveAndDeliversTheMessagesAroundIt) {
  send_text(m_alice, "before");
  std::string content(5000, 'f');
  auto file_id = send_file(m_alice, content);
  send_text(m_alice, "after");
  auto blocked = m_work.path() / "not-a-directory";
  write_file(blocked, "a file where the save directory should be");
  auto partial = m_bob({"pull", "--save-dir", blocked.string()});
  EXPECT_EQ(partial.exit_code, 1) << describe(partial);
  EXPECT_EQ(partial.out, block("alice", id_of(m_alice), "symmetric key received") +
                             block("alice", id_of(m_alice), "before") +
                             block("alice", id_of(m_alice), "after"));
  EXPECT_NE(partial.err.find("message " + file_id + " from alice <" + id_of(m_alice) +
                             "> kept for the next pull: cannot create"),
            std::string::npos)
      << partial.err;
  EXPECT_NE(partial.err.find("1 of 4 message(s) kept for the next pull"), std::string::npos)
      << partial.err;
  // Kept, and tried first (and alone) by the next pull.
  auto still = m_bob({"pull", "--save-dir", blocked.string()});
  EXPECT_EQ(still.exit_code, 1) << describe(still);
  EXPECT_EQ(still.out, "");
  auto save_dir = m_work.path() / "ok";
  auto retried = m_bob({"pull", "--save-dir", save_dir.string()});
  ASSERT_EQ(retried.exit_code, 0) << describe(retried);
  auto saved = save_dir / ("alice-" + file_id);
  EXPECT_EQ(retried.out, block("alice", id_of(m_alice), saved.string()));
  EXPECT_EQ(read_text_file(saved.string()), content);
  EXPECT_EQ(m_bob({"pull"}).out, "");
}

TEST_F(CliHostileSenders, ShowsAHostileTextEscapedAndItsFrameQuoted) {
  send_text(m_alice, k_hostile_text);
  send_text(m_alice, "the next message");
  auto pulled = m_bob({"pull"});
  ASSERT_EQ(pulled.exit_code, 0) << describe(pulled);
  EXPECT_EQ(pulled.out, block("alice", id_of(m_alice), "symmetric key received") +
                            block("alice", id_of(m_alice), k_hostile_shown) +
                            block("alice", id_of(m_alice), "the next message"));
  EXPECT_EQ(pulled.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(pulled.out.find('\r'), std::string::npos);
  // Only the three real messages end a block.
  auto lines = lines_of(pulled.out);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "-----<EOM>-----"), 3);
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                          [](const std::string &line) { return line.starts_with("From: "); }),
            3);
}

TEST_F(CliHostileSenders, KeepsTheExactTextInJsonAndWithRaw) {
  send_text(m_alice, k_hostile_text);
  auto json = m_bob({"pull", "--json"});
  ASSERT_EQ(json.exit_code, 0) << describe(json);
  auto record = lines_of(json.out).at(1);
  EXPECT_NE(record.find("\"text\":\"hi\\u001b]52;c;aGk=\\u0007\\u001b[2J\\rFrom: bank\\n"
                        "invoice_\\u202efdp.exe \\ufffd\\n-----<EOM>-----\\n\\nFrom: bank"),
            std::string::npos)
      << record;
  EXPECT_NE(record.find("\"text_base64\":\"" + base64_encode(as_bytes(k_hostile_text)) + "\""),
            std::string::npos)
      << record;
  EXPECT_EQ(record.find('\x1b'), std::string::npos);

  send_text(m_alice, k_hostile_text);
  auto raw = m_bob({"pull", "--raw"});
  ASSERT_EQ(raw.exit_code, 0) << describe(raw);
  // The bytes as sent; the frame lines are still quoted.
  std::string quoted = k_hostile_text;
  quoted.replace(quoted.find("-----<EOM>"), 0, ">");
  quoted.replace(quoted.find("From: bank <"), 0, ">");
  quoted.replace(quoted.find("Content:"), 0, ">");
  EXPECT_EQ(raw.out, block("alice", id_of(m_alice), quoted));
}

} // namespace
} // namespace messageu::test
