// The server store, clients, on each backend: register, find, list, name uniqueness, LastSeen,
// protection. (SQLite's in-memory LastSeen: the SqliteServerStoreClients tests.)
#include <messageu/sqlite/sqlite.hpp>
#include <messageu/store/sqlite_server_store.hpp>

#include "store_backends.hpp"
#include "store_test_helpers.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::store;
using namespace messageu::sqlite;
using namespace messageu::store::test;

namespace {

class ServerStoreClients : public ServerStoreTest {};

std::unique_ptr<SqliteServerStore> file_store(const std::filesystem::path &path) {
  auto store = SqliteServerStore::open(path);
  EXPECT_TRUE(store) << store.error().message;
  return std::move(store).value();
}

} // namespace

TEST_P(ServerStoreClients, RegistersAndFindsAClient) {
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

TEST_P(ServerStoreClients, FindsNothingForAnUnknownId) {
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  auto found = store->find_client(client_id(2));
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());
}

TEST_P(ServerStoreClients, RefusesANameAlreadyRegistered) {
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  auto status = store->add_client(client_id(2), "alice", public_key(2));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::name_taken);
  EXPECT_FALSE(store->find_client(client_id(2))->has_value());
  EXPECT_EQ(store->list_clients()->size(), 1u);
}

TEST_P(ServerStoreClients, FindsANameThatDiffersOnlyByAsciiCase) {
  ASSERT_TRUE(store->add_client(client_id(1), "Alice Smith", public_key(1)));
  EXPECT_TRUE(*store->name_in_use_ignoring_case("Alice Smith"));
  EXPECT_TRUE(*store->name_in_use_ignoring_case("alice smith"));
  EXPECT_TRUE(*store->name_in_use_ignoring_case("ALICE SMITH"));
  EXPECT_FALSE(*store->name_in_use_ignoring_case("Alice Smith2"));
  EXPECT_FALSE(*store->name_in_use_ignoring_case("Alice_Smith"));
  EXPECT_FALSE(*store->name_in_use_ignoring_case("Alice"));
  EXPECT_FALSE(*store->name_in_use_ignoring_case("Alice Smith "));
}

TEST_P(ServerStoreClients, ComparesNamesExactly) {
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  EXPECT_TRUE(store->add_client(client_id(2), "Alice", public_key(2)));
  EXPECT_TRUE(store->add_client(client_id(3), "alice2", public_key(3)));
}

TEST_P(ServerStoreClients, RefusesAnIdAlreadyRegistered) {
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  auto status = store->add_client(client_id(1), "bob", public_key(2));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::invalid_argument);
  EXPECT_EQ((*store->find_client(client_id(1)))->name, "alice");
}

TEST_P(ServerStoreClients, ListsClientsInRegistrationOrder) {
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

TEST_P(ServerStoreClients, TouchSetsLastSeenToNow) {
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  // Backdate LastSeen through a second connection, as if the client was last seen long ago.
  backend().backdate_last_seen();
  ASSERT_EQ((*store->find_client(client_id(1)))->last_seen, "2000-01-01 00:00:00.000");
  ASSERT_TRUE(store->touch(client_id(1)));
  EXPECT_GT((*store->find_client(client_id(1)))->last_seen, "2020");
}

TEST_P(ServerStoreClients, TouchNeverMovesLastSeenBack) {
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(store->touch(client_id(1), now));
  auto seen = (*store->find_client(client_id(1)))->last_seen;
  ASSERT_TRUE(store->touch(client_id(1), now - std::chrono::hours(24)));
  EXPECT_EQ((*store->find_client(client_id(1)))->last_seen, seen);
  backend().flush(*store);
  EXPECT_EQ((*store->find_client(client_id(1)))->last_seen, seen);
}

TEST_P(ServerStoreClients, TouchOfAnUnknownIdIsAnUnknownUser) {
  auto status = store->touch(client_id(4));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::unknown_user);
}

TEST_P(ServerStoreClients, MarksAClientProtected) {
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  ASSERT_TRUE(store->add_client(client_id(2), "bob", public_key(2)));
  ASSERT_TRUE(store->set_protected(client_id(1)));
  ASSERT_TRUE(store->set_protected(client_id(1))); // idempotent
  EXPECT_TRUE((*store->find_client(client_id(1)))->is_protected);
  EXPECT_FALSE((*store->find_client(client_id(2)))->is_protected);
}

TEST_P(ServerStoreClients, ProtectingAnUnknownIdIsAnUnknownUser) {
  auto status = store->set_protected(client_id(4));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::unknown_user);
}

TEST_P(ServerStoreClients, KeepsClientsProtectionAndLastSeenAcrossReopen) {
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  ASSERT_TRUE(store->add_client(client_id(2), "bob", public_key(2)));
  ASSERT_TRUE(store->set_protected(client_id(2)));
  ASSERT_TRUE(store->touch(client_id(1)));
  auto last_seen = (*store->find_client(client_id(1)))->last_seen;
  reopen();
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

TEST_P(ServerStoreClients, ListsAClientRegisteredAfterAnEarlierList) {
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  ASSERT_EQ(store->list_clients()->size(), 1u);
  ASSERT_TRUE(store->add_client(client_id(2), "bob", public_key(2)));
  EXPECT_EQ(*store->list_clients(),
            (std::vector<ClientSummary>{{client_id(1), "alice"}, {client_id(2), "bob"}}));
}

TEST_P(ServerStoreClients, FindsTheProtectionSetAfterAnEarlierFind) {
  ASSERT_TRUE(store->add_client(client_id(1), "alice", public_key(1)));
  ASSERT_FALSE((*store->find_client(client_id(1)))->is_protected);
  ASSERT_TRUE(store->set_protected(client_id(1)));
  EXPECT_TRUE((*store->find_client(client_id(1)))->is_protected);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServerStoreClients, ::testing::ValuesIn(store_backends()),
                         backend_name);
