// The libpq wrapper against the test cluster: values in and out in binary, prepared
// statements, transactions, pipelines, errors as values, notifications and reconnection.
#include <messageu/postgres/postgres.hpp>

#include "support/postgres.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace messageu;
using namespace messageu::postgres;

namespace {

class PostgresConnection : public messageu::test::PostgresTest {
protected:
  void SetUp() override {
    PostgresTest::SetUp();
    if (IsSkipped() || HasFatalFailure())
      return;
    m_connection = connect();
    ASSERT_TRUE(m_connection.has_value());
  }

  std::optional<Connection> connect() {
    auto connection = Connection::open(uri());
    EXPECT_TRUE(connection) << connection.error().message;
    if (!connection)
      return std::nullopt;
    return std::move(*connection);
  }

  Connection &connection() { return *m_connection; }

  std::int64_t count(std::string_view table) {
    return query("SELECT count(*) FROM " + std::string(table));
  }

  std::optional<Connection> m_connection;
};

} // namespace

TEST_F(PostgresConnection, RoundTripsEveryParameterTypeInBinary) {
  Statement echo("SELECT $1, $2, $3, $4, $5, $6");
  Bytes bytes{0, 1, 0xff, 0x80, 0};
  auto rows = connection().run(
      echo,
      Parameters{}.int64(-5'000'000'000).int32(-7).boolean(true).text("héllo").bytes(bytes).null());
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->count(), 1);
  EXPECT_EQ(rows->int64(0, 0), -5'000'000'000);
  EXPECT_EQ(rows->int64(0, 1), -7);
  EXPECT_TRUE(rows->boolean(0, 2));
  EXPECT_EQ(rows->text(0, 3), "héllo");
  EXPECT_EQ(Bytes(rows->bytes(0, 4).begin(), rows->bytes(0, 4).end()), bytes);
  EXPECT_TRUE(rows->is_null(0, 5));
  EXPECT_FALSE(rows->is_null(0, 4));
}

TEST_F(PostgresConnection, RunsAPreparedStatementManyTimes) {
  ASSERT_TRUE(connection().exec("CREATE TABLE items (id bigint PRIMARY KEY, name text)"));
  Statement insert("INSERT INTO items (id, name) VALUES ($1, $2)");
  for (int i = 1; i <= 20; ++i) {
    auto inserted = connection().run(insert, Parameters{}.int64(i).text("n" + std::to_string(i)));
    ASSERT_TRUE(inserted) << inserted.error().message;
    EXPECT_EQ(inserted->affected(), 1);
  }
  Statement select("SELECT name FROM items WHERE id > $1 ORDER BY id");
  auto rows = connection().run(select, Parameters{}.int64(18));
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->count(), 2);
  EXPECT_EQ(rows->text(0, 0), "n19");
  EXPECT_EQ(rows->text(1, 0), "n20");
}

TEST_F(PostgresConnection, ReportsAFailedStatementAsAStorageErrorWithPostgresText) {
  auto rows = connection().query("SELECT * FROM no_such_table");
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().code, Errc::storage);
  EXPECT_NE(rows.error().message.find("no_such_table"), std::string::npos) << rows.error().message;
  // The connection is still usable.
  EXPECT_TRUE(connection().exec("SELECT 1"));
}

TEST_F(PostgresConnection, ReportsAnUnreachableServer) {
  auto connection = Connection::open("postgresql:///postgres?host=/nonexistent&connect_timeout=2");
  ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().code, Errc::unavailable);
  EXPECT_NE(connection.error().message.find("cannot connect"), std::string::npos);
}

TEST_F(PostgresConnection, RollsBackATransactionThatIsNotCommitted) {
  ASSERT_TRUE(connection().exec("CREATE TABLE items (id bigint PRIMARY KEY)"));
  Statement insert("INSERT INTO items (id) VALUES ($1)");
  {
    auto transaction = Transaction::begin(connection());
    ASSERT_TRUE(transaction);
    ASSERT_TRUE(connection().run(insert, Parameters{}.int64(1)));
  }
  EXPECT_EQ(count("items"), 0);
  {
    auto transaction = Transaction::begin(connection());
    ASSERT_TRUE(transaction);
    ASSERT_TRUE(connection().run(insert, Parameters{}.int64(2)));
    ASSERT_TRUE(transaction->commit());
    EXPECT_EQ(transaction->commit().error().code, Errc::internal);
  }
  EXPECT_EQ(count("items"), 1);
}

TEST_F(PostgresConnection, RunsAPipelineInOneTransactionAndReturnsEachResult) {
  ASSERT_TRUE(connection().exec("CREATE TABLE items (id bigint PRIMARY KEY)"));
  Statement insert("INSERT INTO items (id) VALUES ($1) RETURNING id * 10");
  std::vector<PipelineStep> steps;
  for (int i = 1; i <= 50; ++i)
    steps.push_back({&insert, Parameters{}.int64(i)});
  auto results = connection().pipeline(steps);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 50u);
  EXPECT_EQ((*results)[49].int64(0, 0), 500);
  EXPECT_EQ(count("items"), 50);
}

TEST_F(PostgresConnection, AbortsTheWholePipelineOnTheFirstFailure) {
  ASSERT_TRUE(connection().exec("CREATE TABLE items (id bigint PRIMARY KEY)"));
  Statement insert("INSERT INTO items (id) VALUES ($1)");
  std::vector<PipelineStep> steps;
  for (int id : {1, 2, 2, 3})
    steps.push_back({&insert, Parameters{}.int64(id)});
  auto results = connection().pipeline(steps);
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().code, Errc::storage);
  EXPECT_NE(results.error().message.find("duplicate key"), std::string::npos)
      << results.error().message;
  EXPECT_EQ(count("items"), 0);
  // Pipeline mode is left: ordinary statements work again.
  EXPECT_TRUE(connection().run(insert, Parameters{}.int64(9)));
  EXPECT_EQ(count("items"), 1);
}

TEST_F(PostgresConnection, DeliversANotificationToAListener) {
  ASSERT_TRUE(connection().listen("messageu_test"));
  auto none = connection().wait_for_notifications(std::chrono::milliseconds(10));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto other = connect();
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->exec("NOTIFY messageu_test, 'hello'"));
  std::vector<Notification> received;
  for (int attempt = 0; attempt < 100 && received.empty(); ++attempt) {
    auto notifications = connection().wait_for_notifications(std::chrono::milliseconds(100));
    ASSERT_TRUE(notifications) << notifications.error().message;
    received = std::move(*notifications);
  }
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].channel, "messageu_test");
  EXPECT_EQ(received[0].payload, "hello");
}

TEST_F(PostgresConnection, ReconnectsAfterItsSessionWasTerminated) {
  Statement backend("SELECT pg_backend_pid()");
  auto pid = connection().run(backend);
  ASSERT_TRUE(pid);
  auto other = connect();
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->query("SELECT pg_terminate_backend($1)",
                           Parameters{}.int32(static_cast<std::int32_t>(pid->int64(0, 0)))));
  auto failed = connection().run(backend);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::storage);
  EXPECT_TRUE(connection().is_broken());
  ASSERT_TRUE(connection().reconnect());
  EXPECT_FALSE(connection().is_broken());
  auto again = connection().run(backend); // prepared anew on the new session
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_NE(again->int64(0, 0), pid->int64(0, 0));
}

TEST_F(PostgresConnection, SendsCopiedParametersAndBorrowedBytes) {
  Statement echo("SELECT $1, $2");
  Bytes large(2 * 1024 * 1024, 0x5a);
  Parameters original;
  original.text("kept").borrowed_bytes(large);
  Parameters copy = original; // copies own their text; borrowed bytes still point at `large`
  original = Parameters{};
  auto rows = connection().run(echo, copy);
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(rows->text(0, 0), "kept");
  EXPECT_EQ(Bytes(rows->bytes(0, 1).begin(), rows->bytes(0, 1).end()), large);
}
