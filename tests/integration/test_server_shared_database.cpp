// Several messageu-servers on one PostgreSQL database, as behind a load balancer: whatever
// one server stores, the others serve at once (registration, list, public key, send, pull),
// names and message ids stay unique across them, and each message is delivered once.
#include "test_server_support.hpp"

#include "support/postgres.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

using namespace messageu;
using namespace messageu::test;

namespace {

class ServerSharedDatabase : public PostgresTest {
protected:
  void SetUp() override {
    PostgresTest::SetUp();
    if (IsSkipped() || HasFatalFailure())
      return;
    m_a = std::make_unique<ServerProcess>(std::vector<std::string>{}, uri());
    m_b = std::make_unique<ServerProcess>(std::vector<std::string>{}, uri());
  }

  std::uint16_t a() const { return m_a->port(); }
  std::uint16_t b() const { return m_b->port(); }

  // The names of the user list `id` gets from the server at `port`.
  std::set<std::string> listed_names(std::uint16_t port, const ClientId &id) {
    RawConnection connection(port);
    auto response = round_trip(connection, request(id, Operation::list_users));
    EXPECT_TRUE(response);
    std::set<std::string> names;
    if (!response)
      return names;
    auto users = protocol::decode_user_list(response->payload);
    EXPECT_TRUE(users);
    for (const auto &user : users.value_or(std::vector<protocol::UserEntry>{}))
      names.insert(user.name);
    return names;
  }

  // Messages waiting in the database, for any recipient.
  std::int64_t waiting_messages() {
    return query("SELECT count(*) FROM messages WHERE deleted_at IS NULL");
  }

  std::unique_ptr<ServerProcess> m_a;
  std::unique_ptr<ServerProcess> m_b;
};

std::uint16_t send_text(std::uint16_t port, const User &from, const User &to,
                        std::string_view text) {
  RawConnection connection(port);
  auto response =
      round_trip(connection, send_request(from.id, to.id, MessageType::text, as_bytes(text)));
  EXPECT_TRUE(response);
  return response ? response->code : 0;
}

} // namespace

TEST_F(ServerSharedDatabase, FindsAClientRegisteredOnAnotherServerAtOnce) {
  auto alice = register_user(a(), "alice");
  auto bob = register_user(b(), "bob");
  // B has not heard of alice yet, or has: either way its answers are the database's.
  RawConnection connection(b());
  auto key = round_trip(connection, request(bob.id, Operation::public_key,
                                            protocol::encode_public_key_request(alice.id)));
  ASSERT_TRUE(key);
  ASSERT_EQ(key->code, 2102);
  auto answer = protocol::decode_public_key_answer(key->payload);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->id, alice.id);
  EXPECT_EQ(answer->public_key, alice.key.public_key());
  EXPECT_EQ(send_text(b(), bob, alice, "through b"), 2103);
}

TEST_F(ServerSharedDatabase, ListsAndDeliversWhatAnotherServerStoredOnceItsNoticeArrives) {
  auto alice = register_user(a(), "alice");
  auto bob = register_user(b(), "bob");
  // A list and an empty pull are answered from what each server has heard: another server's
  // registration or message shows once its notice arrives, in milliseconds.
  EXPECT_TRUE(
      eventually([&] { return listed_names(b(), bob.id) == std::set<std::string>{"alice"}; }));
  EXPECT_TRUE(
      eventually([&] { return listed_names(a(), alice.id) == std::set<std::string>{"bob"}; }));
  EXPECT_EQ(send_text(b(), bob, alice, "through b"), 2103);
  std::vector<protocol::PulledMessage> received;
  EXPECT_TRUE(eventually([&] {
    received = pull(a(), alice.id);
    return !received.empty();
  }));
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(std::string(as_chars(received[0].content)), "through b");
  EXPECT_EQ(received[0].header.sender, bob.id);
  // A deletes what it delivered once the response is written whole: then B has nothing either.
  EXPECT_TRUE(eventually([&] { return waiting_messages() == 0; }));
  EXPECT_TRUE(pull(b(), alice.id).empty());
}

TEST_F(ServerSharedDatabase, RefusesOnOneServerANameRegisteredOnTheOther) {
  register_user(a(), "carol");
  RawConnection connection(b());
  auto payload =
      protocol::encode_register_payload({"carol", crypto::RsaPrivateKey::generate().public_key()});
  auto response = round_trip(connection, request(ClientId{}, Operation::register_client, payload));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->code, 9000);
}

TEST_F(ServerSharedDatabase, HandsOutMessageIdsUniqueAcrossServers) {
  auto alice = register_user(a(), "alice");
  auto bob = register_user(a(), "bob");
  for (int n = 0; n < 10; ++n) {
    ASSERT_EQ(send_text(n % 2 ? a() : b(), alice, bob, std::to_string(n)), 2103);
  }
  std::set<MessageId> ids;
  std::set<std::string> texts;
  for (const auto &message : pull(b(), bob.id)) {
    ids.insert(message.header.message_id);
    texts.insert(std::string(as_chars(message.content)));
  }
  EXPECT_EQ(ids.size(), 10u);
  EXPECT_EQ(texts.size(), 10u);
}

TEST_F(ServerSharedDatabase, ComesUpWhileTheDatabaseIsDownAndServesOnceItAnswers) {
  TempDir directory; // no database answers here yet
  ServerProcess server({}, postgres_uri_in(uri(), directory.path()));
  EXPECT_NE(server.log().find("does not answer"), std::string::npos) << server.log();
  RawConnection connection(server.port());
  auto payload =
      protocol::encode_register_payload({"dave", crypto::RsaPrivateKey::generate().public_key()});
  auto refused = round_trip(connection, request(ClientId{}, Operation::register_client, payload));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, 9000);
  link_postgres_socket(directory.path());                       // the database comes up
  std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // the server retries each second
  auto dave = register_user(server.port(), "dave");
  EXPECT_EQ(listed_names(a(), register_user(a(), "erin").id), std::set<std::string>{"dave"});
}

TEST_F(ServerSharedDatabase, DeliversEveryMessageAtLeastOnceToPullsThroughTwoServersAtOnce) {
  auto alice = register_user(a(), "alice");
  auto bob = register_user(b(), "bob");
  constexpr int k_messages = 40;
  for (int n = 0; n < k_messages; ++n)
    ASSERT_EQ(send_text(n % 2 ? a() : b(), alice, bob, std::to_string(n)), 2103);
  std::vector<protocol::PulledMessage> through_a;
  std::vector<protocol::PulledMessage> through_b;
  std::thread pulling_a([&] { through_a = pull(a(), bob.id); });
  std::thread pulling_b([&] { through_b = pull(b(), bob.id); });
  pulling_a.join();
  pulling_b.join();
  std::set<std::string> received;
  for (const auto *pulled : {&through_a, &through_b})
    for (const auto &message : *pulled)
      received.insert(std::string(as_chars(message.content)));
  EXPECT_EQ(received.size(), std::size_t{k_messages});
  // Each complete delivery deleted what it carried, on both servers.
  EXPECT_TRUE(eventually([&] { return waiting_messages() == 0; }));
  EXPECT_TRUE(pull(a(), bob.id).empty());
  EXPECT_TRUE(pull(b(), bob.id).empty());
}

TEST_F(ServerSharedDatabase, MigratesASqliteDatabaseAndRefusesToMigrateTwice) {
  TempDir directory;
  auto sqlite_database = (directory / "defensive.db").string();
  std::optional<User> alice;
  std::optional<User> bob;
  {
    ServerProcess old_server({}, sqlite_database);
    alice.emplace(register_user(old_server.port(), "alice"));
    bob.emplace(register_user(old_server.port(), "bob"));
    ASSERT_EQ(send_text(old_server.port(), *alice, *bob, "kept across the move"), 2103);
    ASSERT_EQ(old_server.stop(), 0);
  }
  // A fresh schema: the servers of this test's fixture have not written anything there yet.
  auto target = PostgresTestSchema::create();
  ASSERT_TRUE(target);
  auto migrate = [&] {
    return run({MESSAGEU_SERVER_PATH, "--migrate-from", sqlite_database, "--db", (*target)->uri()});
  };
  auto first = migrate();
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("migrated 2 clients and 1 waiting messages"), std::string::npos)
      << first.err;
  auto second = migrate();
  EXPECT_EQ(second.exit_code, 64) << second.err;
  EXPECT_NE(second.err.find("has clients already"), std::string::npos) << second.err;
  ServerProcess server({}, (*target)->uri());
  EXPECT_EQ(listed_names(server.port(), bob->id), std::set<std::string>{"alice"});
  auto received = pull(server.port(), bob->id);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(std::string(as_chars(received[0].content)), "kept across the move");
}
