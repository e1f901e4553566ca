// The PostgreSQL cluster the tests run against. ctest starts one per run (the `postgres`
// fixture, scripts/pg-cluster.sh) and tells the tests where its URI is; each test then works
// in a schema of its own, so tests share the cluster without seeing each other's tables.
// Without a cluster the PostgreSQL tests are skipped and say why, except under CI (CI=true),
// where they fail.
#pragma once

#include <messageu/util/result.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace messageu::test {

// The cluster's URI: $MESSAGEU_TEST_PG_URI, else the content of the file
// $MESSAGEU_TEST_PG_URI_FILE, by default the one the build's ctest fixture writes. Neither →
// an error saying how to get one.
Result<std::string> postgres_cluster_uri();

// Why the PostgreSQL tests cannot run here, or nullopt when they can.
std::optional<std::string> postgres_unavailable_reason();

// True under continuous integration (CI=true), where a missing cluster is a failure.
bool running_under_ci();

// A fresh schema on the test cluster, dropped with everything in it on destruction.
class PostgresTestSchema {
public:
  // Fails (with the reason) when there is no cluster or the schema cannot be made.
  static Result<std::unique_ptr<PostgresTestSchema>> create();
  ~PostgresTestSchema();
  PostgresTestSchema(const PostgresTestSchema &) = delete;
  PostgresTestSchema &operator=(const PostgresTestSchema &) = delete;

  // A URI whose connections see this schema first (search_path) and are named after it
  // (application_name, as pg_stat_activity shows).
  const std::string &uri() const { return m_uri; }
  const std::string &name() const { return m_name; }

private:
  PostgresTestSchema(std::string cluster_uri, std::string name);

  std::string m_cluster_uri;
  std::string m_name;
  std::string m_uri;
};

// `uri` with its socket directory (host=) moved to `directory`, where no database answers
// until link_postgres_socket(directory): a database that is down, then comes up.
std::string postgres_uri_in(const std::string &uri, const std::filesystem::path &directory);
void link_postgres_socket(const std::filesystem::path &directory);

// Runs `sql` on a connection of its own to `uri`, as an operator or another program would,
// and returns the first column of its first row (-1, with a test failure, when it fails).
std::int64_t postgres_query_int64(const std::string &uri, const std::string &sql);

} // namespace messageu::test

// Skips the current test when there is no PostgreSQL cluster (fails instead under CI).
#define MESSAGEU_SKIP_WITHOUT_POSTGRES()                                                           \
  do {                                                                                             \
    if (auto messageu_reason = ::messageu::test::postgres_unavailable_reason()) {                  \
      if (::messageu::test::running_under_ci())                                                    \
        FAIL() << "PostgreSQL tests cannot run under CI: " << *messageu_reason;                    \
      GTEST_SKIP() << "PostgreSQL test skipped: " << *messageu_reason;                             \
    }                                                                                              \
  } while (false)

namespace messageu::test {

// A test on the cluster, in a fresh schema of its own (skipped without a cluster).
class PostgresTest : public ::testing::Test {
protected:
  void SetUp() override {
    MESSAGEU_SKIP_WITHOUT_POSTGRES();
    auto schema = PostgresTestSchema::create();
    ASSERT_TRUE(schema) << schema.error().message;
    m_schema = std::move(*schema);
  }

  const std::string &uri() const { return m_schema->uri(); }
  std::int64_t query(const std::string &sql) { return postgres_query_int64(uri(), sql); }

  std::unique_ptr<PostgresTestSchema> m_schema;
};

} // namespace messageu::test
