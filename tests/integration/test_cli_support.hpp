// What the CLI's integration tests share: running the real messageu binary with a temporary
// profile and an environment cleaned of the user's own MESSAGEU_* settings, and small
// helpers to read its output.
#pragma once

#include "support/process.hpp"
#include "support/server.hpp"
#include "support/temp_dir.hpp"
#include "support/vectors.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace messageu::test {

// The environment variables that would let the tester's own settings leak into a test.
inline const std::vector<std::string> k_cli_environment = {
    "MESSAGEU_HOME",    "MESSAGEU_SERVER",  "MESSAGEU_DIALECT", "MESSAGEU_PROTOCOL",
    "MESSAGEU_TIMEOUT", "MESSAGEU_RETRIES", "NO_COLOR",         "MESSAGEU_INSECURE_PROFILE"};

// Runs messageu with `arguments` as they are.
inline RunResult messageu(const std::vector<std::string> &arguments, RunOptions options = {}) {
  std::vector<std::string> argv{MESSAGEU_CLI_PATH};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  options.unset_env.insert(options.unset_env.end(), k_cli_environment.begin(),
                           k_cli_environment.end());
  return run(argv, options);
}

// `text` with the time of every "Received: TIME" line of pull's frame, and of every
// "received":"TIME" field of its JSON, replaced by "TIME", so that a test can compare whole
// messages (the time is checked on its own where it matters).
inline std::string mask_received_times(const std::string &text) {
  static const std::regex k_received_line(R"((^|\n)Received: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n)");
  static const std::regex k_received_field(R"("received":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")");
  auto masked = std::regex_replace(text, k_received_line, "$1Received: TIME\n");
  return std::regex_replace(masked, k_received_field, R"("received":"TIME")");
}

// One profile directory: every run gets --home (and --server when one is set). The stdout of
// a run has its received times masked (mask_received_times); raw() leaves it as printed.
class CliProfile {
public:
  CliProfile() = default;
  explicit CliProfile(std::string server) : m_server(std::move(server)) {}

  std::filesystem::path home() const { return m_dir.path() / "profile"; }
  std::filesystem::path path(const std::string &name) const { return home() / name; }
  const std::string &server() const { return m_server; }
  // The profile's id, from my.info (registered profiles only).
  std::string id() const { return lines_of_my_info().at(1); }

  RunResult operator()(std::vector<std::string> arguments, RunOptions options = {}) const {
    auto result = raw(std::move(arguments), std::move(options));
    result.out = mask_received_times(result.out);
    return result;
  }

  RunResult raw(std::vector<std::string> arguments, RunOptions options = {}) const {
    std::vector<std::string> full{"--home", home().string()};
    if (!m_server.empty()) {
      full.push_back("--server");
      full.push_back(m_server);
    }
    full.insert(full.end(), arguments.begin(), arguments.end());
    return messageu(full, std::move(options));
  }

private:
  std::vector<std::string> lines_of_my_info() const {
    std::vector<std::string> lines;
    std::istringstream stream(read_text_file(path("my.info").string()));
    for (std::string line; std::getline(stream, line);)
      lines.push_back(line);
    return lines;
  }

  TempDir m_dir;
  std::string m_server;
};

// The lines of `text`, without their '\n'.
inline std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);)
    lines.push_back(line);
  return lines;
}

// The text without a final newline.
inline std::string chomp(std::string text) {
  while (!text.empty() && text.back() == '\n')
    text.pop_back();
  return text;
}

inline std::string describe(const RunResult &result) {
  return "exit " + std::to_string(result.exit_code) + "\nstdout: " + result.out +
         "\nstderr: " + result.err;
}

} // namespace messageu::test
