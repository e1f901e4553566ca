// migrate_store: a SQLite database copied into an empty store of each backend keeps its clients
// and waiting messages; a target with clients is refused.
#include <messageu/store/sqlite_server_store.hpp>
#include <messageu/store/store_migration.hpp>

#include "store_backends.hpp"
#include "store_test_helpers.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::store;
using namespace messageu::store::test;

namespace {

const ClientId k_alice = client_id(1);
const ClientId k_bob = client_id(2);
const ClientId k_carol = client_id(3);

class StoreMigration : public ServerStoreTest {
protected:
  void SetUp() override {
    ServerStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure())
      return;
    auto source = SqliteServerStore::open(m_dir / "old.db");
    ASSERT_TRUE(source) << source.error().message;
    m_source = std::move(*source);
  }

  messageu::test::TempDir m_dir;
  std::unique_ptr<SqliteServerStore> m_source;
};

} // namespace

TEST_P(StoreMigration, CopiesClientsAndWaitingMessages) {
  auto &source = *m_source;
  ASSERT_TRUE(source.add_client(k_carol, "carol", public_key(3)));
  ASSERT_TRUE(source.add_client(k_alice, "alice", public_key(1)));
  ASSERT_TRUE(source.add_client(k_bob, "bob", public_key(2)));
  ASSERT_TRUE(source.set_protected(k_bob));
  insert_one(source, k_bob, k_alice, pattern(10, 1), MessageType::key_request);
  insert_one(source, k_bob, k_carol, pattern(3 * 1024 * 1024 + 5, 2), MessageType::file);
  insert_one(source, k_alice, k_bob, pattern(0, 3));

  auto counts = migrate_store(source, *store);
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->clients, 3u);
  EXPECT_EQ(counts->messages, 3u);
  EXPECT_EQ(counts->content_bytes, 10u + 3 * 1024 * 1024 + 5);

  EXPECT_EQ(*store->list_clients(), *source.list_clients());
  for (const auto &id : {k_alice, k_bob, k_carol}) {
    auto copied = **store->find_client(id);
    auto original = **source.find_client(id);
    copied.last_seen = original.last_seen; // it starts again at the copy
    EXPECT_EQ(copied, original);
  }
  auto for_bob = *store->pending_messages(k_bob);
  ASSERT_EQ(for_bob.size(), 2u);
  EXPECT_EQ(for_bob[0].from, k_alice);
  EXPECT_EQ(for_bob[0].type, MessageType::key_request);
  EXPECT_EQ(read_content(*store, for_bob[0].id), pattern(10, 1));
  EXPECT_EQ(for_bob[1].type, MessageType::file);
  EXPECT_EQ(read_content(*store, for_bob[1].id), pattern(3 * 1024 * 1024 + 5, 2));
  EXPECT_EQ(store->pending_messages(k_alice)->size(), 1u);
}

TEST_P(StoreMigration, RefusesATargetThatHasClients) {
  ASSERT_TRUE(m_source->add_client(k_alice, "alice", public_key(1)));
  ASSERT_TRUE(store->add_client(k_bob, "bob", public_key(2)));
  auto counts = migrate_store(*m_source, *store);
  ASSERT_FALSE(counts);
  EXPECT_EQ(counts.error().code, Errc::invalid_argument);
  EXPECT_EQ(store->list_clients()->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreMigration, ::testing::ValuesIn(store_backends()),
                         backend_name);
