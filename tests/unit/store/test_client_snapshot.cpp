// The clients' snapshot: published by its one writer after each change, immutable once read,
// the user list it encodes, and the SQLite store publishing it from its own commits.
#include <messageu/protocol/messages.hpp>
#include <messageu/store/client_snapshot.hpp>
#include <messageu/store/seen_times.hpp>
#include <messageu/store/sqlite_server_store.hpp>

#include "support/temp_dir.hpp"
#include "unit/store/store_test_helpers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace messageu::store::test {
namespace {

// A distinct id for each of thousands of clients, spread over the shards.
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

TEST(ClientSnapshot, SeesNothingUntilPublished) {
  SnapshotPublisher publisher;
  auto before = publisher.current();
  publisher.add_client(client_id(1), "alice", public_key(1));
  EXPECT_EQ(publisher.current(), before);
  EXPECT_FALSE(publisher.current()->find(client_id(1)));
  publisher.publish();
  EXPECT_TRUE(publisher.current()->find(client_id(1)));
  EXPECT_FALSE(before->find(client_id(1))); // a snapshot read before stays as it was
  EXPECT_EQ(before->size(), 0u);
}

TEST(ClientSnapshot, PublishesNothingNewWhenNothingChanged) {
  SnapshotPublisher publisher;
  publisher.add_client(client_id(1), "alice", public_key(1));
  publisher.publish();
  auto published = publisher.current();
  publisher.set_has_messages(client_id(1), false); // as it was
  publisher.set_protected(client_id(9));           // unknown: ignored
  publisher.publish();
  EXPECT_EQ(publisher.current(), published);
}

TEST(ClientSnapshot, ListsEveryoneButTheRequesterInRegistrationOrder) {
  SnapshotPublisher publisher;
  publisher.add_client(client_id(3), "carol", public_key(3));
  publisher.add_client(client_id(1), "alice", public_key(1));
  publisher.add_client(client_id(2), "bob", public_key(2));
  publisher.publish();
  auto clients = publisher.current();
  auto for_alice = clients->user_list_for(client_id(1));
  ASSERT_TRUE(for_alice);
  EXPECT_EQ(listed_ids(*for_alice), (std::vector{client_id(3), client_id(2)}));
  EXPECT_EQ(listed_ids(*clients->user_list_for(client_id(3))),
            (std::vector{client_id(1), client_id(2)}));
  EXPECT_EQ(listed_ids(*clients->user_list_for(client_id(2))),
            (std::vector{client_id(3), client_id(1)}));
  EXPECT_FALSE(clients->user_list_for(client_id(9))); // unknown requester
}

TEST(ClientSnapshot, EncodesNamesAsTheProtocolDoes) {
  SnapshotPublisher publisher;
  publisher.add_client(client_id(1), "alice", public_key(1));
  publisher.add_client(client_id(2), "bob", public_key(2));
  publisher.publish();
  std::vector<protocol::UserEntry> expected{{client_id(2), "bob"}};
  EXPECT_EQ(publisher.current()->user_list_for(client_id(1))->flatten(),
            protocol::encode_user_list(expected));
}

TEST(ClientSnapshot, FindsThousandsAcrossBlocksAndShardsAndListsSkippingTheRequesterAnywhere) {
  SnapshotPublisher publisher;
  constexpr int k_clients = 3 * RecordBlocks::k_block_records + 10;
  for (int i = 0; i < k_clients; ++i) {
    publisher.add_client(numbered_id(i), "user " + std::to_string(i),
                         public_key(static_cast<Byte>(i % 3 + 1)));
    if (i % 100 == 0)
      publisher.publish(); // some published on the way, some not
  }
  publisher.publish();
  auto clients = publisher.current();
  EXPECT_EQ(clients->size(), std::size_t(k_clients));
  for (int i = 0; i < k_clients; ++i) {
    auto found = clients->find(numbered_id(i));
    ASSERT_TRUE(found) << i;
    EXPECT_EQ(found->public_key, public_key(static_cast<Byte>(i % 3 + 1))) << i;
  }
  // The first, the last of a block, the first of the next, and the very last.
  for (int requester : {0, 255, 256, 511, k_clients - 1}) {
    auto list = clients->user_list_for(numbered_id(requester));
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

TEST(ClientSnapshot, ListAnswersShareOneCopyUntilTheNextRegistration) {
  SnapshotPublisher publisher;
  publisher.add_client(client_id(1), "alice", public_key(1));
  publisher.add_client(client_id(2), "bob", public_key(2));
  publisher.publish();
  auto for_alice = publisher.current()->user_list_for(client_id(1));
  auto for_bob = publisher.current()->user_list_for(client_id(2));
  EXPECT_EQ(for_alice->owner, for_bob->owner);
  publisher.set_has_messages(client_id(1), true); // not a registration: the list is shared
  publisher.publish();
  EXPECT_EQ(publisher.current()->user_list_for(client_id(1))->owner, for_alice->owner);
  publisher.add_client(client_id(3), "carol", public_key(3));
  publisher.publish();
  auto after = publisher.current()->user_list_for(client_id(1));
  EXPECT_NE(after->owner, for_alice->owner);
  EXPECT_EQ(listed_ids(*for_alice), (std::vector{client_id(2)})); // still whole
  EXPECT_EQ(listed_ids(*after), (std::vector{client_id(2), client_id(3)}));
}

TEST(ClientSnapshot, KeepsTheFlagsItsWriterSets) {
  SnapshotPublisher publisher;
  publisher.add_client(client_id(1), "alice", public_key(1));
  publisher.add_client(client_id(2), "bob", public_key(2), true, true);
  publisher.publish();
  publisher.set_protected(client_id(1));
  publisher.set_has_messages(client_id(1), true);
  publisher.set_has_messages(client_id(2), false);
  auto before = publisher.current();
  publisher.publish();
  auto alice = publisher.current()->find(client_id(1));
  auto bob = publisher.current()->find(client_id(2));
  EXPECT_TRUE(alice->is_protected && alice->has_messages);
  EXPECT_TRUE(bob->is_protected);
  EXPECT_FALSE(bob->has_messages);
  EXPECT_FALSE(before->find(client_id(1))->is_protected); // the old one unchanged
  EXPECT_TRUE(before->find(client_id(2))->has_messages);
}

TEST(ClientSnapshot, NotUpToDateAnswersNothingButStillKnowsItsClients) {
  SnapshotPublisher publisher;
  publisher.add_client(client_id(1), "alice", public_key(1));
  publisher.add_client(client_id(2), "bob", public_key(2));
  publisher.set_up_to_date(false);
  publisher.publish();
  auto stale = publisher.current();
  EXPECT_FALSE(stale->find(client_id(1)));
  EXPECT_FALSE(stale->user_list_for(client_id(1)));
  EXPECT_TRUE(stale->contains(client_id(2)));
  publisher.set_up_to_date(true);
  publisher.publish();
  ASSERT_TRUE(publisher.current()->find(client_id(1)));
  EXPECT_EQ(listed_ids(*publisher.current()->user_list_for(client_id(1))),
            std::vector<ClientId>{client_id(2)});
}

TEST(ClientSnapshot, ItsWriterKnowsWhatItAddedBeforeAndAfterPublishing) {
  SnapshotPublisher publisher;
  publisher.add_client(client_id(1), "alice", public_key(1));
  EXPECT_TRUE(publisher.knows(client_id(1)));
  EXPECT_FALSE(publisher.current()->contains(client_id(1)));
  publisher.publish();
  publisher.add_client(client_id(3), "carol", public_key(3)); // copies alice's shard
  EXPECT_TRUE(publisher.knows(client_id(1)));
  EXPECT_TRUE(publisher.knows(client_id(3)));
  EXPECT_FALSE(publisher.knows(client_id(2)));
  EXPECT_FALSE(publisher.knows(numbered_id(7)));
}

TEST(ClientSnapshot, ReadersOnOtherThreadsSeeWholeSnapshotsWhileTheWriterPublishes) {
  SnapshotPublisher publisher;
  constexpr int k_clients = 2000;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) {
      auto clients = publisher.current();
      auto size = clients->size();
      // Every client a snapshot counts is in it, listed and with its key.
      for (std::size_t i = 0; i < size; i += 97)
        ASSERT_TRUE(clients->find(numbered_id(static_cast<int>(i))));
      if (size > 0) {
        auto list = clients->user_list_for(numbered_id(0));
        ASSERT_TRUE(list);
        ASSERT_EQ(list->size, (size - 1) * protocol::k_user_entry_size);
      }
    }
  });
  for (int i = 0; i < k_clients; ++i) {
    publisher.add_client(numbered_id(i), "user " + std::to_string(i), public_key(1));
    publisher.publish();
  }
  done = true;
  reader.join();
  EXPECT_EQ(publisher.current()->size(), std::size_t(k_clients));
}

// --- the SQLite store publishes its own commits ---

TEST(ClientSnapshot, TheStorePublishesEveryClientWithItsKeyProtectionAndWaitingMessagesAtOpen) {
  messageu::test::TempDir dir;
  auto path = dir.path() / "server.db";
  {
    auto store = SqliteServerStore::open(path);
    ASSERT_TRUE(store);
    auto &s = **store;
    ASSERT_TRUE(s.add_client(client_id(1), "alice", public_key(1)));
    ASSERT_TRUE(s.add_client(client_id(2), "bob", public_key(2)));
    ASSERT_TRUE(s.set_protected(client_id(2)));
    std::vector<NewMessage> messages;
    messages.push_back(
        {client_id(1), client_id(2), MessageType::text, stage(s, as_bytes(std::string("abc")))});
    ASSERT_TRUE(s.insert_messages(messages));
  }
  auto store = SqliteServerStore::open(path);
  ASSERT_TRUE(store);
  auto clients = (*store)->snapshot();
  EXPECT_EQ(clients->size(), 2u);
  auto alice = clients->find(client_id(1));
  auto bob = clients->find(client_id(2));
  ASSERT_TRUE(alice && bob);
  EXPECT_EQ(alice->public_key, public_key(1));
  EXPECT_FALSE(alice->is_protected);
  EXPECT_TRUE(alice->has_messages);
  EXPECT_TRUE(bob->is_protected);
  EXPECT_FALSE(bob->has_messages);
  EXPECT_EQ(listed_ids(*clients->user_list_for(client_id(2))), (std::vector{client_id(1)}));
}

TEST(ClientSnapshot, TheStorePublishesEachCommitBeforeTheCallReturns) {
  auto opened = SqliteServerStore::open_in_memory();
  ASSERT_TRUE(opened);
  auto &s = **opened;
  EXPECT_EQ(s.snapshot()->size(), 0u);
  ASSERT_TRUE(s.add_client(client_id(1), "alice", public_key(1)));
  ASSERT_TRUE(s.add_client(client_id(2), "bob", public_key(2)));
  EXPECT_EQ(s.snapshot()->size(), 2u);
  ASSERT_TRUE(s.set_protected(client_id(1)));
  EXPECT_TRUE(s.snapshot()->find(client_id(1))->is_protected);

  std::vector<NewMessage> messages;
  messages.push_back(
      {client_id(2), client_id(1), MessageType::text, stage(s, as_bytes(std::string("one")))});
  messages.push_back(
      {client_id(2), client_id(1), MessageType::text, stage(s, as_bytes(std::string("two")))});
  auto ids = s.insert_messages(messages);
  ASSERT_TRUE(ids);
  EXPECT_TRUE(s.snapshot()->find(client_id(2))->has_messages);
  EXPECT_FALSE(s.snapshot()->find(client_id(1))->has_messages);
  ASSERT_TRUE(s.delete_messages(client_id(2), std::span((*ids).data(), 1)));
  EXPECT_TRUE(s.snapshot()->find(client_id(2))->has_messages); // one still waits
  ASSERT_TRUE(s.delete_messages(client_id(2), *ids));
  EXPECT_FALSE(s.snapshot()->find(client_id(2))->has_messages);
}

TEST(ClientSnapshot, AFailedRegistrationPublishesNothing) {
  auto opened = SqliteServerStore::open_in_memory();
  ASSERT_TRUE(opened);
  auto &s = **opened;
  ASSERT_TRUE(s.add_client(client_id(1), "alice", public_key(1)));
  auto before = s.snapshot();
  EXPECT_EQ(s.add_client(client_id(2), "alice", public_key(2)).error().code, Errc::name_taken);
  EXPECT_EQ(s.snapshot(), before);
}

// --- LastSeen kept for writing ---

// Two LastSeen times, five seconds apart.
const auto k_early = std::chrono::system_clock::time_point{} + std::chrono::hours(1);
const auto k_late = k_early + std::chrono::seconds(5);

TEST(SeenTimes, KeepsEachClientsLatestTimeAndHandsThemOutOnce) {
  SeenTimes times;
  times.record(client_id(1), k_late);
  times.record(client_id(1), k_early);
  times.record(client_id(2), k_early);
  EXPECT_EQ(times.latest(client_id(1)), k_late);
  auto taken = times.take();
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[client_id(1)], k_late);
  EXPECT_EQ(taken[client_id(2)], k_early);
  EXPECT_TRUE(times.take().empty());
  EXPECT_FALSE(times.latest(client_id(1)));
}

TEST(SeenTimes, PutsBackTimesThatCouldNotBeWrittenWithoutUndoingNewerOnes) {
  SeenTimes times;
  times.record(client_id(1), k_early);
  times.record(client_id(2), k_early);
  auto taken = times.take();
  times.record(client_id(1), k_late); // while the write failed
  times.restore(taken);
  EXPECT_EQ(times.latest(client_id(1)), k_late);
  EXPECT_EQ(times.latest(client_id(2)), k_early);
}

TEST(SeenTimes, FlushHandsTheTimesToTheWriterAndKeepsThemWhenItFails) {
  SeenTimes times;
  int calls = 0;
  auto refuse = [&](const SeenTimes::Times &) -> Status {
    ++calls;
    return make_error(Errc::storage, "disk full");
  };
  EXPECT_TRUE(times.flush(refuse)); // nothing kept: the writer is not called
  EXPECT_EQ(calls, 0);
  times.record(client_id(1), k_early);
  EXPECT_EQ(times.flush(refuse).error().message, "disk full");
  EXPECT_EQ(times.latest(client_id(1)), k_early); // kept for the next try
  SeenTimes::Times written;
  EXPECT_TRUE(times.flush([&](const SeenTimes::Times &batch) -> Status {
    written = batch;
    return {};
  }));
  EXPECT_EQ(written, (SeenTimes::Times{{client_id(1), k_early}}));
  EXPECT_FALSE(times.latest(client_id(1)));
}

TEST(SeenTimes, IsDueOnlyWithTimesAndASecondAfterTheLastTake) {
  SeenTimes times;
  EXPECT_FALSE(times.due()); // nothing kept
  times.record(client_id(1), std::chrono::system_clock::now());
  (void)times.take();
  times.record(client_id(1), std::chrono::system_clock::now());
  EXPECT_FALSE(times.due()); // just taken
}

} // namespace
} // namespace messageu::store::test
