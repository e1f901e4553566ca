// Files end to end through the real server: sendfile streams a file (or stdin) encrypted,
// pull decrypts it into the save directory under `<sender>-<message id>` without ever
// replacing a file, reports path, size and SHA-256 in JSON, refuses a file too large for
// the protocol before sending anything (65), and keeps a message it cannot save (1).
#include "test_cli_support.hpp"

#include "support/vectors.hpp"

#include <messageu/crypto/hash.hpp>
#include <messageu/util/hex.hpp>

#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace messageu::test {
namespace {

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (auto &byte : bytes)
    byte = static_cast<char>(generator() & 0xff);
  return bytes;
}

std::string sha256_hex(const std::string &bytes) { return to_hex(crypto::sha256(as_bytes(bytes))); }

class CliFiles : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(m_alice({"register", "alice"}).exit_code, 0);
    ASSERT_EQ(m_bob({"register", "bob"}).exit_code, 0);
  }

  std::string send_file(const std::string &content, const std::string &name = "input.bin") {
    auto path = m_work.path() / name;
    write_file(path, content);
    auto result = m_alice({"sendfile", "bob", path.string()});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    return chomp(result.out);
  }

  // The files in `directory`, by name.
  static std::vector<std::string> names_in(const std::filesystem::path &directory) {
    std::vector<std::string> names;
    for (const auto &entry : std::filesystem::directory_iterator(directory))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  ServerProcess m_server;
  CliProfile m_alice{m_server.address()};
  CliProfile m_bob{m_server.address()};
  TempDir m_work;
};

TEST_F(CliFiles, DeliversFilesByteForByteIntoTheDefaultFilesDirectory) {
  for (std::size_t size :
       {std::size_t{0}, std::size_t{16}, std::size_t{4096}, std::size_t{(1u << 20) + 3}}) {
    SCOPED_TRACE(size);
    auto content = random_bytes(size, static_cast<unsigned>(size));
    auto id = send_file(content);
    auto result = m_bob({"pull"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    auto saved = m_bob.home() / "files" / ("alice-" + id);
    EXPECT_NE(result.out.find("Content:\n" + saved.string() + "\n-----<EOM>-----"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(read_text_file(saved.string()), content);
  }
}

TEST_F(CliFiles, ReportsPathSizeAndSha256InJson) {
  auto content = random_bytes(100000, 7);
  auto id = send_file(content);
  auto save_dir = m_work.path() / "downloads";
  auto lines = lines_of(m_bob({"pull", "--json", "--save-dir", save_dir.string()}).out);
  ASSERT_EQ(lines.size(), 2u); // the key, then the file
  auto expected_path = save_dir / ("alice-" + id);
  EXPECT_NE(lines[1].find("\"type\":\"file\",\"path\":\"" + expected_path.string() +
                          "\",\"size\":100000,\"sha256\":\"" + sha256_hex(content) +
                          "\",\"received\":\"TIME\"}"),
            std::string::npos)
      << lines[1];
  EXPECT_EQ(read_text_file(expected_path.string()), content);
}

TEST_F(CliFiles, NeverOverwritesAnExistingFile) {
  auto save_dir = m_work.path() / "downloads";
  std::filesystem::create_directories(save_dir);
  auto first = send_file("new content");
  write_file(save_dir / ("alice-" + first), "precious");
  ASSERT_EQ(m_bob({"pull", "--save-dir", save_dir.string()}).exit_code, 0);
  EXPECT_EQ(read_text_file((save_dir / ("alice-" + first)).string()), "precious");
  EXPECT_EQ(read_text_file((save_dir / ("alice-" + first + ".1")).string()), "new content");
  EXPECT_EQ(names_in(save_dir),
            (std::vector<std::string>{"alice-" + first, "alice-" + first + ".1"}));
}

TEST_F(CliFiles, SendsStdinWithDash) {
  auto content = random_bytes(300000, 11);
  RunOptions input;
  input.stdin_data = content;
  auto sent = m_alice({"sendfile", "bob", "-"}, input);
  ASSERT_EQ(sent.exit_code, 0) << describe(sent);
  ASSERT_EQ(m_bob({"pull"}).exit_code, 0);
  EXPECT_EQ(read_text_file((m_bob.home() / "files" / ("alice-" + chomp(sent.out))).string()),
            content);
  // The copy of stdin does not outlive the command.
  auto spool = m_alice.home() / "spool";
  EXPECT_TRUE(!std::filesystem::exists(spool) || std::filesystem::is_empty(spool));
}

TEST_F(CliFiles, RefusesAFileTooLargeForTheProtocolBeforeSendingAnything) {
  auto path = m_work.path() / "sparse.bin";
  { std::ofstream create(path); }
  // 4 GiB - 16 bytes encrypts to 4 GiB: one byte more than a u32 can hold. Sparse: no disk.
  ASSERT_EQ(::truncate(path.c_str(), (std::int64_t{1} << 32) - 16), 0);
  auto result = m_alice({"sendfile", "bob", path.string(), "--verbose"});
  EXPECT_EQ(result.exit_code, 65) << describe(result);
  EXPECT_NE(result.err.find("too large"), std::string::npos);
  EXPECT_EQ(result.err.find("messageu: request"), std::string::npos) << result.err;
  EXPECT_EQ(m_bob({"pull"}).out, "");
}

TEST_F(CliFiles, KeepsAFileMessageItCannotSaveAndExits1) {
  auto content = random_bytes(5000, 3);
  auto id = send_file(content);
  auto blocked = m_work.path() / "not-a-directory";
  write_file(blocked, "a file where the save directory should be");
  auto failed = m_bob({"pull", "--save-dir", (blocked / "sub").string()});
  EXPECT_EQ(failed.exit_code, 1) << describe(failed);
  EXPECT_NE(failed.err.find("message " + id + " from alice <"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("kept for the next pull: cannot create"), std::string::npos)
      << failed.err;
  // The key was printed and handled; the file waits in the spool for the next pull.
  auto retried = m_bob({"pull", "--save-dir", (m_work.path() / "ok").string()});
  ASSERT_EQ(retried.exit_code, 0) << describe(retried);
  EXPECT_EQ(lines_of(retried.out).size(), 6u) << retried.out; // one block
  EXPECT_EQ(read_text_file((m_work.path() / "ok" / ("alice-" + id)).string()), content);
}

TEST_F(CliFiles, KeepsALargeFileMessageItCannotSaveAndSavesItElsewhereNextTime) {
  send_file("the first file carries the key");
  ASSERT_EQ(m_bob({"pull", "--save-dir", (m_work.path() / "first").string()}).exit_code, 0);
  // Large enough to be decrypted on arrival, which needs the save directory: spooled raw.
  auto content = random_bytes(400000, 5);
  auto id = send_file(content);
  auto blocked = m_work.path() / "not-a-directory";
  write_file(blocked, "a file where the save directory should be");
  auto failed = m_bob({"pull", "--save-dir", (blocked / "sub").string()});
  EXPECT_EQ(failed.exit_code, 1) << describe(failed);
  auto save_dir = m_work.path() / "ok";
  auto retried = m_bob({"pull", "--save-dir", save_dir.string()});
  ASSERT_EQ(retried.exit_code, 0) << describe(retried);
  EXPECT_EQ(read_text_file((save_dir / ("alice-" + id)).string()), content);
  EXPECT_EQ(names_in(save_dir), (std::vector<std::string>{"alice-" + id}));
}

TEST_F(CliFiles, LeavesNoFileBehindForAFileItCannotDecrypt) {
  send_file("first file");
  ASSERT_EQ(m_bob({"pull"}).exit_code, 0);
  std::filesystem::remove(m_bob.path("state.db")); // the shared key is gone
  send_file("second file");
  auto save_dir = m_work.path() / "downloads";
  auto result = m_bob({"pull", "--save-dir", save_dir.string()});
  ASSERT_EQ(result.exit_code, 1) << describe(result); // kept for a key that may come
  EXPECT_NE(result.out.find("Content:\ncan't decrypt message\n"), std::string::npos);
  EXPECT_TRUE(!std::filesystem::exists(save_dir) || std::filesystem::is_empty(save_dir));
}

TEST_F(CliFiles, SavesSeveralFilesOfOnePull) {
  std::vector<std::pair<std::string, std::string>> sent;
  for (unsigned index = 0; index < 3; ++index) {
    auto content = random_bytes(200000 + index * 16, index);
    sent.emplace_back(send_file(content, "file" + std::to_string(index)), content);
  }
  auto save_dir = m_work.path() / "downloads";
  ASSERT_EQ(m_bob({"pull", "--save-dir", save_dir.string()}).exit_code, 0);
  for (const auto &[id, content] : sent)
    EXPECT_EQ(read_text_file((save_dir / ("alice-" + id)).string()), content);
  EXPECT_EQ(names_in(save_dir).size(), 3u);
}

} // namespace
} // namespace messageu::test
