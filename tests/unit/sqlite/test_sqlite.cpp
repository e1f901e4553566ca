// The SQLite wrapper: statements, binds and columns, transactions, pragmas and error mapping.
#include <messageu/sqlite/sqlite.hpp>
#include <messageu/sqlite/storage_error.hpp>

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::sqlite;

namespace {

Database open_memory() {
  auto database = Database::open_in_memory();
  EXPECT_TRUE(database) << database.error().message;
  return std::move(database).value();
}

std::int64_t count_rows(Database &database, std::string_view table) {
  auto statement = database.prepare("SELECT COUNT(*) FROM " + std::string(table));
  EXPECT_TRUE(statement);
  EXPECT_TRUE(*statement->step());
  return statement->column_int64(0);
}

} // namespace

TEST(Database, CreatesAMissingFileAndReopensIt) {
  test::TempDir dir;
  auto path = dir / "test.db";
  {
    auto database = Database::open(path);
    ASSERT_TRUE(database) << database.error().message;
    ASSERT_TRUE(database->exec("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (7);"));
  }
  EXPECT_TRUE(std::filesystem::exists(path));
  auto reopened = Database::open(path, OpenMode::read_only);
  ASSERT_TRUE(reopened) << reopened.error().message;
  EXPECT_EQ(count_rows(*reopened, "t"), 1);
}

TEST(Database, RefusesToOpenAMissingFileWithoutCreate) {
  test::TempDir dir;
  auto database = Database::open(dir / "missing.db", OpenMode::read_write);
  ASSERT_FALSE(database);
  EXPECT_EQ(database.error().code, Errc::storage);
  EXPECT_FALSE(std::filesystem::exists(dir / "missing.db"));
}

TEST(Database, ReportsAFileThatIsNotADatabaseWithSqlitesText) {
  test::TempDir dir;
  test::write_file(dir / "junk.db", std::string(4096, 'x'));
  auto database = Database::open(dir / "junk.db");
  ASSERT_TRUE(database); // SQLite reads the header lazily
  auto status = database->exec("SELECT * FROM sqlite_master");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::storage);
  EXPECT_NE(status.error().message.find("not a database"), std::string::npos)
      << status.error().message;
}

TEST(Database, ReadOnlyConnectionRefusesWrites) {
  test::TempDir dir;
  ASSERT_TRUE(Database::open(dir / "r.db")->exec("CREATE TABLE t(x)"));
  auto database = Database::open(dir / "r.db", OpenMode::read_only);
  ASSERT_TRUE(database);
  auto status = database->exec("INSERT INTO t VALUES (1)");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::storage);
  EXPECT_NE(status.error().message.find("readonly"), std::string::npos) << status.error().message;
}

TEST(Database, PrepareReportsSyntaxErrorsAsStorageErrors) {
  auto database = open_memory();
  auto statement = database.prepare("SELEC 1");
  ASSERT_FALSE(statement);
  EXPECT_EQ(statement.error().code, Errc::storage);
  EXPECT_NE(statement.error().message.find("syntax error"), std::string::npos);
}

TEST(Database, PrepareRefusesASecondStatementButAllowsATrailingSemicolon) {
  auto database = open_memory();
  EXPECT_TRUE(database.prepare("SELECT 1;  \n"));
  auto statement = database.prepare("SELECT 1; SELECT 2");
  ASSERT_FALSE(statement);
  EXPECT_EQ(statement.error().code, Errc::invalid_argument);
  auto empty = database.prepare("  ");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, Errc::invalid_argument);
}

TEST(Database, TracksLastInsertRowidAndChanges) {
  auto database = open_memory();
  ASSERT_TRUE(database.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, x INTEGER)"));
  ASSERT_TRUE(database.exec("INSERT INTO t(id, x) VALUES (41, 1), (42, 1), (43, 2)"));
  EXPECT_EQ(database.last_insert_rowid(), 43);
  ASSERT_TRUE(database.exec("UPDATE t SET x = 5 WHERE x = 1"));
  EXPECT_EQ(database.changes(), 2);
}

TEST(Database, KeepsUserVersion) {
  test::TempDir dir;
  {
    auto database = Database::open(dir / "v.db");
    ASSERT_TRUE(database);
    EXPECT_EQ(*database->user_version(), 0);
    ASSERT_TRUE(database->set_user_version(3));
  }
  EXPECT_EQ(*Database::open(dir / "v.db")->user_version(), 3);
}

TEST(Database, EnablesWriteAheadLoggingOnAFile) {
  test::TempDir dir;
  auto database = Database::open(dir / "w.db");
  ASSERT_TRUE(database);
  ASSERT_TRUE(database->enable_wal());
  ASSERT_TRUE(database->set_synchronous(Synchronous::full));
  ASSERT_TRUE(database->set_busy_timeout(std::chrono::milliseconds(100)));
  auto mode = database->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode && *mode->step());
  EXPECT_EQ(mode->column_text(0), "wal");
  auto synchronous = database->prepare("PRAGMA synchronous");
  ASSERT_TRUE(synchronous && *synchronous->step());
  EXPECT_EQ(synchronous->column_int64(0), 2); // FULL
}

TEST(Database, ReportsThatAnInMemoryDatabaseCannotUseWriteAheadLogging) {
  auto database = open_memory();
  auto status = database.enable_wal();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::storage);
}

TEST(Database, MarksAFullDatabaseAsStorageFull) {
  auto database = open_memory();
  ASSERT_TRUE(database.exec("CREATE TABLE t(x BLOB)"));
  // Ten pages cannot hold a megabyte: SQLite answers SQLITE_FULL.
  ASSERT_TRUE(database.exec("PRAGMA max_page_count=10"));
  auto status = database.exec("INSERT INTO t VALUES (zeroblob(1000000))");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::storage);
  EXPECT_TRUE(is_storage_full(status.error())) << status.error().message;
}

TEST(StorageError, OrdinaryErrorsAreNotMarkedFull) {
  EXPECT_FALSE(is_storage_full(storage_error("disk I/O error")));
  EXPECT_FALSE(is_storage_full(make_error(Errc::io_error, "storage full: not storage")));
  EXPECT_TRUE(is_storage_full(storage_full_error("no space left on device")));
}

TEST(Statement, RoundTripsEveryBoundType) {
  auto database = open_memory();
  ASSERT_TRUE(database.exec("CREATE TABLE t(i INTEGER, s TEXT, b BLOB, n BLOB)"));
  auto insert = database.prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
  ASSERT_TRUE(insert);
  Bytes blob{0, 1, 2, 0xff};
  ASSERT_TRUE(insert->bind_int64(1, -4'000'000'000'000LL));
  ASSERT_TRUE(insert->bind_text(2, std::string_view("a\0b", 3)));
  ASSERT_TRUE(insert->bind_blob(3, blob));
  ASSERT_TRUE(insert->bind_null(4));
  ASSERT_TRUE(insert->run());

  auto select = database.prepare("SELECT i, s, b, n FROM t");
  ASSERT_TRUE(select);
  ASSERT_TRUE(*select->step());
  EXPECT_EQ(select->column_count(), 4);
  EXPECT_EQ(select->column_int64(0), -4'000'000'000'000LL);
  EXPECT_EQ(select->column_text(1), std::string("a\0b", 3));
  EXPECT_EQ(select->column_blob(2), blob);
  EXPECT_EQ(select->column_size(2), 4u);
  EXPECT_TRUE(select->column_is_null(3));
  EXPECT_FALSE(select->column_is_null(2));
  EXPECT_TRUE(select->column_blob(3).empty());
  EXPECT_FALSE(*select->step());
}

TEST(Statement, BindsAnEmptyBlobAsAnEmptyBlobNotNull) {
  auto database = open_memory();
  auto select = database.prepare("SELECT typeof(?)");
  ASSERT_TRUE(select);
  ASSERT_TRUE(select->bind_blob(1, ByteView{}));
  ASSERT_TRUE(*select->step());
  EXPECT_EQ(select->column_text(0), "blob");
}

TEST(Statement, RejectsABindIndexOutOfRange) {
  auto database = open_memory();
  auto select = database.prepare("SELECT ?");
  ASSERT_TRUE(select);
  auto status = select->bind_int64(2, 1);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::storage);
}

TEST(Statement, RunsAgainAfterResetWithNewBindings) {
  auto database = open_memory();
  auto select = database.prepare("SELECT ? * 2");
  ASSERT_TRUE(select);
  for (std::int64_t value : {3, 10}) {
    ASSERT_TRUE(select->bind_int64(1, value));
    ASSERT_TRUE(*select->step());
    EXPECT_EQ(select->column_int64(0), value * 2);
    select->reset();
  }
}

TEST(Statement, ReportsAConstraintViolationFromStep) {
  auto database = open_memory();
  ASSERT_TRUE(database.exec("CREATE TABLE t(x TEXT UNIQUE)"));
  auto insert = database.prepare("INSERT INTO t VALUES (?)");
  ASSERT_TRUE(insert);
  ASSERT_TRUE(insert->bind_text(1, "bob"));
  ASSERT_TRUE(insert->run());
  ASSERT_TRUE(insert->bind_text(1, "bob"));
  auto status = insert->run();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::storage);
  EXPECT_NE(status.error().message.find("UNIQUE"), std::string::npos) << status.error().message;
  EXPECT_FALSE(is_storage_full(status.error()));
}

TEST(Transaction, CommitKeepsTheChanges) {
  auto database = open_memory();
  ASSERT_TRUE(database.exec("CREATE TABLE t(x)"));
  auto transaction = Transaction::begin(database);
  ASSERT_TRUE(transaction);
  EXPECT_TRUE(database.in_transaction());
  ASSERT_TRUE(database.exec("INSERT INTO t VALUES (1)"));
  ASSERT_TRUE(transaction->commit());
  EXPECT_FALSE(database.in_transaction());
  EXPECT_EQ(count_rows(database, "t"), 1);
  auto again = transaction->commit();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::internal);
}

TEST(Transaction, RollsBackWhenDestroyedUncommitted) {
  auto database = open_memory();
  ASSERT_TRUE(database.exec("CREATE TABLE t(x)"));
  {
    auto transaction = Transaction::begin(database, TransactionMode::deferred);
    ASSERT_TRUE(transaction);
    ASSERT_TRUE(database.exec("INSERT INTO t VALUES (1)"));
  }
  EXPECT_FALSE(database.in_transaction());
  EXPECT_EQ(count_rows(database, "t"), 0);
}

TEST(Transaction, DoesNotNest) {
  auto database = open_memory();
  auto outer = Transaction::begin(database);
  ASSERT_TRUE(outer);
  auto inner = Transaction::begin(database);
  ASSERT_FALSE(inner);
  EXPECT_EQ(inner.error().code, Errc::storage);
  EXPECT_TRUE(database.in_transaction());
}

TEST(Transaction, MovedFromTransactionDoesNotRollBack) {
  auto database = open_memory();
  ASSERT_TRUE(database.exec("CREATE TABLE t(x)"));
  auto first = Transaction::begin(database);
  ASSERT_TRUE(first);
  {
    Transaction moved(std::move(*first));
    ASSERT_TRUE(database.exec("INSERT INTO t VALUES (1)"));
    ASSERT_TRUE(moved.commit());
  }
  EXPECT_EQ(count_rows(database, "t"), 1);
}

TEST(Transaction, IsInvisibleToAnotherConnectionUntilCommitted) {
  test::TempDir dir;
  auto writer = Database::open(dir / "t.db");
  ASSERT_TRUE(writer && writer->enable_wal());
  ASSERT_TRUE(writer->exec("CREATE TABLE t(x)"));
  auto reader = Database::open(dir / "t.db", OpenMode::read_only);
  ASSERT_TRUE(reader);
  auto transaction = Transaction::begin(*writer);
  ASSERT_TRUE(transaction);
  ASSERT_TRUE(writer->exec("INSERT INTO t VALUES (1)"));
  EXPECT_EQ(count_rows(*reader, "t"), 0);
  ASSERT_TRUE(transaction->commit());
  EXPECT_EQ(count_rows(*reader, "t"), 1);
}
