// messageu-server under many connections at once: concurrent senders lose nothing and share
// commits, stalled connections are closed after the idle timeout without holding anyone else
// up, excess connections are turned away, and SIGTERM ends the process cleanly after the
// requests in flight.
#include "test_server_support.hpp"

#include <atomic>
#include <csignal>
#include <map>
#include <set>

namespace messageu::test {
namespace {

constexpr int k_clients = 16;
constexpr int k_messages_per_client = 40;

std::vector<User> register_clients(std::uint16_t port) {
  std::vector<User> users;
  for (int i = 0; i < k_clients; ++i)
    users.push_back(register_user(port, "user" + std::to_string(i)));
  return users;
}

// Runs `send(sender, failed)` for every client at once, one thread each; returns the
// failures they counted.
template <typename Send> int send_from_every_client(Send send) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int sender = 0; sender < k_clients; ++sender)
    threads.emplace_back([&, sender] { send(sender, failures); });
  for (auto &thread : threads)
    thread.join();
  return failures.load();
}

TEST(ServerConcurrency, SixteenConcurrentClientsLoseNoMessage) {
  ServerProcess server;
  auto port = server.port();
  auto users = register_clients(port);
  auto failures = send_from_every_client([&](int sender, std::atomic<int> &failed) {
    // Half keep one connection, half open one per request, as both kinds of client do.
    std::optional<RawConnection> kept;
    if (sender % 2 == 0)
      kept.emplace(port);
    for (int n = 0; n < k_messages_per_client; ++n) {
      const auto &recipient = users[(sender + 1 + n % (k_clients - 1)) % k_clients];
      auto text = std::to_string(sender) + ":" + std::to_string(n);
      auto bytes = send_request(users[sender].id, recipient.id, MessageType::text, as_bytes(text));
      std::optional<RawConnection> fresh;
      if (!kept)
        fresh.emplace(port);
      auto response = round_trip(kept ? *kept : *fresh, bytes);
      if (!response || response->code != 2103)
        ++failed;
    }
  });
  EXPECT_EQ(failures, 0);
  std::multiset<std::string> received;
  for (const auto &user : users)
    for (const auto &message : pull(port, user.id))
      received.insert(std::string(as_chars(message.content)));
  EXPECT_EQ(received.size(), std::size_t{k_clients * k_messages_per_client});
  for (int sender = 0; sender < k_clients; ++sender)
    for (int n = 0; n < k_messages_per_client; ++n)
      EXPECT_EQ(received.count(std::to_string(sender) + ":" + std::to_string(n)), 1u);
}

// While the store thread waits for one commit's fsync, the sends of the other connections
// queue, and the next commit takes them all in one transaction; each sender still gets its
// 2103 only once its message is durable.
TEST(ServerConcurrency, SendsFromConcurrentConnectionsShareACommit) {
  ServerProcess server({"--log-level", "debug"});
  auto port = server.port();
  auto users = register_clients(port);
  auto failures = send_from_every_client([&](int sender, std::atomic<int> &failed) {
    RawConnection connection(port);
    const auto &recipient = users[(sender + 1) % k_clients];
    for (int n = 0; n < 10; ++n) {
      auto text = std::to_string(sender) + ":" + std::to_string(n);
      auto response = round_trip(connection, send_request(users[sender].id, recipient.id,
                                                          MessageType::text, as_bytes(text)));
      if (!response || response->code != 2103)
        ++failed;
    }
  });
  EXPECT_EQ(failures, 0);
  for (const auto &user : users)
    EXPECT_EQ(pull(port, user.id).size(), 10u);
  EXPECT_EQ(server.stop(), 0); // the log is written whole
  EXPECT_NE(server.log().find("group commit of "), std::string::npos);
}

TEST(ServerConcurrency,
     ClosesSilentAndHalfSentConnectionsAfterTheIdleTimeoutWithoutBlockingOthers) {
  ServerProcess server({"--idle-timeout", "1"});
  auto port = server.port();
  auto alice = register_user(port, "alice");
  auto bob = register_user(port, "bob");
  RawConnection silent(port);
  RawConnection half_header(port);
  RawConnection half_payload(port);
  auto send_bytes = send_request(alice.id, bob.id, MessageType::text, Bytes(1000, 1));
  ASSERT_TRUE(half_header.send(ByteView(send_bytes).first(10)));
  ASSERT_TRUE(half_payload.send(ByteView(send_bytes).first(500)));
  // While those stall, another client is served.
  RawConnection active(port);
  for (int i = 0; i < 5; ++i) {
    auto list = round_trip(active, request(alice.id, Operation::list_users));
    ASSERT_TRUE(list);
    EXPECT_EQ(list->code, 2101);
  }
  EXPECT_TRUE(silent.closed_by_peer(std::chrono::seconds(15)));
  EXPECT_TRUE(half_header.closed_by_peer(std::chrono::seconds(15)));
  EXPECT_TRUE(half_payload.closed_by_peer(std::chrono::seconds(15)));
  EXPECT_TRUE(pull(port, bob.id).empty());
  EXPECT_TRUE(eventually([&] { return leftover_content_count(server.db_path()) == 0; }));
}

TEST(ServerConcurrency, KeepsAConnectionThatMakesProgressOpenPastTheIdleTimeout) {
  ServerProcess server({"--idle-timeout", "1"});
  auto alice = register_user(server.port(), "alice");
  RawConnection connection(server.port());
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    auto list = round_trip(connection, request(alice.id, Operation::list_users));
    ASSERT_TRUE(list) << "request " << i;
    EXPECT_EQ(list->code, 2101);
  }
}

TEST(ServerConcurrency, AboveTheMaximumClosesTheConnectionIdleLongestToServeANewcomer) {
  ServerProcess server({"--max-connections", "2"});
  auto port = server.port();
  auto alice = register_user(port, "alice");
  // The registration's connection, closed, must be gone from the count (else it would be the
  // one to make room).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RawConnection first(port);
  ASSERT_TRUE(round_trip(first, request(alice.id, Operation::list_users)));
  RawConnection second(port);
  ASSERT_TRUE(round_trip(second, request(alice.id, Operation::list_users)));
  RawConnection third(port);
  auto list = round_trip(third, request(alice.id, Operation::list_users));
  ASSERT_TRUE(list) << server.log();
  EXPECT_EQ(list->code, 2101);
  EXPECT_TRUE(first.closed_by_peer());
  list = round_trip(second, request(alice.id, Operation::list_users));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->code, 2101);
  EXPECT_TRUE(
      eventually([&] { return server.log().find("to make room for") != std::string::npos; }));
}

TEST(ServerConcurrency, ExitsWithZeroOnSigtermAndKeepsWhatItStored) {
  ServerDatabase database;
  User alice{"alice", crypto::RsaPrivateKey::generate(), {}};
  User bob{"bob", crypto::RsaPrivateKey::generate(), {}};
  {
    ServerProcess server({}, database.location());
    alice = register_user(server.port(), "alice");
    bob = register_user(server.port(), "bob");
    RawConnection connection(server.port());
    auto stored = round_trip(
        connection, send_request(alice.id, bob.id, MessageType::file, Bytes(200'000, 0x42)));
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->code, 2103);
    EXPECT_EQ(server.stop(SIGTERM), 0);
  }
  ServerProcess restarted({}, database.location());
  auto messages = pull(restarted.port(), bob.id);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].content, Bytes(200'000, 0x42));
  EXPECT_EQ(restarted.stop(SIGINT), 0);
}

TEST(ServerConcurrency, FinishesARequestInFlightAfterSigtermThenCloses) {
  ServerProcess server;
  auto port = server.port();
  auto alice = register_user(port, "alice");
  auto bob = register_user(port, "bob");
  RawConnection idle(port);
  RawConnection busy(port);
  auto bytes = send_request(alice.id, bob.id, MessageType::text, as_bytes("in flight"));
  ASSERT_TRUE(busy.send(ByteView(bytes).first(30)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200)); // let the server read the header
  server.process().signal(SIGTERM);
  EXPECT_TRUE(idle.closed_by_peer());
  ASSERT_TRUE(busy.send(ByteView(bytes).subspan(30)));
  auto stored = busy.receive_response();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->code, 2103);
  EXPECT_TRUE(busy.closed_by_peer());
  EXPECT_EQ(server.process().wait(std::chrono::seconds(20)), 0);
}

} // namespace
} // namespace messageu::test
