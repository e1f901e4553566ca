// What the CLI's integration tests share: running the real messageu binary with a temporary
// profile and an environment cleaned of the user's own MESSAGEU_* settings, and small
// helpers to read its output.
#pragma once

#include "support/process.hpp"
#include "support/server.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
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

// One profile directory: every run gets --home (and --server when one is set).
class CliProfile {
public:
  CliProfile() = default;
  explicit CliProfile(std::string server) : m_server(std::move(server)) {}

  std::filesystem::path home() const { return m_dir.path() / "profile"; }
  std::filesystem::path path(const std::string &name) const { return home() / name; }
  const std::string &server() const { return m_server; }

  RunResult operator()(std::vector<std::string> arguments, RunOptions options = {}) const {
    std::vector<std::string> full{"--home", home().string()};
    if (!m_server.empty()) {
      full.push_back("--server");
      full.push_back(m_server);
    }
    full.insert(full.end(), arguments.begin(), arguments.end());
    return messageu(full, std::move(options));
  }

private:
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
