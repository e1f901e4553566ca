// SqliteServerStore, clients: register, find, list, name uniqueness, LastSeen, protection.
#include <messageu/sqlite/sqlite.hpp>
#include <messageu/store/sqlite_server_store.hpp>

#include "store_test_helpers.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::store;
using namespace messageu::sqlite;
using messageu::store::test::client_id;
using messageu::store::test::public_key;

namespace {

std::unique_ptr<SqliteServerStore> memory_store() {
  auto store = SqliteServerStore::open_in_memory();
  EXPECT_TRUE(store) << store.error().message;
  return std::move(store).value();
}

std::unique_ptr<SqliteServerStore> file_store(const std::filesystem::path &path) {
  auto store = SqliteServerStore::open(path);
  EXPECT_TRUE(store) << store.error().message;
  return std::move(store).value();
}

} // namespace

TEST(SqliteServerStoreClients, RegistersAndFindsAClient) {
  auto store = memory_store();
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(7)));
  auto found = store->find_client(client_id(1));
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  const auto &record = **found;
  EXPECT_EQ(record.id, client_id(1));
  EXPECT_EQ(record.name, "alice");
  EXPECT_EQ(record.public_key, public_key(7));
  EXPECT_FALSE(record.is_protected);
  EXPECT_EQ(record.last_seen.size(), std::string("2025-01-01 00:00:00.000").size())
      << record.last_seen;
}

TEST(SqliteServerStoreClients, FindsNothingForAnUnknownId) {
  auto store = memory_store();
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  auto found = store->find_client(client_id(2));
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());
}

TEST(SqliteServerStoreClients, RefusesANameAlreadyRegistered) {
  auto store = memory_store();
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  auto status = store->add_client(client_id(2), "alice", public_key(2));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::name_taken);
  EXPECT_FALSE(store->find_client(client_id(2))->has_value());
  EXPECT_EQ(store->list_clients()->size(), 1u);
}

TEST(SqliteServerStoreClients, FindsANameThatDiffersOnlyByAsciiCase) {
  auto store = memory_store();
  ASSERT_TRUE(store->add_client(client_id(1), "Alice Smith", public_key(1)));
  EXPECT_TRUE(*store->name_in_use_ignoring_case("Alice Smith"));
  EXPECT_TRUE(*store->name_in_use_ignoring_case("alice smith"));
  EXPECT_TRUE(*store->name_in_use_ignoring_case("ALICE SMITH"));
  EXPECT_FALSE(*store->name_in_use_ignoring_case("Alice Smith2"));
  EXPECT_FALSE(*store->name_in_use_ignoring_case("Alice_Smith"));
  EXPECT_FALSE(*store->name_in_use_ignoring_case("Alice"));
  EXPECT_FALSE(*store->name_in_use_ignoring_case("Alice Smith "));
}

TEST(SqliteServerStoreClients, ComparesNamesExactly) {
  auto store = memory_store();
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  EXPECT_TRUE(store->add_client(client_id(2), "Alice", public_key(2)));
  EXPECT_TRUE(store->add_client(client_id(3), "alice2", public_key(3)));
}

TEST(SqliteServerStoreClients, RefusesAnIdAlreadyRegistered) {
  auto store = memory_store();
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  auto status = store->add_client(client_id(1), "bob", public_key(2));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::invalid_argument);
  EXPECT_EQ((*store->find_client(client_id(1)))->name, "alice");
}

TEST(SqliteServerStoreClients, ListsClientsInRegistrationOrder) {
  auto store = memory_store();
  EXPECT_TRUE(store->list_clients()->empty());
  ASSERT_TRUE(store->add_client(client_id(9), "carol", public_key(1)));
  ASSERT_TRUE(store->add_client(client_id(3), "alice", public_key(2)));
  ASSERT_TRUE(store->add_client(client_id(5), "bob", public_key(3)));
  auto clients = store->list_clients();
  ASSERT_TRUE(clients);
  EXPECT_EQ(*clients,
            (std::vector<ClientSummary>{
                {client_id(9), "carol"}, {client_id(3), "alice"}, {client_id(5), "bob"}}));
}

TEST(SqliteServerStoreClients, TouchSetsLastSeenToNow) {
  messageu::test::TempDir dir;
  auto store = file_store(dir / "s.db");
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  // Backdate LastSeen through a second connection, as if the client was last seen long ago.
  auto other = Database::open(dir / "s.db");
  ASSERT_TRUE(other && other->exec("UPDATE clients SET LastSeen = '2000-01-01 00:00:00.000'"));
  ASSERT_EQ((*store->find_client(client_id(1)))->last_seen, "2000-01-01 00:00:00.000");
  ASSERT_TRUE(store->touch(client_id(1)));
  EXPECT_GT((*store->find_client(client_id(1)))->last_seen, "2020");
}

TEST(SqliteServerStoreClients, TouchNeverMovesLastSeenBack) {
  auto store = memory_store();
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(store->touch(client_id(1), now));
  auto seen = (*store->find_client(client_id(1)))->last_seen;
  ASSERT_TRUE(store->touch(client_id(1), now - std::chrono::hours(24)));
  EXPECT_EQ((*store->find_client(client_id(1)))->last_seen, seen);
  ASSERT_TRUE(store->flush_touches());
  EXPECT_EQ((*store->find_client(client_id(1)))->last_seen, seen);
}

TEST(SqliteServerStoreClients, TouchOfAnUnknownIdIsAnUnknownUser) {
  auto store = memory_store();
  auto status = store->touch(client_id(4));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::unknown_user);
}

TEST(SqliteServerStoreClients, MarksAClientProtected) {
  auto store = memory_store();
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  ASSERT_TRUE(store->add_client(client_id(2), "bob", public_key(2)));
  ASSERT_TRUE(store->set_protected(client_id(1)));
  ASSERT_TRUE(store->set_protected(client_id(1))); // idempotent
  EXPECT_TRUE((*store->find_client(client_id(1)))->is_protected);
  EXPECT_FALSE((*store->find_client(client_id(2)))->is_protected);
}

TEST(SqliteServerStoreClients, ProtectingAnUnknownIdIsAnUnknownUser) {
  auto store = memory_store();
  auto status = store->set_protected(client_id(4));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::unknown_user);
}

TEST(SqliteServerStoreClients, KeepsClientsProtectionAndLastSeenAcrossReopen) {
  messageu::test::TempDir dir;
  std::string last_seen;
  {
    auto store = file_store(dir / "s.db");
    ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
    ASSERT_TRUE(store->add_client(client_id(2), "bob", public_key(2)));
    ASSERT_TRUE(store->set_protected(client_id(2)));
    ASSERT_TRUE(store->touch(client_id(1)));
    last_seen = (*store->find_client(client_id(1)))->last_seen;
  }
  auto store = file_store(dir / "s.db");
  auto alice = *store->find_client(client_id(1));
  auto bob = *store->find_client(client_id(2));
  ASSERT_TRUE(alice && bob);
  EXPECT_EQ(alice->last_seen, last_seen);
  EXPECT_EQ(alice->public_key, public_key(1));
  EXPECT_FALSE(alice->is_protected);
  EXPECT_TRUE(bob->is_protected);
  EXPECT_EQ(store->list_clients()->size(), 2u);
  EXPECT_EQ(store->add_client(client_id(3), "bob", public_key(3)).error().code, Errc::name_taken);
}

TEST(SqliteServerStoreClients, FlushTouchesWritesLastSeenForOtherConnections) {
  messageu::test::TempDir dir;
  auto store = file_store(dir / "s.db");
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  auto other = Database::open(dir / "s.db");
  ASSERT_TRUE(other && other->exec("UPDATE clients SET LastSeen = '2000-01-01 00:00:00.000'"));
  ASSERT_TRUE(store->touch(client_id(1)));
  ASSERT_TRUE(store->flush_touches());
  auto statement = other->prepare("SELECT LastSeen FROM clients");
  ASSERT_TRUE(statement);
  auto row = statement->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(statement->column_text(0), (*store->find_client(client_id(1)))->last_seen);
  EXPECT_GT(statement->column_text(0), "2020");
}

TEST(SqliteServerStoreClients, ListsAClientRegisteredAfterAnEarlierList) {
  auto store = memory_store();
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  ASSERT_EQ(store->list_clients()->size(), 1u);
  ASSERT_TRUE(store->add_client(client_id(2), "bob", public_key(2)));
  EXPECT_EQ(*store->list_clients(),
            (std::vector<ClientSummary>{{client_id(1), "alice"}, {client_id(2), "bob"}}));
}

TEST(SqliteServerStoreClients, FindsTheProtectionSetAfterAnEarlierFind) {
  auto store = memory_store();
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  ASSERT_FALSE((*store->find_client(client_id(1)))->is_protected);
  ASSERT_TRUE(store->set_protected(client_id(1)));
  EXPECT_TRUE((*store->find_client(client_id(1)))->is_protected);
}
