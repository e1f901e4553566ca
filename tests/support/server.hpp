// Starts the real messageu-server for a test: 127.0.0.1, --port 0, a database in a fresh
// temporary directory; reads the port from its "listening on ADDR:PORT" line.
//
// With MESSAGEU_TEST_BACKEND=postgres the database is instead a fresh schema on the PostgreSQL
// test cluster (support/server_database.hpp): ctest runs some integration suites a second time
// so, as postgres.<test>. Without a cluster those runs are skipped (failed under CI).
#pragma once

#include "support/process.hpp"
#include "support/server_database.hpp"
#include "support/temp_dir.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace messageu::test {

class ServerProcess {
public:
  // Starts the server with `extra_args`; the database is `db_path` (a ServerDatabase's
  // location, to restart on the same data) or, when empty, a ServerDatabase owned by this
  // object, in its temporary directory. Throws if it does not report listening within 20 s.
  explicit ServerProcess(std::vector<std::string> extra_args = {}, std::string db_path = "");

  std::uint16_t port() const { return m_port; }
  std::string address() const { return "127.0.0.1:" + std::to_string(m_port); }
  const std::string &db_path() const { return m_db_path; }
  Process &process() { return *m_process; }
  std::string log() { return m_process->stderr_text(); }

  // Sends SIGTERM (or `signal_number`) and waits; returns the exit code.
  int stop(int signal_number = 15);

private:
  std::unique_ptr<TempDir> m_dir;
  std::unique_ptr<ServerDatabase> m_database;
  std::string m_db_path;
  std::unique_ptr<Process> m_process;
  std::uint16_t m_port = 0;
};

} // namespace messageu::test
