// PostgresServerStore beyond the shared store tests: several stores (servers) on one
// database, the id sequence's wrap-around, expiry of abandoned contents, the schema version,
// a connection cut under the store, and the snapshot a store keeps true by following the
// other servers' notices.
#include <messageu/postgres/postgres.hpp>
#include <messageu/store/postgres_server_store.hpp>

#include "store_test_helpers.hpp"
#include "support/postgres.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <messageu/protocol/messages.hpp>
#include <messageu/store/last_seen.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

using namespace messageu;
using namespace messageu::store;
using namespace messageu::store::test;

namespace {

const ClientId k_alice = client_id(1);
const ClientId k_bob = client_id(2);

class PostgresServerStoreTest : public messageu::test::PostgresTest {
protected:
  void SetUp() override {
    PostgresTest::SetUp();
    if (IsSkipped() || HasFatalFailure())
      return;
    store = open();
    ASSERT_TRUE(store);
  }

  std::unique_ptr<PostgresServerStore> open() {
    auto opened = PostgresServerStore::open(uri());
    EXPECT_TRUE(opened) << opened.error().message;
    return opened ? std::move(opened).value() : nullptr;
  }

  std::unique_ptr<PostgresServerStore> store;
};

} // namespace

TEST(PostgresServerStore, RecognisesPostgresUris) {
  EXPECT_TRUE(PostgresServerStore::is_postgres_uri("postgresql://u@h:5432/db"));
  EXPECT_TRUE(PostgresServerStore::is_postgres_uri("postgres:///db?host=/tmp"));
  EXPECT_FALSE(PostgresServerStore::is_postgres_uri("defensive.db"));
  EXPECT_FALSE(PostgresServerStore::is_postgres_uri("/var/lib/postgresql.db"));
}

TEST_F(PostgresServerStoreTest, ShowsOneServersWritesToAnotherAtOnce) {
  auto other = open();
  ASSERT_TRUE(store->add_client(k_alice, "alice", public_key(1)));
  auto found = other->find_client(k_alice);
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->name, "alice");
  EXPECT_EQ(other->list_clients()->size(), 1u);
  EXPECT_EQ(other->add_client(k_bob, "alice", public_key(2)).error().code, Errc::name_taken);
  EXPECT_TRUE(*other->name_in_use_ignoring_case("ALICE"));
  auto id = insert_one(*other, k_alice, k_bob, pattern(300'000));
  EXPECT_EQ(*store->pending_messages(k_alice),
            (std::vector<StoredMessage>{{id, k_bob, MessageType::text, 300'000}}));
  EXPECT_EQ(read_content(*store, id), pattern(300'000));
  std::vector<MessageId> ids{id};
  EXPECT_EQ(*store->delete_messages(k_alice, ids), 1u);
  EXPECT_FALSE(*other->has_pending(k_alice));
}

TEST_F(PostgresServerStoreTest, HandsOutDistinctIdsToInterleavedServers) {
  auto other = open();
  std::vector<MessageId> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(insert_one(*store, k_bob, k_alice, pattern(5)));
    ids.push_back(insert_one(*other, k_bob, k_alice, pattern(5)));
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
  EXPECT_EQ(store->pending_messages(k_bob)->size(), 20u);
}

TEST_F(PostgresServerStoreTest, WrapsMessageIdsSkippingHeldOnes) {
  ASSERT_EQ(query("SELECT setval('message_ids', 1, false)"), 1);
  auto held = insert_one(*store, k_bob, k_alice, pattern(1));
  ASSERT_EQ(held, 1u);
  ASSERT_EQ(query("SELECT setval('message_ids', 4294967294)"), 4294967294);
  auto last = insert_one(*store, k_bob, k_alice, pattern(2));
  auto wrapped = insert_one(*store, k_bob, k_alice, pattern(3));
  EXPECT_EQ(last, 4294967295u);
  EXPECT_EQ(wrapped, 2u); // 1 is still held
  auto pending = store->pending_messages(k_bob);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ((*pending)[0].id, 1u); // stored order, not id order
  EXPECT_EQ((*pending)[1].id, 4294967295u);
  EXPECT_EQ((*pending)[2].id, 2u);
}

TEST_F(PostgresServerStoreTest, RemovesAnAbandonedUploadOnceItExpires) {
  auto sink = store->begin_content(3 * 1024 * 1024);
  ASSERT_TRUE(sink);
  ASSERT_TRUE((*sink)->write(pattern(2 * 1024 * 1024)));
  EXPECT_EQ(query("SELECT count(*) FROM content_chunks"), 2);
  // The server that wrote it died: nobody will finish it, and its time runs out.
  ASSERT_EQ(query("WITH aged AS (UPDATE contents SET expires_at = now() - interval '1 second' "
                  "RETURNING 1) SELECT count(*) FROM aged"),
            1);
  auto other = open();
  EXPECT_EQ(*other->remove_expired_contents(), 1u);
  EXPECT_EQ(query("SELECT count(*) FROM content_chunks"), 0);
  EXPECT_EQ(query("SELECT count(*) FROM contents"), 0);
}

TEST_F(PostgresServerStoreTest, KeepsAnUploadInProgressAndAStoredContentAtCleanUp) {
  auto stored = insert_one(*store, k_bob, k_alice, pattern(100'000));
  auto sink = store->begin_content(200'000);
  ASSERT_TRUE(sink && (*sink)->write(pattern(10)));
  EXPECT_EQ(*store->remove_expired_contents(), 0u);
  EXPECT_EQ(read_content(*store, stored), pattern(100'000));
  EXPECT_EQ(query("SELECT count(*) FROM contents"), 2);
}

TEST_F(PostgresServerStoreTest, RemovesItsOwnUnfinishedUploadAtOnce) {
  {
    auto sink = store->begin_content(2 * 1024 * 1024);
    ASSERT_TRUE(sink && (*sink)->write(pattern(1024 * 1024 + 1)));
  }
  EXPECT_EQ(query("SELECT count(*) FROM contents"), 0);
  EXPECT_EQ(query("SELECT count(*) FROM content_chunks"), 0);
}

TEST_F(PostgresServerStoreTest, RefusesAnUnknownSchemaVersion) {
  store.reset();
  ASSERT_EQ(query("WITH changed AS (UPDATE schema_version SET version = 99 RETURNING 1) "
                  "SELECT count(*) FROM changed"),
            1);
  auto opened = PostgresServerStore::open(uri());
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::storage);
  EXPECT_NE(opened.error().message.find("99"), std::string::npos) << opened.error().message;
}

TEST_F(PostgresServerStoreTest, ReportsAnUnreachableDatabase) {
  auto opened = PostgresServerStore::open("postgresql:///postgres?host=/nonexistent");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::unavailable);
}

TEST_F(PostgresServerStoreTest, AnswersAgainAfterItsConnectionWasCut) {
  ASSERT_TRUE(store->add_client(k_alice, "alice", public_key(1)));
  // The schema's URI names its connections after it: only this test's are cut.
  query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE pid <> pg_backend_pid() AND application_name = '" +
        m_schema->name() + "'");
  auto first = store->find_client(k_alice); // may fail: the cut is seen on first use
  if (!first) {
    EXPECT_EQ(first.error().code, Errc::storage);
  }
  // A second later at the latest, the store reconnects by itself.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto found = store->find_client(k_alice);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_TRUE(found->has_value());
}

TEST_F(PostgresServerStoreTest, StartsWhileTheDatabaseIsDownAndConnectsOnceItAnswers) {
  // A socket directory where the database is not (yet): the store is made all the same.
  messageu::test::TempDir directory;
  auto later =
      PostgresServerStore::connect_later(messageu::test::postgres_uri_in(uri(), directory.path()));
  auto refused = later->list_clients();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::unavailable);
  messageu::test::link_postgres_socket(directory.path()); // the database comes up there
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE(later->add_client(k_alice, "alice", public_key(1)));
  EXPECT_EQ(store->list_clients()->size(), 1u);
}

TEST_F(PostgresServerStoreTest, KeepsADeletedMessageReadableForAnHourThenRemovesIt) {
  auto small = insert_one(*store, k_bob, k_alice, pattern(10));
  auto large = insert_one(*store, k_bob, k_alice, pattern(300'000));
  std::vector<MessageId> ids{small, large};
  ASSERT_EQ(*store->delete_messages(k_bob, ids), 2u);
  EXPECT_FALSE(*store->has_pending(k_bob));
  // A pull through another server listed them before: it can still send them.
  EXPECT_EQ(read_content(*store, small), pattern(10));
  EXPECT_EQ(read_content(*store, large), pattern(300'000));
  EXPECT_EQ(*store->remove_expired_contents(), 0u);
  // An hour later.
  query("WITH aged AS (UPDATE messages SET deleted_at = deleted_at - interval '2 hours' "
        "RETURNING 1) SELECT count(*) FROM aged");
  query("WITH aged AS (UPDATE contents SET expires_at = expires_at - interval '2 hours' "
        "RETURNING 1) SELECT count(*) FROM aged");
  EXPECT_EQ(*store->remove_expired_contents(), 1u);
  EXPECT_EQ(store->open_content(small).error().code, Errc::invalid_argument);
  EXPECT_EQ(store->open_content(large).error().code, Errc::invalid_argument);
  EXPECT_EQ(query("SELECT count(*) FROM messages"), 0);
  EXPECT_EQ(query("SELECT count(*) FROM content_chunks"), 0);
}

namespace {

// A store following the other servers as a server does, its catch_up() run here.
class FollowingStoreTest : public PostgresServerStoreTest {
protected:
  void SetUp() override {
    PostgresServerStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure())
      return;
    other = open();
    ASSERT_TRUE(other);
    store->follow_other_servers([this] { ++news; }, [](const std::string &) {});
  }

  // Runs catch_up() until `condition` holds (false after 10 s); keeps what it returned.
  template <typename Condition> bool caught_up(Condition condition) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      for (const auto &recipient : store->catch_up())
        woken.push_back(recipient);
      if (condition())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::optional<PublishedClient> published(const ClientId &id) {
    return store->snapshot()->find(id);
  }

  std::unique_ptr<PostgresServerStore> other; // another server on the same database
  std::atomic<int> news{0};
  std::vector<ClientId> woken;
};

} // namespace

TEST_F(PostgresServerStoreTest, PublishesNothingToAnswerFromUntilItFollowsTheOtherServers) {
  ASSERT_TRUE(store->add_client(k_alice, "alice", public_key(1)));
  auto clients = store->snapshot();
  EXPECT_TRUE(clients->contains(k_alice)); // its LastSeen may wait in memory
  EXPECT_FALSE(clients->find(k_alice));
  EXPECT_FALSE(clients->user_list_for(k_alice));
}

TEST_F(FollowingStoreTest, LoadsTheClientsOnceItListens) {
  ASSERT_TRUE(other->add_client(k_alice, "alice", public_key(1)));
  ASSERT_TRUE(caught_up([&] { return published(k_alice).has_value(); }));
  EXPECT_EQ(published(k_alice)->public_key, public_key(1));
  EXPECT_GT(news.load(), 0);
}

TEST_F(FollowingStoreTest, PublishesAnotherServersRegistrationProtectionAndMessages) {
  ASSERT_TRUE(store->add_client(k_alice, "alice", public_key(1)));
  ASSERT_TRUE(caught_up([&] { return published(k_alice).has_value(); }));
  ASSERT_TRUE(other->add_client(k_bob, "bob", public_key(2)));
  ASSERT_TRUE(caught_up([&] { return published(k_bob).has_value(); }));
  auto list = store->snapshot()->user_list_for(k_alice);
  ASSERT_TRUE(list);
  EXPECT_EQ(protocol::decode_user_list(list->flatten())->at(0).name, "bob");

  ASSERT_TRUE(other->set_protected(k_alice));
  EXPECT_TRUE(caught_up([&] { return published(k_alice)->is_protected; }));

  EXPECT_FALSE(published(k_alice)->has_messages);
  auto id = insert_one(*other, k_alice, k_bob, pattern(10));
  EXPECT_TRUE(caught_up([&] { return published(k_alice)->has_messages; }));
  EXPECT_NE(std::find(woken.begin(), woken.end(), k_alice), woken.end());
  // Delivered and deleted here: nothing waits any more.
  std::vector<MessageId> ids{id};
  EXPECT_EQ(*store->delete_messages(k_alice, ids), 1u);
  EXPECT_FALSE(published(k_alice)->has_messages);
}

TEST_F(FollowingStoreTest, PublishesAClientItReadBeforeHearingOfIt) {
  ASSERT_TRUE(store->add_client(k_alice, "alice", public_key(1)));
  ASSERT_TRUE(caught_up([&] { return published(k_alice).has_value(); }));
  // Nothing is heard until catch_up() runs again.
  ASSERT_TRUE(other->add_client(k_bob, "bob", public_key(2)));
  auto found = store->find_client(k_bob); // a request from bob before the notice
  ASSERT_TRUE(found && found->has_value());
  auto bob = published(k_bob);
  ASSERT_TRUE(bob);
  EXPECT_TRUE(bob->has_messages); // not known yet: a pull asks the database
  EXPECT_TRUE(store->pending_messages(k_bob)->empty());
  EXPECT_FALSE(published(k_bob)->has_messages);
  // Its notice, when it comes, adds no second bob.
  store->catch_up();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  store->catch_up();
  EXPECT_EQ(store->snapshot()->size(), 2u);
}

TEST_F(FollowingStoreTest, IgnoresNoticesThatNameNoClientOfItsDatabase) {
  ASSERT_TRUE(store->add_client(k_alice, "alice", public_key(1)));
  ASSERT_TRUE(caught_up([&] { return published(k_alice).has_value(); }));
  // Anyone who may connect to the database may notify its channels.
  auto heard = news.load();
  auto stranger = client_id_to_hex(client_id(9));
  query("SELECT pg_notify('messageu_clients', 'not an id'), pg_notify('messageu_clients', '" +
        stranger + "'), pg_notify('messageu_stored', '" + stranger + "')");
  ASSERT_TRUE(caught_up([&] { return news.load() > heard; }));
  store->catch_up();
  EXPECT_EQ(store->snapshot()->size(), 1u);
  EXPECT_FALSE(store->snapshot()->contains(client_id(9)));
  EXPECT_TRUE(published(k_alice).has_value()); // still up to date
}

TEST_F(FollowingStoreTest, StopsAnsweringWhenItsWatchLosesTheDatabaseAndReloadsOnceBack) {
  ASSERT_TRUE(store->add_client(k_alice, "alice", public_key(1)));
  ASSERT_TRUE(caught_up([&] { return published(k_alice).has_value(); }));
  // Cut only the watch's connection (its last statement was a LISTEN).
  query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '" +
        m_schema->name() + "' AND query LIKE 'LISTEN%'");
  EXPECT_TRUE(caught_up([&] { return !published(k_alice).has_value(); }));
  // A registration while nobody listens: its notice is lost, the reload finds it.
  ASSERT_TRUE(other->add_client(k_bob, "bob", public_key(2)));
  EXPECT_TRUE(caught_up([&] { return published(k_bob).has_value(); }));
  EXPECT_TRUE(published(k_alice).has_value());
}

TEST_F(FollowingStoreTest, WritesTheLastSeenOfPublishedClientsLater) {
  ASSERT_TRUE(store->add_client(k_alice, "alice", public_key(1)));
  ASSERT_TRUE(caught_up([&] { return published(k_alice).has_value(); }));
  auto before = (*other->find_client(k_alice))->last_seen;
  auto later = std::chrono::system_clock::now() + std::chrono::hours(1);
  ASSERT_TRUE(store->touch(k_alice, later)); // from any thread: kept in memory
  EXPECT_EQ((*other->find_client(k_alice))->last_seen, before);
  EXPECT_EQ((*store->find_client(k_alice))->last_seen, format_last_seen(later));
  ASSERT_TRUE(store->flush_touches());
  EXPECT_EQ((*other->find_client(k_alice))->last_seen, format_last_seen(later));
}
