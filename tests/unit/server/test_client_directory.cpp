// The network thread's copy of the clients (ClientDirectory): loaded from the store, kept by
// its writers, and the user list it encodes.
#include "core/client_directory.hpp"

#include <messageu/protocol/messages.hpp>
#include <messageu/store/sqlite_server_store.hpp>

#include "unit/store/store_test_helpers.hpp"

#include <gtest/gtest.h>

namespace messageu::server::test {
namespace {

using store::test::client_id;
using store::test::public_key;

// A distinct id for each of thousands of clients.
ClientId numbered_id(int number) {
  ClientId id{};
  id[0] = static_cast<Byte>(number & 0xFF);
  id[1] = static_cast<Byte>(number >> 8);
  id[15] = 0x77;
  return id;
}

std::vector<ClientId> listed_ids(const SharedPayload &payload) {
  auto users = protocol::decode_user_list(payload.flatten());
  EXPECT_TRUE(users) << users.error().message;
  std::vector<ClientId> ids;
  for (const auto &user : users.value_or(std::vector<protocol::UserEntry>{}))
    ids.push_back(user.id);
  return ids;
}

TEST(ClientDirectory, LoadsEveryClientWithItsKeyProtectionAndWaitingMessages) {
  auto store = store::SqliteServerStore::open_in_memory();
  ASSERT_TRUE(store);
  auto &s = **store;
  ASSERT_TRUE(s.add_client(client_id(1), "alice", public_key(1)));
  ASSERT_TRUE(s.add_client(client_id(2), "bob", public_key(2)));
  ASSERT_TRUE(s.set_protected(client_id(2)));
  std::vector<store::NewMessage> messages;
  messages.push_back({client_id(1), client_id(2), MessageType::text,
                      store::test::stage(s, as_bytes(std::string("abc")))});
  ASSERT_TRUE(s.insert_messages(messages));

  ClientDirectory directory;
  ASSERT_TRUE(directory.load(s));
  EXPECT_EQ(directory.size(), 2u);
  auto alice = directory.find(client_id(1));
  auto bob = directory.find(client_id(2));
  ASSERT_TRUE(alice && bob);
  EXPECT_EQ(alice->public_key, public_key(1));
  EXPECT_FALSE(alice->is_protected);
  EXPECT_TRUE(alice->may_have_messages);
  EXPECT_TRUE(bob->is_protected);
  EXPECT_FALSE(bob->may_have_messages);
  EXPECT_FALSE(directory.find(client_id(3)));
}

TEST(ClientDirectory, ListsEveryoneButTheRequesterInRegistrationOrder) {
  ClientDirectory directory;
  directory.add(client_id(3), "carol", public_key(3));
  directory.add(client_id(1), "alice", public_key(1));
  directory.add(client_id(2), "bob", public_key(2));
  auto for_alice = directory.user_list_for(client_id(1));
  ASSERT_TRUE(for_alice);
  EXPECT_EQ(listed_ids(*for_alice), (std::vector{client_id(3), client_id(2)}));
  EXPECT_EQ(listed_ids(*directory.user_list_for(client_id(3))),
            (std::vector{client_id(1), client_id(2)}));
  EXPECT_EQ(listed_ids(*directory.user_list_for(client_id(2))),
            (std::vector{client_id(3), client_id(1)}));
  EXPECT_FALSE(directory.user_list_for(client_id(9))); // unknown requester
}

TEST(ClientDirectory, EncodesNamesAsTheProtocolDoes) {
  ClientDirectory directory;
  directory.add(client_id(1), "alice", public_key(1));
  directory.add(client_id(2), "bob", public_key(2));
  std::vector<protocol::UserEntry> expected{{client_id(2), "bob"}};
  EXPECT_EQ(directory.user_list_for(client_id(1))->flatten(), protocol::encode_user_list(expected));
}

TEST(ClientDirectory, ListsThousandsAcrossBlocksSkippingTheRequesterAnywhere) {
  ClientDirectory directory;
  constexpr int k_clients = 3 * UserListBuilder::k_block_entries + 10;
  for (int i = 0; i < k_clients; ++i)
    directory.add(numbered_id(i), "user " + std::to_string(i), public_key(1));
  // The first, the last of a block, the first of the next, and the very last.
  for (int requester : {0, 255, 256, 511, k_clients - 1}) {
    auto list = directory.user_list_for(numbered_id(requester));
    ASSERT_TRUE(list);
    auto ids = listed_ids(*list);
    ASSERT_EQ(ids.size(), std::size_t(k_clients - 1)) << requester;
    EXPECT_EQ(list->size, ids.size() * protocol::k_user_entry_size);
    std::vector<ClientId> expected;
    for (int i = 0; i < k_clients; ++i)
      if (i != requester)
        expected.push_back(numbered_id(i));
    EXPECT_EQ(ids, expected) << requester;
  }
}

TEST(ClientDirectory, ListAnswersShareOneCopyUntilTheNextRegistration) {
  ClientDirectory directory;
  directory.add(client_id(1), "alice", public_key(1));
  directory.add(client_id(2), "bob", public_key(2));
  auto for_alice = directory.user_list_for(client_id(1));
  auto for_bob = directory.user_list_for(client_id(2));
  EXPECT_EQ(for_alice->owner, for_bob->owner);
  directory.add(client_id(3), "carol", public_key(3));
  auto after = directory.user_list_for(client_id(1));
  EXPECT_NE(after->owner, for_alice->owner);
  EXPECT_EQ(listed_ids(*for_alice), (std::vector{client_id(2)})); // still whole
  EXPECT_EQ(listed_ids(*after), (std::vector{client_id(2), client_id(3)}));
}

TEST(ClientDirectory, KeepsTheFlagsItsWritersSet) {
  ClientDirectory directory;
  directory.add(client_id(1), "alice", public_key(1));
  directory.mark_protected(client_id(1));
  directory.set_may_have_messages(client_id(1), true);
  EXPECT_TRUE(directory.find(client_id(1))->is_protected);
  EXPECT_TRUE(directory.find(client_id(1))->may_have_messages);
  directory.set_may_have_messages(client_id(1), false);
  EXPECT_FALSE(directory.find(client_id(1))->may_have_messages);
  directory.mark_protected(client_id(7));              // unknown: ignored
  directory.add(client_id(1), "again", public_key(9)); // an id is added once
  EXPECT_EQ(directory.find(client_id(1))->public_key, public_key(1));
  EXPECT_EQ(directory.size(), 1u);
}

TEST(ClientDirectory, HandsOutEachClientsLatestTouchOnce) {
  ClientDirectory directory;
  auto early = std::chrono::system_clock::time_point{} + std::chrono::hours(1);
  auto late = early + std::chrono::seconds(5);
  directory.touch(client_id(1), late);
  directory.touch(client_id(1), early);
  directory.touch(client_id(2), early);
  auto touches = directory.take_touches();
  ASSERT_EQ(touches.size(), 2u);
  EXPECT_EQ(touches[0], std::pair(client_id(1), late));
  EXPECT_EQ(touches[1], std::pair(client_id(2), early));
  EXPECT_TRUE(directory.take_touches().empty());
}

} // namespace
} // namespace messageu::server::test
