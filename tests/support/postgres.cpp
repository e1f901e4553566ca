// The PostgreSQL test cluster: where its URI comes from, and one schema per test.
#include "support/postgres.hpp"

#include <messageu/postgres/postgres.hpp>

#include <cstdlib>
#include <fstream>
#include <random>

namespace messageu::test {

namespace {

std::string environment(const char *name) {
  const char *value = std::getenv(name);
  return value ? value : "";
}

std::string random_schema_name() {
  std::random_device random;
  std::uniform_int_distribution<std::uint64_t> any;
  return "t_" + std::to_string(any(random));
}

// `uri` with one more query parameter.
std::string with_parameter(const std::string &uri, const std::string &parameter) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + parameter;
}

} // namespace

Result<std::string> postgres_cluster_uri() {
  if (auto uri = environment("MESSAGEU_TEST_PG_URI"); !uri.empty())
    return uri;
  auto file = environment("MESSAGEU_TEST_PG_URI_FILE");
  if (file.empty())
    file = MESSAGEU_TEST_PG_URI_FILE;
  std::ifstream in(file);
  std::string uri;
  if (!std::getline(in, uri) || uri.empty())
    return make_error(Errc::unavailable,
                      "no PostgreSQL test cluster: " + file +
                          " is missing (run the tests with ctest, whose `postgres` fixture "
                          "starts one when PostgreSQL is installed, as scripts/setup.sh does; "
                          "or set MESSAGEU_TEST_PG_URI)");
  return uri;
}

std::optional<std::string> postgres_unavailable_reason() {
  auto uri = postgres_cluster_uri();
  if (!uri)
    return uri.error().message;
  return std::nullopt;
}

bool running_under_ci() { return environment("CI") == "true"; }

Result<std::unique_ptr<PostgresTestSchema>> PostgresTestSchema::create() {
  auto cluster = MESSAGEU_TRY(postgres_cluster_uri());
  auto connection = MESSAGEU_TRY(postgres::Connection::open(cluster));
  auto name = random_schema_name();
  MESSAGEU_TRY(connection.exec("CREATE SCHEMA " + name));
  return std::unique_ptr<PostgresTestSchema>(new PostgresTestSchema(cluster, name));
}

PostgresTestSchema::PostgresTestSchema(std::string cluster_uri, std::string name)
    : m_cluster_uri(std::move(cluster_uri)), m_name(std::move(name)),
      m_uri(with_parameter(with_parameter(m_cluster_uri, "options=-csearch_path%3D" + m_name),
                           "application_name=" + m_name)) {}

PostgresTestSchema::~PostgresTestSchema() {
  if (auto connection = postgres::Connection::open(m_cluster_uri))
    (void)connection->exec("DROP SCHEMA " + m_name + " CASCADE");
}

namespace {

// The socket directory of the test cluster (its URI's host=).
std::string cluster_socket_directory() {
  auto cluster = postgres_cluster_uri();
  EXPECT_TRUE(cluster) << cluster.error().message;
  if (!cluster)
    return "";
  auto start = cluster->find("host=") + 5;
  return cluster->substr(start, cluster->find('&', start) - start);
}

} // namespace

std::string postgres_uri_in(const std::string &uri, const std::filesystem::path &directory) {
  auto moved = uri;
  auto socket_directory = cluster_socket_directory();
  if (auto at = moved.find("host=" + socket_directory); at != std::string::npos)
    moved.replace(at + 5, socket_directory.size(), directory.string());
  return moved;
}

void link_postgres_socket(const std::filesystem::path &directory) {
  // pg-cluster.sh's port names the socket file.
  std::filesystem::path socket =
      std::filesystem::path(cluster_socket_directory()) / ".s.PGSQL.5432";
  std::filesystem::create_symlink(socket, directory / socket.filename());
}

std::int64_t postgres_query_int64(const std::string &uri, const std::string &sql) {
  auto connection = postgres::Connection::open(uri);
  EXPECT_TRUE(connection) << connection.error().message;
  if (!connection)
    return -1;
  auto rows = connection->query(sql);
  EXPECT_TRUE(rows) << sql << ": " << rows.error().message;
  return rows && !rows->empty() && rows->columns() > 0 ? rows->int64(0, 0) : -1;
}

} // namespace messageu::test
