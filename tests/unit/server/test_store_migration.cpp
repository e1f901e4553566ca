// The copy of one store into another (--migrate-from): clients in order with their keys and
// protection, every waiting message with its content (inline and spooled sizes), and the
// refusal of a target that holds clients.
#include "core/store_migration.hpp"

#include <messageu/store/sqlite_server_store.hpp>

#include "unit/store/store_test_helpers.hpp"

#include <gtest/gtest.h>

namespace messageu::server::test {
namespace {

using store::test::client_id;
using store::test::pattern;
using store::test::public_key;

std::unique_ptr<store::SqliteServerStore> memory_store() {
  auto opened = store::SqliteServerStore::open_in_memory();
  EXPECT_TRUE(opened) << opened.error().message;
  return std::move(opened).value();
}

Bytes read_all(store::ServerStore &store, MessageId id) {
  auto source = store.open_content(id);
  EXPECT_TRUE(source) << source.error().message;
  Bytes content, buffer(4096);
  while (auto count = (*source)->read(buffer)) {
    if (*count == 0)
      break;
    content.insert(content.end(), buffer.begin(),
                   buffer.begin() + static_cast<std::ptrdiff_t>(*count));
  }
  return content;
}

void store_message(store::ServerStore &store, const ClientId &to, const ClientId &from,
                   MessageType type, ByteView content) {
  std::vector<store::NewMessage> messages;
  messages.push_back({to, from, type, store::test::stage(store, content)});
  ASSERT_TRUE(store.insert_messages(messages));
}

TEST(StoreMigration, CopiesClientsInOrderWithKeysAndProtection) {
  auto from = memory_store();
  auto to = memory_store();
  ASSERT_TRUE(from->add_client(client_id(3), "carol", public_key(3)));
  ASSERT_TRUE(from->add_client(client_id(1), "alice", public_key(1)));
  ASSERT_TRUE(from->set_protected(client_id(1)));
  auto copied = migrate_store(*from, *to);
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_EQ(copied->clients, 2u);
  EXPECT_EQ(*to->list_clients(), *from->list_clients());
  auto alice = *to->find_client(client_id(1));
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->public_key, public_key(1));
  EXPECT_TRUE(alice->is_protected);
  EXPECT_FALSE((*to->find_client(client_id(3)))->is_protected);
  EXPECT_TRUE(to->snapshot()->find(client_id(3))); // published like any registration
}

TEST(StoreMigration, CopiesEveryWaitingMessageWithItsContentInEachRecipientsOrder) {
  auto from = memory_store();
  auto to = memory_store();
  ASSERT_TRUE(from->add_client(client_id(1), "alice", public_key(1)));
  ASSERT_TRUE(from->add_client(client_id(2), "bob", public_key(2)));
  // Small contents stay in the row, large ones in spool files: both kinds are copied.
  auto large = pattern(store::SqliteServerStore::k_inline_content_limit * 3 + 7, 9);
  store_message(*from, client_id(2), client_id(1), MessageType::text, as_bytes(std::string("hi")));
  store_message(*from, client_id(2), client_id(1), MessageType::file, large);
  store_message(*from, client_id(1), client_id(2), MessageType::symmetric_key, pattern(128, 4));
  auto copied = migrate_store(*from, *to);
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_EQ(copied->messages, 3u);
  EXPECT_EQ(copied->content_bytes, 2 + large.size() + 128);

  auto for_bob = *to->pending_messages(client_id(2));
  ASSERT_EQ(for_bob.size(), 2u);
  EXPECT_EQ(for_bob[0].from, client_id(1));
  EXPECT_EQ(for_bob[0].type, MessageType::text);
  EXPECT_EQ(read_all(*to, for_bob[0].id), to_bytes("hi"));
  EXPECT_EQ(for_bob[1].type, MessageType::file);
  EXPECT_EQ(read_all(*to, for_bob[1].id), large);
  auto for_alice = *to->pending_messages(client_id(1));
  ASSERT_EQ(for_alice.size(), 1u);
  EXPECT_EQ(for_alice[0].type, MessageType::symmetric_key);
  EXPECT_EQ(read_all(*to, for_alice[0].id), pattern(128, 4));
  EXPECT_TRUE(to->snapshot()->find(client_id(2))->has_messages);
  // The source is left as it was.
  EXPECT_EQ(from->pending_messages(client_id(2))->size(), 2u);
}

TEST(StoreMigration, RefusesATargetThatHoldsClientsAndWritesNothing) {
  auto from = memory_store();
  auto to = memory_store();
  ASSERT_TRUE(from->add_client(client_id(1), "alice", public_key(1)));
  ASSERT_TRUE(to->add_client(client_id(9), "zed", public_key(9)));
  auto copied = migrate_store(*from, *to);
  ASSERT_FALSE(copied);
  EXPECT_EQ(copied.error().code, Errc::invalid_argument);
  EXPECT_EQ(to->list_clients()->size(), 1u);
  EXPECT_FALSE(*to->find_client(client_id(1)));
}

TEST(StoreMigration, CopiesAnEmptyStoreAsNothing) {
  auto from = memory_store();
  auto to = memory_store();
  auto copied = migrate_store(*from, *to);
  ASSERT_TRUE(copied);
  EXPECT_EQ(copied->clients, 0u);
  EXPECT_EQ(copied->messages, 0u);
}

} // namespace
} // namespace messageu::server::test
