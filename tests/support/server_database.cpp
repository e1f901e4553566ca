// A test server's database on either backend, and what its store left behind.
#include "support/server_database.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace messageu::test {

namespace {

std::unique_ptr<PostgresTestSchema> make_schema() {
  auto schema = PostgresTestSchema::create();
  if (!schema)
    throw std::runtime_error("no PostgreSQL schema for the server: " + schema.error().message);
  return std::move(*schema);
}

} // namespace

bool postgres_backend_requested() {
  const char *backend = std::getenv("MESSAGEU_TEST_BACKEND");
  return backend && std::string_view(backend) == "postgres";
}

bool is_postgres_database(const std::string &database) {
  return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

ServerDatabase::ServerDatabase() : m_dir(std::make_unique<TempDir>()) { open_in(m_dir->path()); }

ServerDatabase::ServerDatabase(const std::filesystem::path &directory) { open_in(directory); }

void ServerDatabase::open_in(const std::filesystem::path &directory) {
  if (postgres_backend_requested()) {
    m_schema = make_schema();
    m_location = m_schema->uri();
  } else
    m_location = (directory / "defensive.db").string();
}

std::size_t content_file_count(const std::string &db_path) {
  std::filesystem::path files = db_path + ".spool";
  std::size_t count = 0;
  std::error_code error;
  for (const auto &entry : std::filesystem::directory_iterator(files, error))
    if (entry.path().filename().string().rfind("content-", 0) == 0)
      ++count;
  return count;
}

std::size_t leftover_content_count(const std::string &database) {
  if (!is_postgres_database(database))
    return content_file_count(database);
  auto uploads = postgres_query_int64(database, "SELECT count(*) FROM contents WHERE uploading");
  // A failed query has failed the test already; it must not read as "nothing left".
  return uploads < 0 ? std::size_t{1} : static_cast<std::size_t>(uploads);
}

} // namespace messageu::test
