// Fault tests of messageu-server under hostile connection patterns: hundreds of clients that
// send half a request (or nothing) and stall must not hold up anyone else and are closed after
// --idle-timeout; thousands of connections open at once are all served, and beyond
// --max-connections each newcomer takes the place of the connection idle longest while the
// server keeps serving the rest. (All from 127.0.0.1: the per-address cap is raised.)
#include "test_faults_support.hpp"

#include <random>

namespace messageu::test {
namespace {

constexpr int k_half_headers = 300;
constexpr int k_half_payloads = 50;
constexpr int k_silent = 50;

// A send from `from` to `to` of 1000 bytes, to be cut part way.
Bytes stalled_send(const User &from, const User &to) {
  return send_request(from.id, to.id, MessageType::text, Bytes(1000, 0x5A));
}

// Opens the stalled connections: half headers (1 to 22 bytes), whole headers with half their
// payload, and connections that send nothing at all.
std::vector<std::unique_ptr<RawConnection>> open_stalled(std::uint16_t port, const User &from,
                                                         const User &to) {
  std::mt19937 random(77);
  auto bytes = stalled_send(from, to);
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < k_half_headers + k_half_payloads + k_silent; ++i) {
    auto connection = std::make_unique<RawConnection>(port);
    std::size_t prefix = 0; // silent
    if (i < k_half_headers)
      prefix = 1 + random() % 22;
    else if (i < k_half_headers + k_half_payloads)
      prefix = 23 + 21 + 500;
    EXPECT_TRUE(connection->send(ByteView(bytes).first(prefix)));
    stalled.push_back(std::move(connection));
  }
  return stalled;
}

// How many of `stalled` the server has not closed yet; forgets those it has.
std::size_t still_open(std::vector<std::unique_ptr<RawConnection>> &stalled) {
  std::erase_if(stalled, [](const auto &connection) { return peer_closed_now(connection->fd()); });
  return stalled.size();
}

TEST(FaultsConnections, HundredsOfStalledClientsHoldUpNoOneAndAreClosedAfterTheIdleTimeout) {
  raise_open_file_limit();
  ServerProcess server({"--idle-timeout", "3", "--max-connections-per-address", "1000"});
  auto port = server.port();
  auto alice = register_user(port, "alice");
  auto bob = register_user(port, "bob");
  auto stalled = open_stalled(port, alice, bob);
  const auto total = stalled.size();

  // While they stall, a kept connection and a fresh connection per request are served; this
  // goes on until the server has closed every stalled one (bounded: 600 rounds).
  RawConnection kept(port);
  int served = 0;
  std::size_t open_at_first_answer = 0;
  for (int round = 0; round < 600 && still_open(stalled) > 0; ++round) {
    RawConnection fresh(port);
    auto text = "fresh " + std::to_string(round);
    auto sent =
        round_trip(fresh, send_request(alice.id, bob.id, MessageType::text, as_bytes(text)));
    ASSERT_TRUE(sent) << "round " << round;
    ASSERT_EQ(sent->code, 2103);
    auto list = round_trip(kept, request(alice.id, Operation::list_users));
    ASSERT_TRUE(list) << "round " << round;
    ASSERT_EQ(list->code, 2101);
    if (served++ == 0)
      open_at_first_answer = still_open(stalled);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GT(open_at_first_answer, 0u) << "no stalled client was left open to hold anyone up";
  EXPECT_EQ(still_open(stalled), 0u) << "of " << total << " stalled connections";
  RecordProperty("served_while_stalled", served);

  // Nothing of the half-sent requests was stored: bob has exactly the fresh texts.
  auto messages = pull(port, bob.id);
  ASSERT_EQ(messages.size(), static_cast<std::size_t>(served));
  for (int round = 0; round < served; ++round)
    EXPECT_EQ(as_chars(messages[static_cast<std::size_t>(round)].content),
              "fresh " + std::to_string(round));
  EXPECT_TRUE(eventually([&] { return leftover_content_count(server.db_path()) == 0; }));
}

// Requests a list on every connection first, then reads every answer: each of them is being
// served at the same time. Returns how many answered 2101.
std::size_t list_on_all(std::vector<std::unique_ptr<RawConnection>> &connections,
                        const User &user) {
  auto bytes = request(user.id, Operation::list_users);
  for (auto &connection : connections)
    connection->send(bytes);
  std::size_t answered = 0;
  for (auto &connection : connections) {
    auto list = connection->receive_response(std::chrono::seconds(30));
    answered += list && list->code == 2101;
  }
  return answered;
}

// A connection the server admitted and served. The registration's connection may still count
// against the maximum for a moment after it closed, so a refusal is retried (bounded).
std::unique_ptr<RawConnection> admitted_connection(std::uint16_t port, const User &user) {
  for (int attempt = 0; attempt < 500; ++attempt) {
    auto connection = std::make_unique<RawConnection>(port);
    auto list = round_trip(*connection, request(user.id, Operation::list_users));
    if (list && list->code == 2101)
      return connection;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return nullptr;
}

TEST(FaultsConnections, ServesThousandsAtOnceAndAboveTheMaximumClosesTheLongestIdleToMakeRoom) {
  constexpr int k_wanted = 3000;
  constexpr int k_excess = 200;
  auto limit = raise_open_file_limit();
  // This process holds every connection, the excess and a few more; the server raises its
  // own limit the same way.
  auto count = static_cast<int>(std::min<std::uint64_t>(k_wanted, limit > 400 ? limit - 400 : 0));
  if (count < 1000)
    GTEST_SKIP() << "the open files limit (" << limit
                 << ") is too low for thousands of connections";
  ServerProcess server({"--max-connections", std::to_string(count), "--max-connections-per-address",
                        std::to_string(count + k_excess)});
  auto port = server.port();
  auto alice = register_user(port, "alice");

  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < count; ++i) {
    auto connection = admitted_connection(port, alice);
    ASSERT_TRUE(connection) << "connection " << i << " of " << count << " never served";
    held.push_back(std::move(connection));
  }
  EXPECT_EQ(list_on_all(held, alice), held.size());

  // Above the maximum each newcomer is served, and the connections idle longest (the first
  // held ones: list_on_all used them in order) are closed to make room, a few at a time.
  std::vector<std::unique_ptr<RawConnection>> newcomers;
  for (int i = 0; i < k_excess; ++i) {
    auto connection = std::make_unique<RawConnection>(port);
    auto list = round_trip(*connection, request(alice.id, Operation::list_users));
    ASSERT_TRUE(list && list->code == 2101) << "newcomer " << i;
    newcomers.push_back(std::move(connection));
  }
  EXPECT_TRUE(server.process().running());
  EXPECT_TRUE(eventually([&] {
    return count_occurrences(server.log(), "to make room for") >= std::size_t{k_excess};
  }));
  // Closings come a few at a time and the log is written in batches: count them on the held
  // connections themselves (the oldest first), then check the log says as many.
  std::size_t closed = 0;
  while (closed < held.size() && held[closed]->closed_by_peer(std::chrono::milliseconds(500)))
    ++closed;
  ASSERT_GE(closed, std::size_t{k_excess});
  ASSERT_LT(closed, std::size_t{k_excess + 64});
  EXPECT_TRUE(
      eventually([&] { return count_occurrences(server.log(), "to make room for") == closed; }));
  held.erase(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(closed));
  EXPECT_EQ(list_on_all(held, alice), held.size());
  EXPECT_EQ(list_on_all(newcomers, alice), newcomers.size());
  RecordProperty("connections", count);
}

} // namespace
} // namespace messageu::test
