// The server fixture.
#include "support/server.hpp"

#include <stdexcept>
#include <string_view>

namespace messageu::test {
namespace {

// The port of the first complete "listening on ADDR:PORT" line in `log`.
std::optional<std::uint16_t> listening_port(const std::string &log) {
  auto start = log.find("listening on ");
  if (start == std::string::npos)
    return std::nullopt;
  auto end = log.find('\n', start);
  if (end == std::string::npos)
    return std::nullopt;
  auto line = log.substr(start, end - start);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
    line.pop_back();
  auto colon = line.rfind(':');
  if (colon == std::string::npos || colon + 1 == line.size())
    return std::nullopt;
  auto digits = line.substr(colon + 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 5)
    return std::nullopt;
  return static_cast<std::uint16_t>(std::stoi(digits));
}

// Skips every test of a run on PostgreSQL when there is no cluster (fails them under CI).
class PostgresBackendEnvironment final : public ::testing::Environment {
public:
  void SetUp() override { MESSAGEU_SKIP_WITHOUT_POSTGRES(); }
};

[[maybe_unused]] const bool k_postgres_environment_added =
    postgres_backend_requested() &&
    ::testing::AddGlobalTestEnvironment(new PostgresBackendEnvironment) != nullptr;

} // namespace

ServerProcess::ServerProcess(std::vector<std::string> extra_args, std::string db_path)
    : m_dir(std::make_unique<TempDir>()) {
  if (db_path.empty()) {
    m_database = std::make_unique<ServerDatabase>(m_dir->path());
    db_path = m_database->location();
  }
  m_db_path = db_path;
  std::vector<std::string> argv = {MESSAGEU_SERVER_PATH, "--port", "0",      "--bind",
                                   "127.0.0.1",          "--db",   m_db_path};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  RunOptions options;
  options.cwd = m_dir->str();
  m_process = std::make_unique<Process>(argv, options);
  auto text = m_process->wait_for_stderr("listening on ", std::chrono::seconds(20));
  if (!text)
    throw std::runtime_error("server did not start: " + m_process->stderr_text());
  // Wait for the end of the line that carries the port: "listening on ADDR:PORT\n".
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (auto port = listening_port(m_process->stderr_text())) {
      m_port = *port;
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
