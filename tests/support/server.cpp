// The server fixture.
#include "support/server.hpp"

#include <regex>
#include <stdexcept>

namespace messageu::test {

ServerProcess::ServerProcess(std::vector<std::string> extra_args, std::string db_path)
    : m_dir(std::make_unique<TempDir>()),
      m_db_path(db_path.empty() ? (m_dir->path() / "defensive.db").string() : db_path) {
  std::vector<std::string> argv = {MESSAGEU_SERVER_PATH, "--port", "0",      "--bind",
                                   "127.0.0.1",          "--db",   m_db_path};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  RunOptions options;
  options.cwd = m_dir->str();
  m_process = std::make_unique<Process>(argv, options);
  auto text = m_process->wait_for_stderr("listening on ", std::chrono::seconds(20));
  if (!text)
    throw std::runtime_error("server did not start: " + m_process->stderr_text());
  // Wait for the end of the line that carries the port.
  std::smatch match;
  static const std::regex k_listening(R"(listening on \S*:(\d+)\s)");
  for (int attempt = 0; attempt < 200; ++attempt) {
    auto log = m_process->stderr_text();
    if (std::regex_search(log, match, k_listening)) {
      m_port = static_cast<std::uint16_t>(std::stoi(match[1].str()));
      return;
    }
    m_process->wait_for_stderr("\n", std::chrono::milliseconds(10));
  }
  throw std::runtime_error("no port in the server's listening line: " + *text);
}

int ServerProcess::stop(int signal_number) {
  m_process->signal(signal_number);
  auto code = m_process->wait(std::chrono::seconds(30));
  return code.value_or(-1);
}

} // namespace messageu::test
