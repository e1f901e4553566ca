// The database a test server runs on, for the backend the test run asks for: a SQLite file
// (defensive.db) in a temporary directory, or with MESSAGEU_TEST_BACKEND=postgres a fresh schema
// on the PostgreSQL test cluster (support/postgres.hpp). It outlives the servers started on it,
// so a test can stop a server and start another on the same data whatever the backend; and it
// answers what a test asks of a store's leftovers in the terms of either backend.
#pragma once

#include "support/postgres.hpp"
#include "support/temp_dir.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

namespace messageu::test {

// True when MESSAGEU_TEST_BACKEND=postgres: the test servers use PostgreSQL.
bool postgres_backend_requested();

// True when `database` (a --db value) names a PostgreSQL database rather than a SQLite file.
bool is_postgres_database(const std::string &database);

class ServerDatabase {
public:
  // A database in a temporary directory of its own (SQLite) or a schema of its own
  // (PostgreSQL). Throws when no schema can be made.
  ServerDatabase();
  // The same, with the SQLite file in `directory` (which must outlive this object).
  explicit ServerDatabase(const std::filesystem::path &directory);
  ServerDatabase(const ServerDatabase &) = delete;
  ServerDatabase &operator=(const ServerDatabase &) = delete;

  // What --db takes: the file's path or the schema's URI.
  const std::string &location() const { return m_location; }

private:
  void open_in(const std::filesystem::path &directory);

  std::unique_ptr<TempDir> m_dir;
  std::unique_ptr<PostgresTestSchema> m_schema;
  std::string m_location;
};

// Files in the SQLite store's content directory at `db_path`: the contents of large messages
// waiting, and any left behind.
std::size_t content_file_count(const std::string &db_path);

// Large contents the store at `database` holds that belong to no stored message: on SQLite the
// files in its content directory (so a waiting message's content counts too), on PostgreSQL
// the `contents` rows still being uploaded (there a delivered message's content stays an hour,
// for pulls through other servers, so only uploads count). 0 once a store has removed what an
// abandoned upload or a completed delivery left.
std::size_t leftover_content_count(const std::string &database);

} // namespace messageu::test
