// SqliteServerStore on disk: schema and pragmas, reopening, id counter persistence and
// wrap-around, orphan content files, exclusive opening, and reclaim of deleted storage.
#include <messageu/sqlite/sqlite.hpp>
#include <messageu/store/sqlite_server_store.hpp>

#include "store_test_helpers.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::store;
using namespace messageu::sqlite;
using namespace messageu::store::test;

namespace {

std::unique_ptr<SqliteServerStore> file_store(const std::filesystem::path &path) {
  auto store = SqliteServerStore::open(path);
  EXPECT_TRUE(store) << store.error().message;
  return std::move(store).value();
}

Database connect(const std::filesystem::path &path) {
  auto database = Database::open(path, OpenMode::read_write);
  EXPECT_TRUE(database) << database.error().message;
  return std::move(database).value();
}

std::int64_t query(Database &database, std::string_view sql) {
  auto statement = database.prepare(sql);
  EXPECT_TRUE(statement) << statement.error().message;
  auto row = statement->step();
  EXPECT_TRUE(row && *row) << sql;
  return statement->column_int64(0);
}

std::string query_text(Database &database, std::string_view sql) {
  auto statement = database.prepare(sql);
  EXPECT_TRUE(statement && *statement->step()) << sql;
  return statement->column_text(0);
}

const ClientId k_alice = client_id(1);
const ClientId k_bob = client_id(2);
const ClientId k_carol = client_id(3);

} // namespace

TEST(SqliteServerStoreFiles, CreatesTheProtocolTablesInWriteAheadLogMode) {
  messageu::test::TempDir dir;
  auto store = file_store(dir / "defensive.db");
  auto database = connect(dir / "defensive.db");
  EXPECT_EQ(*database.user_version(), 2);
  EXPECT_EQ(query_text(database, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query(database, "PRAGMA auto_vacuum"), 2); // incremental
  // The column names PROTOCOL.md §8 gives, selectable as they are.
  EXPECT_TRUE(database.prepare("SELECT ID, UserName, PublicKey, LastSeen FROM clients"));
  EXPECT_TRUE(database.prepare("SELECT ID, ToClient, FromClient, Type, Content FROM messages"));
  // Messages have no index by recipient: the store keeps that one in memory.
  EXPECT_EQ(query_text(database, "SELECT group_concat(name) FROM sqlite_master WHERE type = "
                                 "'index' AND name NOT LIKE 'sqlite_autoindex%'"),
            "clients_by_name,clients_by_folded_name");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "defensive.db.spool"));
}

TEST(SqliteServerStoreFiles, LooksUpNamesIgnoringCaseThroughAnIndex) {
  messageu::test::TempDir dir;
  auto store = file_store(dir / "s.db");
  auto database = connect(dir / "s.db");
  auto plan = database.prepare("EXPLAIN QUERY PLAN SELECT 1 FROM clients WHERE UserName = 'bob' "
                               "COLLATE NOCASE LIMIT 1");
  ASSERT_TRUE(plan && *plan->step());
  auto detail = plan->column_text(3); // id, parent, notused, detail
  EXPECT_NE(detail.find("SEARCH clients USING COVERING INDEX clients_by_folded_name"),
            std::string::npos)
      << detail;
}

TEST(SqliteServerStoreFiles, OpensADatabaseWhoseNamesDifferOnlyByCase) {
  messageu::test::TempDir dir;
  {
    // Registered before look-alike names were refused, by a server without the index.
    auto store = file_store(dir / "s.db");
    ASSERT_TRUE(store->add_client(k_alice, "bob", public_key(1)));
    ASSERT_TRUE(store->add_client(k_bob, "Bob", public_key(2)));
    auto database = connect(dir / "s.db");
    ASSERT_TRUE(database.exec("DROP INDEX clients_by_folded_name"));
  }
  auto store = file_store(dir / "s.db");
  EXPECT_EQ((*store->find_client(k_alice))->name, "bob");
  EXPECT_EQ((*store->find_client(k_bob))->name, "Bob");
  EXPECT_TRUE(*store->name_in_use_ignoring_case("BOB"));
  auto database = connect(dir / "s.db");
  EXPECT_EQ(query(database, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                            "'clients_by_folded_name'"),
            1);
}

TEST(SqliteServerStoreFiles, KeepsEverythingAcrossReopen) {
  messageu::test::TempDir dir;
  auto small = pattern(300, 1);
  auto large = pattern(3 * 1024 * 1024, 2);
  MessageId small_id = 0;
  MessageId large_id = 0;
  {
    auto store = file_store(dir / "s.db");
    ASSERT_TRUE(store->add_client(k_alice, "alice", public_key(1)));
    ASSERT_TRUE(store->add_client(k_bob, "bob", public_key(2)));
    small_id = insert_one(*store, k_bob, k_alice, small);
    large_id = insert_one(*store, k_bob, k_alice, large, MessageType::file);
  }
  auto store = file_store(dir / "s.db");
  EXPECT_EQ(store->list_clients()->size(), 2u);
  EXPECT_EQ(*store->pending_messages(k_bob),
            (std::vector<StoredMessage>{{small_id, k_alice, MessageType::text, small.size()},
                                        {large_id, k_alice, MessageType::file, large.size()}}));
  EXPECT_EQ(*store->pending_totals(k_bob), (PendingTotals{2, small.size() + large.size()}));
  EXPECT_EQ(store->pending_totals(k_bob, k_alice)->from_sender,
            (PendingTotals{2, small.size() + large.size()}));
  EXPECT_EQ(read_content(*store, small_id), small);
  EXPECT_EQ(read_content(*store, large_id), large);
  EXPECT_GT(insert_one(*store, k_bob, k_alice, small), large_id);
}

TEST(SqliteServerStoreFiles, UpgradesAVersionOneDatabaseKeepingItsMessages) {
  messageu::test::TempDir dir;
  std::vector<StoredMessage> for_bob;
  {
    auto store = file_store(dir / "s.db");
    insert_one(*store, k_carol, k_alice, pattern(10, 1));
    insert_one(*store, k_bob, k_alice, pattern(20, 2));
    insert_one(*store, k_bob, k_carol, pattern(30, 3), MessageType::file);
    for_bob = *store->pending_messages(k_bob);
  }
  {
    // Version 1 indexed messages by recipient.
    auto database = connect(dir / "s.db");
    ASSERT_TRUE(database.exec("CREATE INDEX messages_by_recipient ON messages (ToClient, Seq)"));
    ASSERT_TRUE(database.set_user_version(1));
  }
  auto store = file_store(dir / "s.db");
  EXPECT_EQ(*store->pending_messages(k_bob), for_bob);
  EXPECT_EQ(*store->pending_totals(k_carol), (PendingTotals{1, 10}));
  auto database = connect(dir / "s.db");
  EXPECT_EQ(*database.user_version(), 2);
  EXPECT_EQ(query(database, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                            "'messages_by_recipient'"),
            0);
}

TEST(SqliteServerStoreFiles, WritesTheIdCounterAheadSoThatFewCommitsWriteIt) {
  messageu::test::TempDir dir;
  MessageId last = 0;
  {
    auto store = file_store(dir / "s.db");
    auto database = connect(dir / "s.db");
    auto counter = [&] {
      return query(database, "SELECT Value FROM store_state WHERE Name = 'last_message_id'");
    };
    EXPECT_EQ(insert_one(*store, k_bob, k_alice, pattern(1)), 1u);
    auto after_first = counter();
    EXPECT_GT(after_first, 1);
    for (int i = 0; i < 5; ++i)
      last = insert_one(*store, k_bob, k_alice, pattern(1));
    EXPECT_EQ(last, 6u);
    EXPECT_EQ(counter(), after_first); // five commits, none of them wrote it
  }
  // Reopened, the store continues after the counter: no id it may have handed out comes again.
  auto store = file_store(dir / "s.db");
  EXPECT_GT(insert_one(*store, k_bob, k_alice, pattern(1)), last);
}

TEST(SqliteServerStoreFiles, ContinuesMessageIdsAfterReopenEvenWhenAllWereDeleted) {
  messageu::test::TempDir dir;
  MessageId last = 0;
  {
    auto store = file_store(dir / "s.db");
    for (int i = 0; i < 3; ++i)
      last = insert_one(*store, k_bob, k_alice, pattern(1));
    std::vector<MessageId> ids{1, 2, 3};
    ASSERT_EQ(*store->delete_messages(k_bob, ids), 3u);
  }
  auto store = file_store(dir / "s.db");
  EXPECT_GT(insert_one(*store, k_bob, k_alice, pattern(1)), last);
}

TEST(SqliteServerStoreFiles, WrapsMessageIdsSkippingHeldOnesAndKeepsStoredOrder) {
  messageu::test::TempDir dir;
  MessageId held = 0;
  {
    auto store = file_store(dir / "s.db");
    held = insert_one(*store, k_bob, k_alice, pattern(1));
    ASSERT_EQ(held, 1u);
  }
  {
    // As if four billion messages had come and gone since.
    auto database = connect(dir / "s.db");
    ASSERT_TRUE(
        database.exec("UPDATE store_state SET Value = 4294967294 WHERE Name = 'last_message_id'"));
  }
  auto store = file_store(dir / "s.db");
  std::vector<NewMessage> batch;
  batch.push_back(message(*store, k_bob, k_alice, pattern(2)));
  batch.push_back(message(*store, k_bob, k_alice, pattern(3)));
  auto ids = store->insert_messages(batch);
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(*ids, (std::vector<MessageId>{0xFFFF'FFFFu, 2u}));
  std::vector<MessageId> order;
  auto pending = store->pending_messages(k_bob);
  ASSERT_TRUE(pending);
  for (const auto &message : *pending)
    order.push_back(message.id);
  EXPECT_EQ(order, (std::vector<MessageId>{1u, 0xFFFF'FFFFu, 2u}));
}

TEST(SqliteServerStoreFiles, RemovesOrphanContentFilesAtOpen) {
  messageu::test::TempDir dir;
  auto content = pattern(100'000);
  MessageId id = 0;
  {
    auto store = file_store(dir / "s.db");
    id = insert_one(*store, k_bob, k_alice, content);
  }
  // A crash between writing a content and inserting its row leaves a file no row names.
  auto files = SqliteServerStore::content_directory_for(dir / "s.db");
  messageu::test::write_file(files / "content-crash1", std::string(70'000, 'x'));
  auto store = file_store(dir / "s.db");
  EXPECT_FALSE(std::filesystem::exists(files / "content-crash1"));
  EXPECT_EQ(read_content(*store, id), content);
}

TEST(SqliteServerStoreFiles, RefusesASecondOpenOfTheSameDatabase) {
  messageu::test::TempDir dir;
  auto store = file_store(dir / "s.db");
  auto second = SqliteServerStore::open(dir / "s.db");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::unavailable);
}

TEST(SqliteServerStoreFiles, RefusesADatabaseOfAnotherApplication) {
  messageu::test::TempDir dir;
  ASSERT_TRUE(Database::open(dir / "other.db")->exec("CREATE TABLE clients(x)"));
  auto store = SqliteServerStore::open(dir / "other.db");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::storage);
}

TEST(SqliteServerStoreFiles, RefusesAnUnknownSchemaVersion) {
  messageu::test::TempDir dir;
  { file_store(dir / "s.db"); }
  ASSERT_TRUE(connect(dir / "s.db").set_user_version(3));
  auto store = SqliteServerStore::open(dir / "s.db");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::storage);
}

TEST(SqliteServerStoreFiles, ReportsAFileThatIsNotADatabase) {
  messageu::test::TempDir dir;
  messageu::test::write_file(dir / "junk.db", std::string(8192, 'j'));
  auto store = SqliteServerStore::open(dir / "junk.db");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::storage);
}

TEST(SqliteServerStoreFiles, GivesDeletedPagesBackToTheFileSystem) {
  messageu::test::TempDir dir;
  auto store = file_store(dir / "s.db");
  std::vector<NewMessage> batch;
  for (int i = 0; i < 64; ++i)
    batch.push_back(message(*store, k_bob, k_alice, pattern(60'000, i)));
  auto ids = store->insert_messages(batch);
  ASSERT_TRUE(ids);
  auto database = connect(dir / "s.db");
  auto pages_full = query(database, "PRAGMA page_count");
  ASSERT_EQ(*store->delete_messages(k_bob, *ids), 64u);
  EXPECT_LT(query(database, "PRAGMA freelist_count"), 256);
  EXPECT_LT(query(database, "PRAGMA page_count"), pages_full / 4);
}

TEST(SqliteServerStoreFiles, InMemoryStoreRemovesItsContentDirectory) {
  std::filesystem::path files;
  {
    auto store = SqliteServerStore::open_in_memory();
    ASSERT_TRUE(store);
    files = (*store)->content_directory();
    insert_one(**store, k_bob, k_alice, pattern(100'000));
    EXPECT_TRUE(std::filesystem::is_directory(files));
  }
  EXPECT_FALSE(std::filesystem::exists(files));
}
